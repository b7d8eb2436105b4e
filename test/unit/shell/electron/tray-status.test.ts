import { describe, expect, it } from 'vitest';
import { AgentIndicator, type AgentState } from '../../../../src-shared/api/agent-api.js';
import { INDICATORS, INDICATOR_WORDS, sameTrayModel, trayModel } from '../../../../src-main/shell/electron/tray-status.js';
import { initialState } from '../support/fake-agent.js';
import { signedIn } from '../support/states.js';

// The tray's words and menu for each state.

describe('indicator words', () => {
  it('cover every AgentIndicator of the contract, each with different words', () => {
    expect([...INDICATORS].sort()).toEqual([...AgentIndicator.options].sort());
    expect(new Set(Object.values(INDICATOR_WORDS)).size).toBe(AgentIndicator.options.length);
  });
});

describe('trayModel', () => {
  it('no card: the state in words, nothing to lock or log out of', () => {
    expect(trayModel(initialState())).toEqual({ indicator: 'no-card', tooltip: 'Care Identity: No smartcard inserted', canLock: false, canLogout: false, canChangePasscode: false, removalNotice: null });
  });

  it('signed in: who, and both Lock and Log out', () => {
    expect(trayModel(signedIn())).toEqual({ indicator: 'signed-in', tooltip: 'Care Identity: Signed in as Amelia Hart', canLock: true, canLogout: true, canChangePasscode: true, removalNotice: 'Removing your smartcard will log you out of every app.' });
  });

  it('expiring: the warning in words, still signed in', () => {
    const model = trayModel(signedIn({ renewalDue: true, daysToExpiry: 30 }));
    expect(model.indicator).toBe('expiring');
    expect(model.tooltip).toBe('Care Identity: Signed in as Amelia Hart; your smartcard certificate expires soon');
    expect(model.canLock).toBe(true);
  });

  it('session locked: Log out only', () => {
    const locked: AgentState = {
      ...initialState(),
      indicator: 'locked',
      screen: { kind: 'session-locked', holderName: 'Amelia Hart', cardUuid: '0b4c4e8e-1f6b-4d8a-9a51-8d1a7c1d2e3f', reader: null, attemptsRemaining: null, busy: false, error: null },
    };
    expect(trayModel(locked)).toMatchObject({ indicator: 'locked', tooltip: 'Care Identity: Session locked', canLock: false, canLogout: true, canChangePasscode: false });
  });

  it('sameTrayModel tells when the tray needs redrawing', () => {
    const a = trayModel(initialState());
    expect(sameTrayModel(undefined, a)).toBe(false);
    expect(sameTrayModel(a, trayModel({ ...initialState(), version: 9 }))).toBe(true);
    expect(sameTrayModel(a, trayModel(signedIn()))).toBe(false);
  });
});
