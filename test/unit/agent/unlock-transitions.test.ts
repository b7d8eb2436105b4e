import { describe, expect, it } from 'vitest';
import { AgentState } from '../../../src-shared/api/agent-api.js';
import type { AgentModel, CardFacts } from '../../../src-main/agent/agent-model.js';
import { cardRemoved, insertionIn, sessionLocked } from '../../../src-main/agent/agent-transitions.js';
import { indicatorOf, screenOf, viewOf } from '../../../src-main/agent/agent-view.js';
import type { UnlockFlow } from '../../../src-main/agent/unlock-model.js';
import { unlockClosed, unlockDone, unlockFailed, unlockRefused, unlockStarted, unlockStepped } from '../../../src-main/agent/unlock-transitions.js';
import { base, facts, R1, R2, signedIn, TOKEN, withCard } from './support/model-steps.js';

// The unlock's part of the state machine, without readers, cards or a service: an unlock lives
// only as long as its card (self-service) or its sponsor's unlocked session; the view never
// carries the unlock's capability; a finished unlock gives the card its tries back.

const UNLOCK_ID = 'U'.repeat(43);

function flow(mode: UnlockFlow['mode'], m: AgentModel, reader: string | null, f: CardFacts | null): UnlockFlow {
  return {
    id: 1,
    mode,
    reader,
    insertion: reader ? (insertionIn(m, reader) ?? null) : null,
    holderName: f?.holderName ?? null,
    cardUuid: f?.cardUuid ?? null,
    step: mode === 'self' ? { step: 'intro' } : { step: 'insert' },
    busy: false,
    error: null,
    unlockId: null,
    sessionToken: mode === 'sponsor' ? TOKEN : null,
  };
}

describe('unlock state', () => {
  it('self-service: shown instead of the locked card, never with its capability; done gives the card 3 tries and closing shows the passcode prompt', () => {
    const rhys = facts('Rhys Evans');
    let m = withCard(base(), R1, rhys, 0);
    expect(screenOf(m).kind).toBe('locked-card');
    m = unlockStarted(m, flow('self', m, R1, rhys));
    m = unlockStepped(m, 1, { step: 'new-passcode' }, { unlockId: UNLOCK_ID });
    const view = viewOf(m);
    expect(AgentState.safeParse({ version: 1, ...view }).success).toBe(true);
    expect(view.screen).toMatchObject({ kind: 'self-unlock', unlock: { mode: 'self', reader: R1, holderName: 'Rhys Evans', step: { step: 'new-passcode' } } });
    expect(JSON.stringify(view)).not.toContain(UNLOCK_ID);
    expect(indicatorOf(m)).toBe('locked');
    m = unlockDone(m, 1);
    expect(m.unlock?.unlockId).toBeNull();
    expect(indicatorOf(m)).toBe('card-present');
    m = unlockClosed(m);
    expect(screenOf(m)).toMatchObject({ kind: 'passcode', attemptsRemaining: 3 });
  });

  it('self-service: the card pulled ends it; an answer for an ended or replaced flow changes nothing', () => {
    const rhys = facts('Rhys Evans');
    let m = withCard(base(), R1, rhys, 0);
    m = unlockStarted(m, flow('self', m, R1, rhys));
    expect(unlockFailed(m, 2, 'stale')).toBe(m);
    m = cardRemoved(m, R1);
    expect(m.unlock).toBeNull();
    expect(screenOf(m)).toEqual({ kind: 'no-card' });
    expect(unlockStepped(m, 1, { step: 'done' })).toBe(m);
  });

  it('sponsor: the serviced card pulled goes back to "insert" saying so and forgets the card; once done it stays done', () => {
    const grace = facts('Grace Okafor');
    const rhys = facts('Rhys Evans');
    let m = signedIn(withCard(base(), R1, grace, 3), R1, grace);
    m = withCard(m, R2, rhys, 0);
    m = unlockStarted(m, flow('sponsor', m, null, null));
    m = unlockStepped(m, 1, { step: 'confirm' }, { reader: R2, insertion: insertionIn(m, R2) ?? null, cardUuid: rhys.cardUuid, holderName: 'Rhys Evans', unlockId: UNLOCK_ID });
    expect(screenOf(m)).toMatchObject({ kind: 'signed-in', serviceCard: { reader: R2, step: { step: 'confirm' } } });
    const pulled = cardRemoved(m, R2);
    expect(pulled.unlock).toMatchObject({ reader: null, cardUuid: null, holderName: null, unlockId: null, step: { step: 'insert' } });
    expect(pulled.unlock?.error).toMatch(/removed from the second reader/);
    expect(pulled.session).toBe(m.session);

    const done = cardRemoved(unlockDone(m, 1), R2);
    expect(done.unlock?.step).toEqual({ step: 'done' });
  });

  it('sponsor: the card pulled gives the flow a new number, so a late answer for that card (done, a failure) never lands on the next one', () => {
    const grace = facts('Grace Okafor');
    const rhys = facts('Rhys Evans');
    const zoe = facts('Zoë Smith-Jones');
    let m = signedIn(withCard(base(), R1, grace, 3), R1, grace);
    m = withCard(m, R2, rhys, 0);
    m = unlockStarted(m, flow('sponsor', m, null, null));
    m = unlockStepped(m, 1, { step: 'new-passcode' }, { reader: R2, insertion: insertionIn(m, R2) ?? null, cardUuid: rhys.cardUuid, unlockId: UNLOCK_ID });
    m = cardRemoved(m, R2);
    const fresh = m.unlock?.id as number;
    expect(fresh).not.toBe(1);
    // The next locked card, inserted and continued under the new number.
    m = withCard(m, R2, zoe, 0);
    m = unlockStepped(m, fresh, { step: 'choose', certificateNotAfter: '2030-01-01T00:00:00.000Z', daysToExpiry: 400, unlockRefusal: null, renewRefusal: null }, { reader: R2, insertion: insertionIn(m, R2) ?? null, cardUuid: zoe.cardUuid });
    expect(unlockDone(m, 1)).toBe(m);
    expect(unlockFailed(m, 1, 'late', { step: 'new-passcode' })).toBe(m);
    expect(unlockRefused(m, 1, 'late')).toBe(m);
    expect(m.readers.find((r) => r.name === R2)?.card).toMatchObject({ status: 'ready', attemptsRemaining: 0 });
  });

  it('sponsor: ends with the session, when it locks or ends; a refusal drops the capability', () => {
    const grace = facts('Grace Okafor');
    let m = signedIn(withCard(base(), R1, grace, 3), R1, grace);
    m = unlockStarted(m, flow('sponsor', m, null, null));
    m = unlockStepped(m, 1, { step: 'confirm' }, { unlockId: UNLOCK_ID });
    expect(unlockRefused(m, 1, 'No.').unlock).toMatchObject({ step: { step: 'refused', message: 'No.' }, unlockId: null });
    expect(sessionLocked(m).unlock).toBeNull();
    expect(cardRemoved(m, R1).unlock).toBeNull();
  });

  it('a sponsor flow cannot start without a session, nor a self-service one with a session', () => {
    const grace = facts('Grace Okafor');
    const rhys = facts('Rhys Evans');
    const alone = withCard(base(), R2, rhys, 0);
    expect(unlockStarted(alone, flow('sponsor', alone, null, null)).unlock).toBeNull();
    let m = signedIn(withCard(base(), R1, grace, 3), R1, grace);
    m = withCard(m, R2, rhys, 0);
    expect(unlockStarted(m, flow('self', m, R2, rhys)).unlock).toBeNull();
  });
});
