import type { AgentRuntime } from './agent-runtime.js';
import type { RenewalRelay } from './renewal-card.js';
import type { JournalMode } from './renewal-journal.js';
import { serialOf } from './renewal-confirm.js';

// The service's half of a renewal's card operation (renewal-card.ts), over the agent's client,
// with the journal written before each step that changes what the card holds: the request for
// a certificate (the card has made its new key by then) and the certificate's write.

export function journaledRelay(rt: AgentRuntime, r: { renewalId: string; cardUuid: string; mode: JournalMode; oldSerial: string | null }): RenewalRelay {
  const workstationId = rt.options.workstationId;
  const { renewalId } = r;
  return {
    cardWitness: (witness) => rt.monitor.track(rt.client.renewalWitness(renewalId, workstationId, witness)),
    authenticate: (exchangeId, cardResponse) => rt.monitor.track(rt.client.renewalAuthenticate(renewalId, workstationId, exchangeId, cardResponse)),
    certificate: async (csr, proof) => {
      rt.journal.record({ cardUuid: r.cardUuid, mode: r.mode, step: 'requesting-certificate', oldSerial: r.oldSerial });
      const { certificate } = await rt.monitor.track(rt.client.renewalCertificate(renewalId, workstationId, csr, proof));
      // Written to the card next: journaled first, with the serial it will carry.
      rt.journal.record({ cardUuid: r.cardUuid, mode: r.mode, step: 'writing-certificate', oldSerial: r.oldSerial, newSerial: serialOf(certificate) });
      return { certificate };
    },
  };
}
