import { ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import { readyCardAt } from './agent-model.js';
import { withCardProof } from './card-proof.js';
import type { AgentRuntime } from './agent-runtime.js';
import { writeIssuedCertificate } from './renewal-recovery-card.js';
import { applyRenewalOutcome } from './renewal-actions.js';
import { confirmRenewed, serialOf } from './renewal-confirm.js';
import { classifyRenewalFailure } from './renewal-failures.js';
import { RENEWAL_MESSAGES } from './renewal-messages.js';
import { journaledRelay } from './renewal-relay.js';
import { renewalRefused, renewalStepped } from './renewal-transitions.js';

// Finishing a renewal cut short, as the card goes in (the card read, its key found not to match
// its certificate: card-key-check.ts). The service opens a recovery of the renewal it journaled;
// the card proves itself with its management key, no passcode; if the certificate the service
// issued is for the key the card made, it is written and confirmed, and the holder signs in as
// usual. Otherwise the card must make its key again: the holder's passcode, then a full renewal
// (renewal-actions.ts). The card proves itself before the service is asked anything (its UUID is
// public: card-proof.ts); beyond that, a card the service knows nothing about is not touched.

/** Runs the recovery flow `id` (started by cardRead); never throws: what happens is on screen. */
export async function recoverCard(rt: AgentRuntime, id: number): Promise<void> {
  const flow = rt.model().renewal;
  if (!flow || flow.id !== id || flow.mode !== 'recovery') return;
  const { reader, insertion, cardUuid } = flow;
  const card = readyCardAt(rt.model(), reader, insertion);
  if (!card) return;
  const oldSerial = serialOf(card.facts.certificate);
  const back = { step: 'passcode', attemptsRemaining: card.attemptsRemaining } as const;
  const live = (): boolean => rt.model().renewal?.id === id && readyCardAt(rt.model(), reader, insertion) !== undefined;

  rt.journal.record({ cardUuid, mode: 'recovery', step: 'opening', oldSerial });
  let opened;
  try {
    // The card proves itself first: its UUID alone, which is public, gets nothing done or told.
    opened = await rt.monitor.track(withCardProof(rt, reader, cardUuid, (proof) => rt.client.recoverRenewal(rt.options.workstationId, cardUuid, proof)));
  } catch (err) {
    const message =
      err instanceof ServiceRefusedError
        ? err.status === 404
          ? RENEWAL_MESSAGES.recoveryRefused
          : err.message
        : err instanceof ServiceUnreachableError
          ? RENEWAL_MESSAGES.recoveryUnreachable
          : RENEWAL_MESSAGES.recoveryRefused;
    if (err instanceof ServiceRefusedError && err.status === 404) rt.journal.record({ cardUuid, mode: 'recovery', step: 'refused', oldSerial });
    rt.apply((m) => renewalRefused(m, id, message));
    return;
  }
  if (!live()) return;
  const { renewalId } = opened;
  rt.apply((m) =>
    m.renewal?.id === id ? { ...m, renewal: { ...m.renewal, renewalId, algorithm: opened.algorithm, holderName: opened.holder.name } } : m,
  );

  rt.journal.record({ cardUuid, mode: 'recovery', step: 'card-operation', oldSerial });
  let written: Buffer | null;
  try {
    const relay = journaledRelay(rt, { renewalId, cardUuid, mode: 'recovery', oldSerial });
    ({ written } = await writeIssuedCertificate({ readers: rt.options.readers, reader, relay }));
  } catch (err) {
    const current = rt.model().renewal;
    if (current?.id === id) applyRenewalOutcome(rt, current, classifyRenewalFailure(err), back);
    return;
  }
  if (written !== null) {
    const current = rt.model().renewal;
    if (current?.id !== id) return;
    await confirmRenewed(rt, { flow: current, mode: 'recovery', renewalId, certificate: written, oldSerial });
    return;
  }
  // The card's key is not the one certified: it makes a new one, which needs the holder's passcode.
  rt.apply((m) => renewalStepped(m, id, back));
}
