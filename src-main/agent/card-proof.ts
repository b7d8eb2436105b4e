import type { CardProof } from '../../src-shared/api/service-card-proof.js';
import type { AgentRuntime } from './agent-runtime.js';
import { withPivCard } from './card-transaction.js';
import { authenticateThroughService } from './relayed-management-key.js';

// Before the service acts on a card named only by its UUID (asking for a security code to unlock
// it, resuming its renewal), the card proves itself: ONE reader transaction, reset afterwards,
// three commands (SELECT; GENERAL AUTHENTICATE 9B twice, its management-key half done by the
// service). No passcode, so a locked card can. `act` is the request the proof is for, sent with
// it while the card is still held (src-shared/api/service-card-proof.ts).

export function withCardProof<T>(rt: AgentRuntime, reader: string, cardUuid: string, act: (proof: CardProof) => Promise<T>): Promise<T> {
  const relay = { cardWitness: (witness: Uint8Array) => rt.client.cardProofWitness(cardUuid, rt.options.workstationId, witness) };
  return withPivCard(rt.options.readers, reader, (piv) =>
    authenticateThroughService(piv, relay, (exchangeId, cardResponse) => act({ exchangeId, cardResponse: Buffer.from(cardResponse).toString('base64') })),
  );
}
