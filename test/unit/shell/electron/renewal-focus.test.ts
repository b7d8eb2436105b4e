import { describe, expect, it } from 'vitest';
import { AgentState, type RenewalStep } from '../../../../src-shared/api/agent-api.js';
import { renewalWantsMainWindow } from '../../../../src-main/shell/electron/renewal-focus.js';
import { renewalOffer } from '../../../../src-renderer/identity-agent/renewal-offer.js';
import { signedIn } from '../support/states.js';

// The compact Identity Agent window offers the same Yes / Renew now as the main window, and the
// main window, where the renewal's pages are, comes forward once the renewal starts.

const NOTICE: RenewalStep = { step: 'notice', daysToExpiry: 30, certificateNotAfter: '2030-01-01T00:00:00.000Z' };
const PASSCODE: RenewalStep = { step: 'passcode', attemptsRemaining: 3 };

function withRenewal(step: RenewalStep | null, options: { daysToExpiry?: number; mode?: 'self' | 'sponsor' } = {}): AgentState {
  const base = signedIn({ renewalDue: true, daysToExpiry: options.daysToExpiry ?? 30 });
  if (base.screen.kind !== 'signed-in') throw new Error('not signed in');
  const renewal = step && { mode: options.mode ?? 'self', reader: 'Reader 1', holderName: 'Amelia Hart', cardUuid: base.screen.session.cardUuid, step, busy: false, error: null };
  return AgentState.parse({ ...base, screen: { ...base.screen, renewal } });
}

const offer = (state: AgentState) => (state.screen.kind === 'signed-in' ? renewalOffer(state.screen) : 'not signed in');

describe('the compact Identity Agent window offers the same Yes / Renew as the main window', () => {
  it('"Yes" while the Smartcard Expiry Notification is open', () => {
    expect(offer(withRenewal(NOTICE))).toBe('yes');
  });

  it('"Renew now" once the notification was answered No', () => {
    expect(offer(withRenewal(null))).toBe('renew-now');
  });

  it('nothing for an expired certificate (RA in person), a renewal under way or a colleague\'s card', () => {
    expect(offer(withRenewal(null, { daysToExpiry: -2 }))).toBeNull();
    expect(offer(withRenewal(PASSCODE))).toBeNull();
    expect(offer(withRenewal(NOTICE, { mode: 'sponsor' }))).toBeNull();
    expect(offer(signedIn({ renewalDue: false }))).toBeNull();
  });

  it('the main window comes forward when the holder\'s renewal moves past the notification', () => {
    expect(renewalWantsMainWindow(withRenewal(NOTICE), withRenewal(PASSCODE))).toBe(true);
    expect(renewalWantsMainWindow(withRenewal(null), withRenewal(PASSCODE))).toBe(true);
    // Not at login (the notification itself), not again on every later step.
    expect(renewalWantsMainWindow(signedIn(), withRenewal(NOTICE))).toBe(false);
    expect(renewalWantsMainWindow(withRenewal(PASSCODE), withRenewal({ step: 'working', progress: 'Making a new key' }))).toBe(false);
    expect(renewalWantsMainWindow(withRenewal(NOTICE, { mode: 'sponsor' }), withRenewal(PASSCODE, { mode: 'sponsor' }))).toBe(false);
  });
});
