import { grantFor } from '../../src-shared/domain/roles.js';
import { readyCardAt, type AgentModel, type ReadyCard } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentFailure } from './agent-types.js';
import { applyOutcome, flowAt, nextFlowId } from './unlock-actions.js';
import { classifyUnlockFailure } from './unlock-failures.js';
import { UNLOCK_MESSAGES } from './unlock-messages.js';
import type { UnlockFlow } from './unlock-model.js';
import { unlockBusy, unlockFailed, unlockStarted, unlockStepped } from './unlock-transitions.js';

// "Service smartcard": a sponsor or local smartcard administrator, signed in with their own card,
// unlocks a colleague's card in another reader. The service decides (role, scope, the card's
// status) at each step; the agent only checks what it can see: the role, that the card is in a
// different reader and is not the session's own card. The sponsor's session is only read here.

/** The role check the window also makes: unlocking, or renewing, cards for others. */
function mayServiceCards(roles: Parameters<typeof grantFor>[0]): boolean {
  const forOthers = (g: ReturnType<typeof grantFor>): boolean => g !== undefined && g !== 'everyone';
  return forOthers(grantFor(roles, 'unlock-smartcard')) || forOthers(grantFor(roles, 'renew-smartcard-due'));
}

function liveSession(m: AgentModel): NonNullable<AgentModel['session']> {
  const session = m.session;
  if (!session) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
  if (session.locked) throw new AgentFailure('not-now', UNLOCK_MESSAGES.locked);
  return session;
}

export function beginServiceCard(rt: AgentRuntime): void {
  const m = rt.model();
  const session = liveSession(m);
  if (!mayServiceCards(session.view.position.roles)) throw new AgentFailure('forbidden', UNLOCK_MESSAGES.forbidden);
  if (m.unlock?.busy) throw new AgentFailure('not-now', UNLOCK_MESSAGES.alreadyBusy);
  const flow: UnlockFlow = {
    id: nextFlowId(),
    mode: 'sponsor',
    reader: null,
    insertion: null,
    holderName: null,
    cardUuid: null,
    step: { step: 'insert' },
    busy: false,
    error: null,
    unlockId: null,
    sessionToken: session.token,
  };
  rt.apply((s) => unlockStarted(s, flow));
}

/** The card to service: ready, in a reader other than the session's, and not the session's card. */
function servicedCard(m: AgentModel): { reader: string; card: ReadyCard } | { problem: string } {
  const session = liveSession(m);
  const others = m.readers.filter((r) => r.name !== session.reader && r.card !== null);
  let problem: string = UNLOCK_MESSAGES.insertSecond;
  for (const r of others) {
    const card = r.card;
    if (card?.status === 'ready') {
      if (card.facts.cardUuid === session.facts.cardUuid) problem = UNLOCK_MESSAGES.ownCard;
      else return { reader: r.name, card };
    } else if (card?.status === 'reading') problem = UNLOCK_MESSAGES.stillReading;
    else if (card?.status === 'unreadable') problem = UNLOCK_MESSAGES.unreadable;
  }
  return { problem };
}

/** The flow, after a service call, if its card is still where it was (else the removal has said so). */
function stillThere(rt: AgentRuntime, flow: UnlockFlow, reader: string, insertion: number): void {
  const m = rt.model();
  if (m.unlock?.id === flow.id && readyCardAt(m, reader, insertion)) return;
  throw new AgentFailure('card-removed', UNLOCK_MESSAGES.servicedRemoved);
}

/** "Continue": the agent has read the card; the service checks it and what may be done with it. */
export async function continueServiceCard(rt: AgentRuntime): Promise<void> {
  const m = rt.model();
  const flow = flowAt(m, ['insert', 'choose', 'refused'], 'sponsor');
  const token = liveSession(m).token;
  const found = servicedCard(m);
  if ('problem' in found) {
    rt.apply((s) => unlockFailed(s, flow.id, found.problem, { step: 'insert' }));
    throw new AgentFailure('not-now', found.problem);
  }
  const { reader, card } = found;
  const { insertion, facts } = card;

  rt.apply((s) => unlockBusy(s, flow.id));
  let inspection;
  try {
    inspection = await rt.monitor.track(rt.client.inspectCard(token, { cardUuid: facts.cardUuid, certificate: facts.certificate.toString('base64') }));
  } catch (err) {
    stillThere(rt, flow, reader, insertion);
    // The refusal is about this card: the flow remembers which, so taking it out starts again.
    rt.apply((s) => unlockStepped(s, flow.id, { step: 'insert' }, { reader, insertion, cardUuid: facts.cardUuid, holderName: facts.holderName }));
    throw applyOutcome(rt, { ...flow, reader, insertion }, classifyUnlockFailure(err), { step: 'insert' });
  }
  stillThere(rt, flow, reader, insertion);
  const unlockRefusal = !inspection.unlock.allowed
    ? (inspection.unlock.reason ?? 'This smartcard cannot be unlocked here.')
    : card.attemptsRemaining !== 0
      ? UNLOCK_MESSAGES.notLocked
      : null;
  rt.apply((s) =>
    unlockStepped(
      s,
      flow.id,
      {
        step: 'choose',
        certificateNotAfter: inspection.certificateNotAfter,
        daysToExpiry: inspection.daysToExpiry,
        unlockRefusal,
        renewRefusal: inspection.renew.allowed ? null : (inspection.renew.reason ?? 'This smartcard cannot be renewed here.'),
      },
      { reader, insertion, cardUuid: facts.cardUuid, holderName: inspection.holder.name, unlockId: null },
    ),
  );
}

/** "Unlock smartcard": the service opens an unlock of that card for this sponsor. */
export async function unlockServicedCard(rt: AgentRuntime): Promise<void> {
  const m = rt.model();
  const flow = flowAt(m, ['choose'], 'sponsor');
  const token = liveSession(m).token;
  if (flow.step.step === 'choose' && flow.step.unlockRefusal !== null) {
    const refusal = flow.step.unlockRefusal;
    throw new AgentFailure(refusal === UNLOCK_MESSAGES.notLocked ? 'card-not-locked' : 'service-refused', refusal);
  }
  const { reader, insertion } = flow;
  const card = reader !== null && insertion !== null ? readyCardAt(m, reader, insertion) : undefined;
  if (!card || reader === null || insertion === null) throw new AgentFailure('card-removed', UNLOCK_MESSAGES.servicedGone);

  rt.apply((s) => unlockBusy(s, flow.id));
  let opened;
  try {
    opened = await rt.monitor.track(rt.client.sponsorUnlock(token, { cardUuid: card.facts.cardUuid, certificate: card.facts.certificate.toString('base64') }));
  } catch (err) {
    throw applyOutcome(rt, flow, classifyUnlockFailure(err));
  }
  stillThere(rt, flow, reader, insertion);
  rt.apply((s) => unlockStepped(s, flow.id, { step: 'confirm' }, { unlockId: opened.unlockId, holderName: opened.holder.name }));
}

/** "Continue": the card holder takes over to type their new passcode. */
export function confirmServiceCard(rt: AgentRuntime): void {
  const flow = flowAt(rt.model(), ['confirm'], 'sponsor');
  rt.apply((s) => unlockStepped(s, flow.id, { step: 'new-passcode' }));
}
