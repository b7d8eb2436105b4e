import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AgentState } from '../../../src-shared/api/agent-api.js';
import type { AgentModel, CardFacts } from '../../../src-main/agent/agent-model.js';
import { cardRemoved, insertionIn, sessionLocked } from '../../../src-main/agent/agent-transitions.js';
import { screenOf, viewOf } from '../../../src-main/agent/agent-view.js';
import type { RenewalFlow } from '../../../src-main/agent/renewal-model.js';
import { cardRenewed, renewalDone, renewalFailed, renewalRefused, renewalStarted } from '../../../src-main/agent/renewal-transitions.js';
import { base, facts, R1, R2, signedIn, TOKEN, withCard } from './support/model-steps.js';

// The renewal's part of the state machine, without readers, cards or a service: the notification
// at login (not on resume), a renewal living only as long as its card and (self, sponsor) its
// session, a late answer for a card that left never landing on the next one, no login offered on
// a card being finished, and no renewal id in any view.

const RENEWAL_ID = 'R'.repeat(43);

function sponsorFlow(m: AgentModel, reader: string, f: CardFacts, id = 100): RenewalFlow {
  return {
    id,
    mode: 'sponsor',
    reader,
    insertion: insertionIn(m, reader) as number,
    holderName: f.holderName,
    cardUuid: f.cardUuid,
    step: { step: 'passcode', attemptsRemaining: 3 },
    busy: false,
    error: null,
    renewalId: RENEWAL_ID,
    sessionToken: TOKEN,
    algorithm: 'p256',
  };
}

describe('renewal state', () => {
  it('rule: the notification comes with a login whose card is due (within 90 days, not expired), with the days left; none otherwise', () => {
    const grace = facts('Grace Okafor');
    const due = signedIn(withCard(base(), R1, grace), R1, grace, 90);
    expect(due.renewal).toMatchObject({ mode: 'self', step: { step: 'notice', daysToExpiry: 90 }, sessionToken: TOKEN, renewalId: null });
    const screen = screenOf(due);
    expect(screen).toMatchObject({ kind: 'signed-in', renewal: { mode: 'self', step: { step: 'notice', daysToExpiry: 90 } } });
    expect(viewOf(due).indicator).toBe('expiring');
    expect(signedIn(withCard(base(), R1, grace), R1, grace, 91).renewal).toBeNull();
  });

  it('a self renewal ends with its session (locked or ended); the renewed card takes its new certificate, and so does the session', () => {
    const grace = facts('Grace Okafor');
    const m = signedIn(withCard(base(), R1, grace), R1, grace, 30);
    expect(sessionLocked(m).renewal).toBeNull();
    expect(cardRemoved(m, R1).renewal).toBeNull();
    const certificate = randomBytes(80);
    const expiry = { certificateNotAfter: '2029-01-01T00:00:00.000Z', daysToExpiry: 1000, renewalDue: false };
    const renewed = renewalDone(cardRenewed(m, { cardUuid: grace.cardUuid, reader: R1, insertion: insertionIn(m, R1) as number }, certificate, expiry), m.renewal?.id as number, expiry.certificateNotAfter);
    expect(renewed.session?.facts.certificate).toEqual(certificate);
    expect(renewed.session?.view.expiry).toEqual(expiry);
    expect(renewed.readers[0]?.card).toMatchObject({ facts: { certificate } });
    expect(renewed.renewal?.step).toEqual({ step: 'done', certificateNotAfter: expiry.certificateNotAfter });
    expect(viewOf(renewed).indicator).toBe('signed-in');
  });

  it('sponsor: the card pulled ends the renewal, so a late answer (done, failure, refusal) never lands on the next card in that reader', () => {
    const grace = facts('Grace Okafor');
    const amelia = facts('Amelia Hart');
    const zoe = facts('Zoë Smith-Jones');
    let m = signedIn(withCard(base(), R1, grace), R1, grace);
    m = withCard(m, R2, amelia);
    m = renewalStarted(m, sponsorFlow(m, R2, amelia, 100));
    expect(m.renewal?.id).toBe(100);
    m = cardRemoved(m, R2);
    expect(m.renewal).toBeNull();
    m = withCard(m, R2, zoe);
    m = renewalStarted(m, sponsorFlow(m, R2, zoe, 101));
    expect(renewalDone(m, 100, '2029-01-01T00:00:00.000Z')).toBe(m);
    expect(renewalFailed(m, 100, 'late')).toBe(m);
    expect(renewalRefused(m, 100, 'late')).toBe(m);
    // A sponsor renewal done stays on screen when its card is taken out, until closed.
    const done = cardRemoved(renewalDone(m, 101, '2029-01-01T00:00:00.000Z'), R2);
    expect(done.renewal?.step.step).toBe('done');
  });

  it('a card whose key does not match its certificate is finished before any login is offered on it; the recovery screen comes first', () => {
    const rhys = facts('Rhys Evans');
    const m = withCard(base(), R1, rhys, 3, { progress: 'Finishing.' });
    expect(m.login).toBeNull();
    expect(m.renewal).toMatchObject({ mode: 'recovery', reader: R1, busy: true, step: { step: 'working', progress: 'Finishing.' } });
    expect(screenOf(m)).toMatchObject({ kind: 'renewal-recovery', renewal: { mode: 'recovery', holderName: 'Rhys Evans' } });
    expect(cardRemoved(m, R1).renewal).toBeNull();
  });

  it('no view carries the renewal id or the session token', () => {
    const grace = facts('Grace Okafor');
    const amelia = facts('Amelia Hart');
    let m = signedIn(withCard(base(), R1, grace), R1, grace);
    m = withCard(m, R2, amelia);
    m = renewalStarted(m, sponsorFlow(m, R2, amelia));
    const view = viewOf(m);
    expect(AgentState.safeParse({ version: 1, ...view }).success).toBe(true);
    const text = JSON.stringify(view);
    expect(text).not.toContain(RENEWAL_ID);
    expect(text).not.toContain(TOKEN);
  });
});
