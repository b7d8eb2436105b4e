import { SecurityCode, type UnlockChannel } from '../../src-shared/api/service-unlock.js';
import { ServiceRefusedError } from '../service-client/service-client-errors.js';
import { readyCardAt } from './agent-model.js';
import { withCardProof } from './card-proof.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentFailure } from './agent-types.js';
import { applyOutcome, flowAt, nextFlowId } from './unlock-actions.js';
import { classifyUnlockFailure } from './unlock-failures.js';
import { UNLOCK_MESSAGES } from './unlock-messages.js';
import type { UnlockFlow } from './unlock-model.js';
import { unlockBusy, unlockFailed, unlockStarted, unlockStepped } from './unlock-transitions.js';

// Self-service unlock, from the locked-card screen with nobody signed in: "Unlock your
// smartcard" -> a security code sent to the holder's email or mobile -> the code -> a new
// passcode (unlock-actions.ts). The service's capability for this unlock stays in the model,
// in the main process; the code is checked for form before the service sees it.

export function beginSelfUnlock(rt: AgentRuntime): void {
  const m = rt.model();
  if (m.session) throw new AgentFailure('not-now', 'You are signed in. Sign out before unlocking a smartcard this way.');
  if (m.unlock?.busy) throw new AgentFailure('not-now', UNLOCK_MESSAGES.alreadyBusy);
  const login = m.login;
  if (login?.step !== 'passcode') throw new AgentFailure('not-now', UNLOCK_MESSAGES.noLockedCard);
  const card = readyCardAt(m, login.reader, login.insertion);
  if (!card) throw new AgentFailure('card-removed', UNLOCK_MESSAGES.noLockedCard);
  if (card.attemptsRemaining !== 0) throw new AgentFailure('card-not-locked', UNLOCK_MESSAGES.selfNotLocked);
  const flow: UnlockFlow = {
    id: nextFlowId(),
    mode: 'self',
    reader: login.reader,
    insertion: login.insertion,
    holderName: card.facts.holderName,
    cardUuid: card.facts.cardUuid,
    step: { step: 'intro' },
    busy: false,
    error: null,
    unlockId: null,
    sessionToken: null,
  };
  rt.apply((s) => unlockStarted(s, flow));
}

/** "Start now", or "Send a new code" (perhaps to the other destination): a fresh code and capability. */
export async function sendSecurityCode(rt: AgentRuntime, channel: UnlockChannel | undefined): Promise<void> {
  const m = rt.model();
  const flow = flowAt(m, ['intro', 'code'], 'self');
  const { id, reader, insertion } = flow;
  const card = reader !== null && insertion !== null ? readyCardAt(m, reader, insertion) : undefined;
  if (!card) throw new AgentFailure('card-removed', UNLOCK_MESSAGES.selfRemoved);

  rt.apply((s) => unlockBusy(s, id));
  let sent;
  try {
    // The card proves itself first: its UUID and certificate alone, both public, get nothing done.
    sent = await rt.monitor.track(
      withCardProof(rt, reader as string, card.facts.cardUuid, (cardProof) =>
        rt.client.selfUnlock({
          workstationId: rt.options.workstationId,
          cardUuid: card.facts.cardUuid,
          certificate: card.facts.certificate.toString('base64'),
          ...(channel ? { channel } : {}),
          cardProof,
        }),
      ),
    );
  } catch (err) {
    throw applyOutcome(rt, flow, classifyUnlockFailure(err));
  }
  stillOpen(rt, id);
  const step = { step: 'code', channel: sent.channel, sentTo: sent.sentTo, codeExpiresAt: sent.codeExpiresAt, otherChannel: sent.otherChannel } as const;
  rt.apply((s) => unlockStepped(s, id, step, { unlockId: sent.unlockId }));
}

/** The security code: six digits (spaces people type between them are dropped). */
export async function submitSecurityCode(rt: AgentRuntime, typed: string): Promise<void> {
  const flow = flowAt(rt.model(), ['code'], 'self');
  const { id, unlockId } = flow;
  const code = typed.replace(/\s+/g, '');
  if (!SecurityCode.safeParse(code).success || unlockId === null) {
    rt.apply((s) => unlockFailed(s, id, UNLOCK_MESSAGES.codeForm));
    throw new AgentFailure('bad-request', UNLOCK_MESSAGES.codeForm);
  }

  rt.apply((s) => unlockBusy(s, id));
  try {
    await rt.monitor.track(rt.client.unlockCode(unlockId, rt.options.workstationId, code));
  } catch (err) {
    if (err instanceof ServiceRefusedError && err.status !== 401) {
      // Wrong (tries left), expired or used up: said on the code step, where "Send a new code" is.
      rt.apply((s) => unlockFailed(s, id, err.message));
      throw new AgentFailure(err.status === 403 ? 'wrong-code' : 'service-refused', err.message);
    }
    throw applyOutcome(rt, flow, classifyUnlockFailure(err));
  }
  stillOpen(rt, id);
  rt.apply((s) => unlockStepped(s, id, { step: 'new-passcode' }));
}

/** After a service call: the flow is still there (the card was not pulled, nobody cancelled). */
function stillOpen(rt: AgentRuntime, id: number): void {
  const m = rt.model();
  if (m.unlock?.id === id) return;
  if (m.login && readyCardAt(m, m.login.reader, m.login.insertion)) throw new AgentFailure('not-now', UNLOCK_MESSAGES.cancelled);
  throw new AgentFailure('card-removed', UNLOCK_MESSAGES.selfRemoved);
}
