import type { RenewalStep } from '../../src-shared/api/agent-api.js';
import { wipe } from '../card/bytes.js';
import { readyCardAt, type AgentModel } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { sessionEnded, settle } from './agent-transitions.js';
import { AgentFailure } from './agent-types.js';
import { cardRenewal, type RenewalStage } from './renewal-card.js';
import { passcodeBytes } from './passcode-input.js';
import { confirmRenewed, serialOf } from './renewal-confirm.js';
import { classifyRenewalFailure, type RenewalOutcome } from './renewal-failures.js';
import { RENEWAL_MESSAGES } from './renewal-messages.js';
import type { RenewalFlow } from './renewal-model.js';
import { journaledRelay } from './renewal-relay.js';
import { noticeAtLogin, renewalClosed, renewalFailed, renewalPasscodeWrong, renewalRefused, renewalStarted, renewalStepped, renewalWorking } from './renewal-transitions.js';

// The renewal's requests: "Yes" on the notification, the card holder's passcode (which runs the
// card operation and the confirmation, for all three modes), and close. Each checks it is the
// right moment, journals the step before taking it, and applies the outcome to the flow it
// started from: an answer for a flow that has ended (its card pulled, its session gone) is dropped.

/** The renewal under way, of `mode` when given, not busy, at one of `steps`. */
function renewalAt(m: AgentModel, steps: readonly RenewalStep['step'][], mode?: RenewalFlow['mode']): RenewalFlow {
  const r = m.renewal;
  if (!r || (mode !== undefined && r.mode !== mode)) throw new AgentFailure('not-now', RENEWAL_MESSAGES.noRenewal);
  if (r.busy) throw new AgentFailure('not-now', RENEWAL_MESSAGES.alreadyBusy);
  if (!steps.includes(r.step.step)) throw new AgentFailure('not-now', RENEWAL_MESSAGES.notThisStep);
  return r;
}

/** renewal.start: "Yes" on the Smartcard Expiry Notification. */
export function startRenewal(rt: AgentRuntime): void {
  const m = rt.model();
  // "Renew now" after "No": the notification was dismissed for this login, but the renewal is
  // still due, so the same self renewal opens again, straight at the passcode.
  const session = m.session;
  if (!m.renewal && session && !session.locked) {
    const reopened = noticeAtLogin(session);
    if (!reopened) throw new AgentFailure('not-now', RENEWAL_MESSAGES.noRenewal);
    rt.apply((s) => renewalStarted(s, reopened));
  }
  const flow = renewalAt(rt.model(), ['notice'], 'self');
  const card = readyCardAt(m, flow.reader, flow.insertion);
  if (!card) throw new AgentFailure('card-removed', RENEWAL_MESSAGES.selfRemoved);
  rt.apply((s) => renewalStepped(s, flow.id, { step: 'passcode', attemptsRemaining: card.attemptsRemaining }));
}

const PROGRESS: Record<RenewalStage, string> = {
  'checking-card': RENEWAL_MESSAGES.progressChecking,
  'making-key': RENEWAL_MESSAGES.progressMakingKey,
  'writing-certificate': RENEWAL_MESSAGES.progressWriting,
};

/** renewal.submitPasscode: the card holder's passcode; the card makes its new key and takes its certificate. */
export async function submitRenewalPasscode(rt: AgentRuntime, passcode: string): Promise<void> {
  const m = rt.model();
  const flow = renewalAt(m, ['passcode']);
  const { id, reader, insertion, cardUuid } = flow;
  const card = readyCardAt(m, reader, insertion);
  if (!card) throw new AgentFailure('card-removed', removedMessage(flow));
  if (card.attemptsRemaining === 0) throw new AgentFailure('card-locked', MESSAGES.cardLocked);
  const back: RenewalStep = { step: 'passcode', attemptsRemaining: card.attemptsRemaining };

  const input = passcodeBytes(passcode);
  if (!input.ok) {
    rt.apply((s) => renewalFailed(s, id, input.message));
    throw new AgentFailure('passcode-policy', input.message);
  }
  const secret = input.bytes;
  if (rt.monitor.current().status === 'unreachable') {
    wipe(secret);
    rt.apply((s) => renewalFailed(s, id, RENEWAL_MESSAGES.serviceUnreachable));
    throw new AgentFailure('service-unreachable', RENEWAL_MESSAGES.serviceUnreachable);
  }

  const oldSerial = serialOf(card.facts.certificate);
  let { renewalId, algorithm, holderName } = flow;
  let result;
  try {
    if (renewalId === null) {
      // Self: the renewal is opened with the passcode in hand, so "Yes" then Cancel opens nothing.
      if (flow.sessionToken === null) throw new AgentFailure('internal', MESSAGES.internal);
      rt.journal.record({ cardUuid, mode: flow.mode, step: 'opening', oldSerial });
      rt.apply((s) => renewalWorking(s, id, RENEWAL_MESSAGES.progressOpening));
      const opened = await rt.monitor.track(rt.client.openSelfRenewal(flow.sessionToken));
      ({ renewalId, algorithm } = opened);
      holderName = opened.holder.name;
      const openedId = renewalId;
      rt.apply((s) => (s.renewal?.id === id ? { ...s, renewal: { ...s.renewal, renewalId: openedId, algorithm: opened.algorithm } } : s));
    }
    if (rt.model().renewal?.id !== id || !readyCardAt(rt.model(), reader, insertion)) throw new AgentFailure('card-removed', removedMessage(flow));
    rt.journal.record({ cardUuid, mode: flow.mode, step: 'card-operation', oldSerial });
    rt.apply((s) => renewalWorking(s, id, RENEWAL_MESSAGES.progressChecking));
    result = await cardRenewal({
      readers: rt.options.readers,
      reader,
      passcode: secret,
      relay: journaledRelay(rt, { renewalId, cardUuid, mode: flow.mode, oldSerial }),
      renewal: { renewalId, cardUuid },
      algorithm: algorithm ?? card.facts.algorithm,
      holderName: holderName ?? card.facts.holderName,
      onStage: (stage) => rt.apply((s) => renewalWorking(s, id, PROGRESS[stage])),
    });
  } catch (err) {
    if (err instanceof AgentFailure) throw err;
    throw applyRenewalOutcome(rt, flow, classifyRenewalFailure(err), back);
  } finally {
    wipe(secret);
  }
  await confirmRenewed(rt, { flow, mode: flow.mode, renewalId, certificate: result.certificate, oldSerial });
}

function removedMessage(flow: RenewalFlow): string {
  return flow.mode === 'sponsor' ? RENEWAL_MESSAGES.servicedRemoved : RENEWAL_MESSAGES.selfRemoved;
}

/**
 * Shows what went wrong where it belongs (on the passcode step, as the end of the renewal, as a
 * locked card, or as the end of the session) and returns the failure for the caller to throw.
 */
export function applyRenewalOutcome(rt: AgentRuntime, flow: RenewalFlow, outcome: RenewalOutcome, back: RenewalStep): AgentFailure {
  const { id } = flow;
  switch (outcome.kind) {
    case 'wrong':
      rt.apply((s) => renewalPasscodeWrong(s, id, outcome.attemptsRemaining, outcome.message));
      if (outcome.attemptsRemaining === 0) {
        // Locked now: the renewal cannot go on. Its holder's session ends as a locked card ends it
        // (the locked-card screen follows); a sponsor is told the card must be unlocked first.
        if (flow.mode === 'self') rt.apply((s) => (s.session?.token === flow.sessionToken ? sessionEnded(renewalClosed(s), { dismissCard: false }) : s));
        else if (flow.mode === 'sponsor') rt.apply((s) => renewalRefused(s, id, RENEWAL_MESSAGES.servicedLocked));
        else rt.apply((s) => (s.renewal?.id === id ? settle(renewalClosed(s)) : s));
      }
      break;
    case 'refused':
      rt.journal.record({ cardUuid: flow.cardUuid, mode: flow.mode, step: 'refused' });
      rt.apply((s) => renewalRefused(s, id, outcome.message));
      break;
    case 'session-gone':
      rt.apply((s) => (flow.sessionToken !== null && s.session?.token === flow.sessionToken ? sessionEnded(s, { dismissCard: false, notice: outcome.message }) : s));
      break;
    case 'card-removed':
      // The removal itself ends the flow; a reader that failed without the card leaving, likewise.
      rt.apply((s) => (s.renewal?.id === id ? settle(renewalClosed(s)) : s));
      return new AgentFailure(outcome.code, removedMessage(flow));
    default:
      rt.apply((s) => renewalFailed(s, id, outcome.message, back));
  }
  return new AgentFailure(outcome.code, outcome.message);
}

/**
 * renewal.close: "No" on the notification, Cancel, or closing a finished renewal. Not while the
 * card is at work. A card that cannot sign in as it is (its renewal refused or not finished) is
 * set aside until it is inserted again.
 */
export function closeRenewal(rt: AgentRuntime): void {
  const r = rt.model().renewal;
  if (!r) throw new AgentFailure('not-now', RENEWAL_MESSAGES.noRenewal);
  if (r.busy || r.step.step === 'working') throw new AgentFailure('not-now', RENEWAL_MESSAGES.alreadyBusy);
  const unusable = r.mode === 'recovery' && r.step.step !== 'done';
  const last = rt.journal.unfinished(r.cardUuid);
  // Opened but the card never reached: nothing to finish.
  if (last?.step === 'opening') rt.journal.record({ cardUuid: r.cardUuid, mode: r.mode, step: 'abandoned', oldSerial: last.oldSerial });
  rt.apply((s) => settle(renewalClosed(s, { dismissCard: unusable })));
}
