import { readyCardAt } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentFailure } from './agent-types.js';
import { serialOf } from './renewal-confirm.js';
import { RENEWAL_MESSAGES } from './renewal-messages.js';
import type { RenewalFlow } from './renewal-model.js';
import { renewalStarted } from './renewal-transitions.js';
import { applyOutcome, flowAt } from './unlock-actions.js';
import { classifyUnlockFailure } from './unlock-failures.js';
import { UNLOCK_MESSAGES } from './unlock-messages.js';
import { newFlowId } from './unlock-model.js';
import { unlockBusy, unlockClosed } from './unlock-transitions.js';

// "Renew smartcard certificate" from "Service smartcard": the checked card in the second reader
// is renewed for its holder by a sponsor, LSA or RA member. The service decides who may (due:
// card-service roles; expired: RA roles only) and says why not on the choose step; once it has
// opened the renewal, the Service smartcard flow hands over to a sponsor renewal of that card,
// at "the card holder enters their passcode".

export async function renewServicedCard(rt: AgentRuntime): Promise<void> {
  const m = rt.model();
  const flow = flowAt(m, ['choose'], 'sponsor');
  const session = m.session;
  if (!session || session.locked) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
  if (flow.step.step === 'choose' && flow.step.renewRefusal !== null) throw new AgentFailure('service-refused', flow.step.renewRefusal);
  if (m.renewal?.busy) throw new AgentFailure('not-now', RENEWAL_MESSAGES.alreadyBusy);
  const { reader, insertion } = flow;
  const card = reader !== null && insertion !== null ? readyCardAt(m, reader, insertion) : undefined;
  if (!card || reader === null || insertion === null) throw new AgentFailure('card-removed', UNLOCK_MESSAGES.servicedGone);
  const { cardUuid } = card.facts;
  const oldSerial = serialOf(card.facts.certificate);

  rt.apply((s) => unlockBusy(s, flow.id));
  rt.journal.record({ cardUuid, mode: 'sponsor', step: 'opening', oldSerial });
  let opened;
  try {
    opened = await rt.monitor.track(rt.client.openSponsorRenewal(session.token, { cardUuid, certificate: card.facts.certificate.toString('base64') }));
  } catch (err) {
    const outcome = classifyUnlockFailure(err);
    if (outcome.kind === 'refused') rt.journal.record({ cardUuid, mode: 'sponsor', step: 'refused', oldSerial });
    throw applyOutcome(rt, flow, outcome);
  }
  const now = rt.model();
  if (now.unlock?.id !== flow.id || !readyCardAt(now, reader, insertion)) throw new AgentFailure('card-removed', UNLOCK_MESSAGES.servicedRemoved);
  const renewal: RenewalFlow = {
    id: newFlowId(),
    mode: 'sponsor',
    reader,
    insertion,
    holderName: opened.holder.name,
    cardUuid,
    step: { step: 'passcode', attemptsRemaining: card.attemptsRemaining },
    busy: false,
    error: null,
    renewalId: opened.renewalId,
    sessionToken: session.token,
    algorithm: opened.algorithm,
  };
  rt.apply((s) => renewalStarted(unlockClosed(s), renewal));
}
