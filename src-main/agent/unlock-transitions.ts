import type { UnlockStep } from '../../src-shared/api/agent-api.js';
import type { AgentModel } from './agent-model.js';
import { readyCardAt } from './agent-model.js';
import { UNLOCK_MESSAGES } from './unlock-messages.js';
import { newFlowId, type UnlockFlow } from './unlock-model.js';

// The unlock's changes of state, pure like the rest of agent-transitions.ts (but for drawing a
// fresh flow number). Each names the flow it answers (`id`), so the outcome of work started for
// one flow is dropped once that flow has ended or been replaced, or its card has left.

type Model = AgentModel;

/** A card that has just been unlocked has its full count of tries (three, the national rule). */
const UNLOCKED_ATTEMPTS = 3;

/**
 * An unlock lives only while what it works on does: a self-service unlock while its card is in
 * and nobody is signed in; a sponsor's while the session that started it is there and unlocked.
 */
export function settleUnlock(m: Model): UnlockFlow | null {
  const u = m.unlock;
  if (!u) return null;
  if (u.mode === 'self') {
    if (m.session || u.reader === null || u.insertion === null || !readyCardAt(m, u.reader, u.insertion)) return null;
    return u;
  }
  if (!m.session || m.session.locked || m.session.token !== u.sessionToken) return null;
  return u;
}

/**
 * The card in `reader` left. A sponsor goes back to waiting for it (nothing from the removed
 * card is kept), unless it was already unlocked; a self-service unlock ends (settle drops it).
 * The sponsor's flow gets a new number: an answer still on its way for the card that left (a
 * commit, a failure) would otherwise land on whatever card is inserted and continued next.
 */
export function unlockCardRemoved(u: UnlockFlow | null, reader: string, insertion: number): UnlockFlow | null {
  if (!u || u.mode !== 'sponsor' || u.reader !== reader || u.insertion !== insertion) return u;
  if (u.step.step === 'done') return { ...u, reader: null, insertion: null };
  return {
    ...u,
    id: newFlowId(),
    reader: null,
    insertion: null,
    holderName: null,
    cardUuid: null,
    unlockId: null,
    step: { step: 'insert' },
    busy: false,
    error: UNLOCK_MESSAGES.servicedRemoved,
  };
}

function mapFlow(m: Model, id: number, f: (u: UnlockFlow) => UnlockFlow): Model {
  const u = m.unlock;
  if (!u || u.id !== id) return m;
  return { ...m, unlock: f(u) };
}

export function unlockStarted(m: Model, flow: UnlockFlow): Model {
  return { ...m, unlock: settleUnlock({ ...m, unlock: flow }) };
}

/** The request went off to the service or the card. */
export function unlockBusy(m: Model, id: number): Model {
  return mapFlow(m, id, (u) => ({ ...u, busy: true, error: null }));
}

export interface UnlockFacts {
  readonly reader?: string | null;
  readonly insertion?: number | null;
  readonly holderName?: string | null;
  readonly cardUuid?: string | null;
  readonly unlockId?: string | null;
}

/** On to `step`, with whatever the step has learnt about the card. */
export function unlockStepped(m: Model, id: number, step: UnlockStep, facts: UnlockFacts = {}): Model {
  return mapFlow(m, id, (u) => ({ ...u, ...facts, step, busy: false, error: null }));
}

/** The request failed and can be tried again: the message on the step (or on `back`, from working). */
export function unlockFailed(m: Model, id: number, message: string, back?: UnlockStep): Model {
  return mapFlow(m, id, (u) => ({ ...u, step: back ?? u.step, busy: false, error: message }));
}

/** The service or the card will not have this card unlocked here: the reason, and no capability kept. */
export function unlockRefused(m: Model, id: number, message: string): Model {
  return mapFlow(m, id, (u) => ({ ...u, step: { step: 'refused', message }, unlockId: null, busy: false, error: null }));
}

/** The card has its new passcode: its counter is full again, so a login may follow. */
export function unlockDone(m: Model, id: number): Model {
  const u = m.unlock;
  if (!u || u.id !== id) return m;
  const readers =
    u.reader === null
      ? m.readers
      : m.readers.map((r) =>
          r.name === u.reader && r.card?.status === 'ready' && r.card.insertion === u.insertion ? { ...r, card: { ...r.card, attemptsRemaining: UNLOCKED_ATTEMPTS } } : r,
        );
  return { ...m, readers, unlock: { ...u, step: { step: 'done' }, unlockId: null, busy: false, error: null } };
}

export function unlockClosed(m: Model): Model {
  return m.unlock ? { ...m, unlock: null } : m;
}
