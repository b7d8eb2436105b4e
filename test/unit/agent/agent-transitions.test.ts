import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AgentState } from '../../../src-shared/api/agent-api.js';
import { initialModel, type AgentModel, type CardFacts } from '../../../src-main/agent/agent-model.js';
import {
  cardInserted,
  cardRead,
  cardRemoved,
  cardUnreadable,
  insertionIn,
  loginCancelled,
  loginVerified,
  passcodeWrong,
  readerAdded,
  readerRemoved,
  serviceChanged,
  sessionEnded,
  sessionLocked,
  sessionOpened,
} from '../../../src-main/agent/agent-transitions.js';
import { indicatorOf, screenOf, viewOf } from '../../../src-main/agent/agent-view.js';

// The state machine on its own: each transition is a pure function of the model, so the rules
// (one login at a time, removal ends or locks the session, a stale card answer is dropped) are
// checked here without readers, cards or a service.

const R1 = 'Reader 1';
const R2 = 'Reader 2';

const facts = (holderName: string): CardFacts => ({ cardUuid: randomUUID(), holderName, certificate: randomBytes(64), algorithm: 'p256' });

function withCard(m: AgentModel, reader: string, f: CardFacts, attempts: number | null = 3): AgentModel {
  const inserted = cardInserted(m, reader);
  return cardRead(inserted, reader, insertionIn(inserted, reader) as number, f, attempts);
}

const org = { code: 'RZZ01', name: 'Training General Hospital', kind: 'site' as const, parentCode: 'RZZ' };
const position = { id: 7, title: 'Consultant', jobRole: 'Clinical', organisation: org, roles: [], assignable: true };

function signedIn(m: AgentModel, reader: string, f: CardFacts): AgentModel {
  const insertion = insertionIn(m, reader) as number;
  const card = { uuid: f.cardUuid, certificateNotAfter: '2030-01-01T00:00:00.000Z', daysToExpiry: 1000, renewalDue: false };
  const verified = loginVerified(m, reader, insertion, { loginTicket: 'T'.repeat(43), user: { uuid: randomUUID(), name: f.holderName }, card, positions: [position], rememberedPositionId: null });
  return sessionOpened(verified, {
    token: 'S'.repeat(43),
    response: { token: 'S'.repeat(43), expiresAt: '2030-01-01T00:00:00.000Z', user: { uuid: randomUUID(), name: f.holderName }, card, position },
    facts: f,
    reader,
    insertion,
    signedInAt: new Date('2026-01-01T09:00:00Z'),
  });
}

const base = (mode: 'normal' | 'session-lock' = 'normal'): AgentModel => readerAdded(readerAdded(initialModel(mode), R1), R2);

describe('agent state machine', () => {
  it('no readers, then no card, then reading, then the passcode prompt', () => {
    let m = initialModel('normal');
    expect(screenOf(m)).toEqual({ kind: 'no-readers' });
    expect(indicatorOf(m)).toBe('no-reader');
    m = base();
    expect(screenOf(m)).toEqual({ kind: 'no-card' });
    m = cardInserted(m, R1);
    expect(screenOf(m)).toEqual({ kind: 'reading-card', reader: R1 });
    const f = facts('Amelia Hart');
    m = cardRead(m, R1, insertionIn(m, R1) as number, f, 3);
    expect(screenOf(m)).toMatchObject({ kind: 'passcode', reader: R1, holderName: 'Amelia Hart', attemptsRemaining: 3, lastAttempt: false });
    expect(AgentState.safeParse({ version: 1, ...viewOf(m) }).success).toBe(true);
  });

  it('an answer about a card that has since been replaced is dropped', () => {
    let m = cardInserted(base(), R1);
    const stale = insertionIn(m, R1) as number;
    m = cardInserted(cardRemoved(m, R1), R1);
    m = cardRead(m, R1, stale, facts('Old Card'), 3);
    expect(screenOf(m)).toEqual({ kind: 'reading-card', reader: R1 });
    m = cardUnreadable(m, R1, stale, 'nope');
    expect(screenOf(m)).toEqual({ kind: 'reading-card', reader: R1 });
  });

  it('one login at a time: a second card waits, and is offered when the first leaves', () => {
    let m = withCard(base(), R1, facts('First'));
    m = withCard(m, R2, facts('Second'));
    expect(screenOf(m)).toMatchObject({ kind: 'passcode', holderName: 'First' });
    m = cardRemoved(m, R1);
    expect(screenOf(m)).toMatchObject({ kind: 'passcode', holderName: 'Second', reader: R2 });
  });

  it('the counter reaching 0 turns the prompt into the locked-card screen; 1 warns that it is the last attempt', () => {
    let m = withCard(base(), R1, facts('Grace Okafor'));
    const insertion = insertionIn(m, R1) as number;
    m = passcodeWrong(m, R1, insertion, 1, 'last');
    expect(screenOf(m)).toMatchObject({ kind: 'passcode', attemptsRemaining: 1, lastAttempt: true, error: 'last' });
    m = passcodeWrong(m, R1, insertion, 0, 'locked');
    expect(screenOf(m)).toMatchObject({ kind: 'locked-card', holderName: 'Grace Okafor' });
    expect(indicatorOf(m)).toBe('locked');
  });

  it('normal mode: removing the session card ends the session; removing another card does not', () => {
    const f = facts('Amelia Hart');
    let m = signedIn(withCard(base('normal'), R1, f), R1, f);
    m = withCard(m, R2, facts('Colleague'));
    expect(screenOf(m).kind).toBe('signed-in');
    m = cardRemoved(m, R2);
    expect(screenOf(m).kind).toBe('signed-in');
    m = cardRemoved(m, R1);
    expect(m.session).toBeNull();
    expect(screenOf(m)).toEqual({ kind: 'no-card' });
  });

  it('session-lock mode: removal locks; only a card with the session card UUID shows as its reader', () => {
    const f = facts('Amelia Hart');
    let m = signedIn(withCard(base('session-lock'), R1, f), R1, f);
    m = cardRemoved(m, R1);
    expect(screenOf(m)).toMatchObject({ kind: 'session-locked', reader: null, cardUuid: f.cardUuid });
    expect(indicatorOf(m)).toBe('locked');
    m = withCard(m, R1, facts('Someone Else'));
    expect(screenOf(m)).toMatchObject({ kind: 'session-locked', reader: null });
    m = withCard(m, R2, f, 3);
    expect(screenOf(m)).toMatchObject({ kind: 'session-locked', reader: R2, attemptsRemaining: 3 });
  });

  it('a reader vanishing with the session card in it counts as removal', () => {
    const f = facts('Amelia Hart');
    let m = signedIn(withCard(base('normal'), R1, f), R1, f);
    m = readerRemoved(m, R1);
    expect(m.session).toBeNull();
    expect(m.readers.map((r) => r.name)).toEqual([R2]);
  });

  it('logging out sets the card aside (no prompt until re-inserted); locking keeps the token', () => {
    const f = facts('Amelia Hart');
    let m = signedIn(withCard(base(), R1, f), R1, f);
    const locked = sessionLocked(m);
    expect(locked.session?.token).toBe(m.session?.token);
    m = sessionEnded(m, { dismissCard: true });
    expect(screenOf(m)).toEqual({ kind: 'no-card' });
    expect(indicatorOf(m)).toBe('card-present');
    m = withCard(cardRemoved(m, R1), R1, f);
    expect(screenOf(m).kind).toBe('passcode');
  });

  it('cancel on the position list returns to the passcode prompt', () => {
    const f = facts('Amelia Hart');
    let m = withCard(base(), R1, f);
    const insertion = insertionIn(m, R1) as number;
    m = loginVerified(m, R1, insertion, {
      loginTicket: 'T'.repeat(43),
      user: { uuid: randomUUID(), name: 'Amelia Hart' },
      card: { uuid: f.cardUuid, certificateNotAfter: '2030-01-01T00:00:00.000Z', daysToExpiry: 1000, renewalDue: false },
      positions: [position],
      rememberedPositionId: 7,
    });
    expect(screenOf(m)).toMatchObject({ kind: 'choose-position', rememberedPositionId: 7, positions: [{ positionId: 7, title: 'Consultant' }] });
    m = loginCancelled(m);
    expect(screenOf(m)).toMatchObject({ kind: 'passcode', error: null });
  });

  it('the tray: unreachable service or unreadable card is an error until signed in; renewal due shows expiring', () => {
    let m = cardUnreadable(cardInserted(base(), R1), R1, 1, 'This smartcard could not be read.');
    expect(screenOf(m)).toEqual({ kind: 'card-error', reader: R1, message: 'This smartcard could not be read.' });
    expect(indicatorOf(m)).toBe('error');
    m = serviceChanged(base(), { status: 'unreachable', message: 'down', retryInSeconds: 4 });
    expect(indicatorOf(m)).toBe('error');
    const f = facts('Zoë Smith-Jones');
    m = signedIn(withCard(m, R1, f), R1, f);
    expect(indicatorOf(m)).toBe('signed-in');
    const due = { ...m, session: m.session && { ...m.session, view: { ...m.session.view, expiry: { ...m.session.view.expiry, renewalDue: true } } } };
    expect(indicatorOf(due)).toBe('expiring');
  });
});
