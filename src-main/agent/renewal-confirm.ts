import { X509Certificate } from 'node:crypto';
import type { SignedInSession } from '../../src-shared/api/agent-api.js';
import { certificateExpiry, isRenewalDue } from '../../src-shared/domain/certificate-expiry.js';
import { ServiceRefusedError } from '../service-client/service-client-errors.js';
import type { AgentRuntime } from './agent-runtime.js';
import { retryInBackground, worthRetrying } from './background-retry.js';
import type { RenewalFlow } from './renewal-model.js';
import type { JournalMode } from './renewal-journal.js';
import { RENEWAL_MESSAGES } from './renewal-messages.js';
import { cardRenewed, renewalDone, renewalRefused, renewalWorking } from './renewal-transitions.js';

// The last step of a renewal: the card holds its new certificate, so the agent takes it into the
// card's (and the session's) facts at once, then tells the service, which makes it live and
// revokes the old one. A service that cannot be reached does not undo anything: the confirmation
// is tried again in the background, and failing that the card's next login rolls it forward
// (the service sees the issued certificate signing in). A refusal is shown in the service's words.


/** The serial of a DER certificate, for the journal (hex, as Node gives it). */
export function serialOf(der: Buffer): string | null {
  try {
    return new X509Certificate(der).serialNumber;
  } catch {
    return null;
  }
}

export interface RenewedCard {
  readonly flow: Pick<RenewalFlow, 'id' | 'reader' | 'insertion' | 'cardUuid'>;
  readonly mode: JournalMode;
  readonly renewalId: string;
  readonly certificate: Buffer;
  readonly oldSerial: string | null;
}

/** Takes the certificate into the facts, confirms at the service, and shows the renewal done. */
export async function confirmRenewed(rt: AgentRuntime, r: RenewedCard): Promise<void> {
  const { flow } = r;
  const newSerial = serialOf(r.certificate);
  const ownNotAfter = new Date(new X509Certificate(r.certificate).validTo);
  rt.apply((m) => cardRenewed(m, flow, r.certificate, certificateExpiry(ownNotAfter, rt.now())));
  rt.apply((m) => renewalWorking(m, flow.id, RENEWAL_MESSAGES.progressConfirming));
  rt.journal.record({ cardUuid: flow.cardUuid, mode: r.mode, step: 'confirming', oldSerial: r.oldSerial, newSerial });
  let expiry: SignedInSession['expiry'];
  try {
    const answer = await rt.monitor.track(rt.client.confirmRenewal(r.renewalId, rt.options.workstationId));
    expiry = { certificateNotAfter: answer.certificateNotAfter, daysToExpiry: answer.daysToExpiry, renewalDue: isRenewalDue(answer.daysToExpiry) };
    rt.journal.record({ cardUuid: flow.cardUuid, mode: r.mode, step: 'confirmed', oldSerial: r.oldSerial, newSerial });
  } catch (err) {
    if (!worthRetrying(err)) {
      rt.journal.record({ cardUuid: flow.cardUuid, mode: r.mode, step: 'refused', oldSerial: r.oldSerial, newSerial });
      const message = err instanceof ServiceRefusedError ? err.message : RENEWAL_MESSAGES.serviceUnreachable;
      rt.apply((m) => renewalRefused(m, flow.id, message));
      return;
    }
    expiry = certificateExpiry(ownNotAfter, rt.now());
    void confirmLater(rt, r, newSerial);
  }
  rt.apply((m) => cardRenewed(m, flow, r.certificate, expiry));
  rt.apply((m) => renewalDone(m, flow.id, expiry.certificateNotAfter));
}

function confirmLater(rt: AgentRuntime, r: RenewedCard, newSerial: string | null): Promise<void> {
  // Given up when the agent closes: the card's next login then rolls the renewal forward.
  return retryInBackground(rt, async () => {
    await rt.monitor.track(rt.client.confirmRenewal(r.renewalId, rt.options.workstationId));
    rt.journal.record({ cardUuid: r.flow.cardUuid, mode: r.mode, step: 'confirmed', oldSerial: r.oldSerial, newSerial });
  });
}
