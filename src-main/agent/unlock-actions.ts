import type { UnlockStep } from '../../src-shared/api/agent-api.js';
import { newPasscodeProblems } from '../../src-shared/domain/passcode-change.js';
import { wipe } from '../card/bytes.js';
import { readyCardAt, type AgentModel } from './agent-model.js';
import type { AgentRuntime } from './agent-runtime.js';
import { sessionEnded } from './agent-transitions.js';
import { AgentFailure } from './agent-types.js';
import { cardUnlock, type UnlockRelay, type UnlockStage } from './unlock-card.js';
import { commitUnlock } from './unlock-commit.js';
import { classifyUnlockFailure, unlockUsedUp, type UnlockOutcome } from './unlock-failures.js';
import { UNLOCK_MESSAGES } from './unlock-messages.js';
import { newFlowId, type UnlockFlow } from './unlock-model.js';
import { unlockClosed, unlockDone, unlockFailed, unlockRefused, unlockStepped } from './unlock-transitions.js';

// The steps both unlocks share: the new passcode (checked before the card sees it, then the
// card operation and the commit), and closing the flow. Also the helpers the two flows' own
// actions use: finding the flow at the right step, and applying a failure's outcome.

/** A number for a new flow, never reused in this process. */
export const nextFlowId = newFlowId;

/** The unlock under way, of `mode` when given, not busy, at one of `steps`. */
export function flowAt(m: AgentModel, steps: readonly UnlockStep['step'][], mode?: UnlockFlow['mode']): UnlockFlow {
  const u = m.unlock;
  if (!u || (mode !== undefined && u.mode !== mode)) throw new AgentFailure('not-now', UNLOCK_MESSAGES.noUnlock);
  if (u.busy) throw new AgentFailure('not-now', UNLOCK_MESSAGES.alreadyBusy);
  if (!steps.includes(u.step.step)) throw new AgentFailure('not-now', UNLOCK_MESSAGES.notThisStep);
  return u;
}

/**
 * Shows what went wrong where it belongs (on the step, as the end of the flow, or as the end of
 * the session) and returns the failure for the caller to throw.
 */
export function applyOutcome(rt: AgentRuntime, flow: UnlockFlow, outcome: UnlockOutcome, back?: UnlockStep): AgentFailure {
  const id = flow.id;
  switch (outcome.kind) {
    case 'refused':
      rt.apply((m) => unlockRefused(m, id, outcome.message));
      break;
    case 'session-gone': {
      const token = flow.sessionToken;
      rt.apply((m) => (token !== null && m.session?.token === token ? sessionEnded(m, { dismissCard: false, notice: outcome.message }) : m));
      break;
    }
    case 'card-removed':
      // The removal itself moves the flow on (a sponsor waits for the card again; a self-service
      // unlock ends). A reader that failed without the card leaving ends up the same way.
      rt.apply((m) => (flow.mode === 'self' ? (m.unlock?.id === id ? unlockClosed(m) : m) : cardGone(m, id)));
      return new AgentFailure(outcome.code, flow.mode === 'self' ? UNLOCK_MESSAGES.selfRemoved : UNLOCK_MESSAGES.servicedRemoved);
    default:
      rt.apply((m) => unlockFailed(m, id, outcome.message, back));
  }
  return new AgentFailure(outcome.code, outcome.message);
}

function cardGone(m: AgentModel, id: number): AgentModel {
  const u = m.unlock;
  if (!u || u.id !== id || u.reader === null) return m;
  // A new number, as when the card leaves (unlock-transitions.ts): nothing late lands on the next card.
  const fresh = newFlowId();
  return unlockFailed(
    { ...m, unlock: { ...u, id: fresh, reader: null, insertion: null, holderName: null, cardUuid: null, unlockId: null } },
    fresh,
    UNLOCK_MESSAGES.servicedGone,
    { step: 'insert' },
  );
}

const PROGRESS: Record<UnlockStage, string> = {
  'checking-card': UNLOCK_MESSAGES.progressChecking,
  'setting-passcode': UNLOCK_MESSAGES.progressSetting,
};

function working(m: AgentModel, id: number, progress: string): AgentModel {
  const u = m.unlock;
  if (!u || u.id !== id) return m;
  return { ...m, unlock: { ...u, step: { step: 'working', progress }, busy: true, error: null } };
}

/** unlock.setPasscode: the holder's new passcode, twice; then the card is unlocked with it. */
export async function setUnlockPasscode(rt: AgentRuntime, request: { next: string; confirm: string }): Promise<void> {
  const m = rt.model();
  const flow = flowAt(m, ['new-passcode']);
  const { id, reader, insertion, unlockId } = flow;

  // Checked on the bytes (UTF-8, so nothing can pose as a digit); all wiped.
  const next = Buffer.from(request.next, 'utf8');
  const confirm = Buffer.from(request.confirm, 'utf8');
  const problem = newPasscodeProblems(next, confirm)[0];
  wipe(confirm);
  if (problem) {
    wipe(next);
    rt.apply((s) => unlockFailed(s, id, problem.message));
    throw new AgentFailure('passcode-policy', problem.message);
  }
  if (reader === null || insertion === null || unlockId === null || !readyCardAt(m, reader, insertion)) {
    wipe(next);
    const message = flow.mode === 'self' ? UNLOCK_MESSAGES.selfRemoved : UNLOCK_MESSAGES.servicedGone;
    throw applyOutcome(rt, flow, { kind: 'card-removed', code: 'card-removed', message });
  }

  const workstationId = rt.options.workstationId;
  const relay: UnlockRelay = {
    cardWitness: (witness) => rt.monitor.track(rt.client.cardWitness(unlockId, workstationId, witness)),
    release: (exchangeId, cardResponse) => rt.monitor.track(rt.client.releasePuk(unlockId, workstationId, exchangeId, cardResponse)),
    pukReconciled: () => rt.monitor.track(rt.client.commitUnlock(unlockId, workstationId, { pukOnly: true })),
  };
  rt.apply((s) => working(s, id, UNLOCK_MESSAGES.progressStarting));
  try {
    await cardUnlock({
      readers: rt.options.readers,
      reader,
      passcode: next,
      relay,
      onStage: (stage) => rt.apply((s) => working(s, id, PROGRESS[stage])),
    });
  } catch (err) {
    if (flow.mode === 'self' && unlockUsedUp(err)) {
      // The service will not go on with this unlock (expired, superseded, released too often):
      // a new security code starts a new one, which the holder can ask for from the first step.
      rt.apply((s) => unlockFailed(unlockStepped(s, id, { step: 'intro' }, { unlockId: null }), id, UNLOCK_MESSAGES.selfNewCode));
      throw new AgentFailure('service-refused', UNLOCK_MESSAGES.selfNewCode);
    }
    throw applyOutcome(rt, flow, classifyUnlockFailure(err), { step: 'new-passcode' });
  }
  // The card is unlocked whatever happens next: shown at once. The commit only settles the
  // service's records, and keeps trying in the background if it has to (unlock-commit.ts).
  rt.apply((s) => unlockDone(s, id));
  await commitUnlock(rt, unlockId);
}

/** unlock.close: cancel, or close the finished unlock. Not while the card is being changed. */
export function closeUnlock(rt: AgentRuntime): void {
  const u = rt.model().unlock;
  if (!u) throw new AgentFailure('not-now', UNLOCK_MESSAGES.noUnlock);
  if (u.step.step === 'working') throw new AgentFailure('not-now', UNLOCK_MESSAGES.alreadyBusy);
  rt.apply(unlockClosed);
}
