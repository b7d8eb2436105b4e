import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../../src-shared/api/agent-api.js';
import { passcodeWantsWindow } from '../../../src-main/bridge/connect-focus.js';
import { initialModel, type AgentModel } from '../../../src-main/agent/agent-model.js';
import { readerAdded } from '../../../src-main/agent/agent-transitions.js';
import { screenOf } from '../../../src-main/agent/agent-view.js';
import { appAsksToSignIn, appWaitOver } from '../../../src-main/agent/app-sign-in.js';
import { facts, R1, R2, signedIn, withCard } from '../agent/support/model-steps.js';

// The Smartcard Connect sign-in style, on the agent's state machine: a card going in brings up
// nothing; an app asking to sign in (through the bridge, with no session) brings the passcode
// prompt for the card that is in, or the next one to go in; the standard style is unchanged.

const connect = (): AgentModel => readerAdded(readerAdded(initialModel('normal', 'connect'), R1), R2);
const standard = (): AgentModel => readerAdded(readerAdded(initialModel('normal'), R1), R2);

describe('Connect sign-in style', () => {
  it('rule: nothing pops up when the card goes in', () => {
    const m = withCard(connect(), R1, facts('Amelia Hart'));
    expect(m.login).toBeNull();
    expect(screenOf(m).kind).toBe('no-card');
  });

  it('rule: an app asking to sign in brings the passcode prompt for the card already in', () => {
    const m = appAsksToSignIn(withCard(connect(), R1, facts('Amelia Hart')));
    expect(m.login).toMatchObject({ step: 'passcode', reader: R1 });
    expect(screenOf(m)).toMatchObject({ kind: 'passcode', holderName: 'Amelia Hart' });
  });

  it('rule: an app asking before the card is in: the card gets the passcode prompt when it goes in', () => {
    const asked = appAsksToSignIn(connect());
    expect(asked.login).toBeNull();
    const m = withCard(asked, R2, facts('Amelia Hart'));
    expect(m.login).toMatchObject({ step: 'passcode', reader: R2 });
  });

  it('rule: once nobody is waiting (the page’s ticket expired), a card going in brings nothing up again', () => {
    const m = withCard(appWaitOver(appAsksToSignIn(connect())), R1, facts('Amelia Hart'));
    expect(m.login).toBeNull();
  });

  it('rule: signing in ends the wait, so the next card after sign-out brings nothing up', () => {
    const f = facts('Amelia Hart');
    const m = signedIn(appAsksToSignIn(withCard(connect(), R1, f)), R1, f);
    expect(m.session).not.toBeNull();
    expect(m.appWaiting).toBe(false);
  });

  it('rule: a signed-in session is not asked for anything when an app asks', () => {
    const f = facts('Amelia Hart');
    const before = signedIn(appAsksToSignIn(withCard(connect(), R1, f)), R1, f);
    expect(appAsksToSignIn(before)).toBe(before);
  });

  it('rule: the standard style still asks for the passcode as the card goes in', () => {
    expect(withCard(standard(), R1, facts('Amelia Hart')).login).toMatchObject({ step: 'passcode', reader: R1 });
  });
});

describe('Connect style: the window comes forward', () => {
  const state = (screen: AgentState['screen']): AgentState => ({
    version: 1,
    indicator: 'card-present',
    removalMode: 'normal',
    removalNotice: 'Removing your smartcard will log you out of every app.',
    service: { status: 'connected', message: null, retryInSeconds: null },
    readers: [],
    screen,
    training: null,
  });
  const passcode = state({ kind: 'passcode', reader: R1, holderName: 'Amelia Hart', cardUuid: '7b0c4b52-2f5e-4d8a-9a44-3c1a3c8a4f10', attemptsRemaining: 3, lastAttempt: false, busy: false, error: null });

  it('rule: when an app’s request brings the passcode screen, the Identity Agent comes forward once', () => {
    expect(passcodeWantsWindow(state({ kind: 'no-card' }), passcode)).toBe(true);
    expect(passcodeWantsWindow(passcode, { ...passcode, version: 2 })).toBe(false);
    expect(passcodeWantsWindow(passcode, state({ kind: 'no-card' }))).toBe(false);
  });
});
