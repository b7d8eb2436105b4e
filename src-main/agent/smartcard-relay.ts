import { serialOf } from './renewal-confirm.js';
import type { AgentRuntime } from './agent-runtime.js';
import type { IssueRelay, ServiceKeyRelay } from './card-lifecycle-types.js';
import type { SmartcardStep } from './smartcard-journal.js';

// The service's half of a card operation (card-lifecycle-types.ts), over the agent's client with
// the RA's session, the journal written before each step that changes what the card holds.

export interface RelayContext {
  readonly rt: AgentRuntime;
  readonly token: string;
  readonly operationId: string;
  /** Journals `step` for this job (with the certificate serial it is about, if any). */
  readonly note: (step: SmartcardStep, certificateSerial?: string | null) => void;
}

export function serviceKeyRelay(c: RelayContext): ServiceKeyRelay {
  const { rt, token, operationId } = c;
  const workstationId = rt.options.workstationId;
  return {
    cardWitness: (witness) => {
      // The card proves it holds the service's key (issue: the key just set).
      c.note('checking-card');
      return rt.monitor.track(rt.client.cardOperationWitness(token, operationId, workstationId, witness));
    },
    authenticate: (exchangeId, cardResponse) => rt.monitor.track(rt.client.cardOperationAuthenticate(token, operationId, workstationId, exchangeId, cardResponse)),
  };
}

export function issueRelay(c: RelayContext): IssueRelay {
  const { rt, token, operationId } = c;
  const workstationId = rt.options.workstationId;
  return {
    ...serviceKeyRelay(c),
    certificate: async (csr, attestation) => {
      c.note('requesting-certificate');
      const { certificate } = await rt.monitor.track(rt.client.issueCardCertificate(token, operationId, workstationId, csr, attestation));
      // Written to the card next: journaled first, with the serial it will carry.
      c.note('writing-certificate', serialOf(certificate));
      return certificate;
    },
    personalise: async () => {
      c.note('personalising');
      const secrets = await rt.monitor.track(rt.client.personaliseCard(token, operationId, workstationId));
      // The card's PUK, passcode and management key change next.
      c.note('setting-keys');
      return secrets;
    },
  };
}
