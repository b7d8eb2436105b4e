import { managementKeyExchangesFor } from '../crypto/management-key-exchanges.js';
import { ServiceError } from '../http/service-error.js';
import type { ServiceContext } from '../service-context.js';
import { refuse } from './unlock-refusal.js';

// A card proving it is the card a step is for: PIV management-key mutual authentication,
// relayed through the service so the key never leaves it (crypto/management-key-exchanges.ts).
// Unlocking (before the PUK is given) and renewal (before a key is made or a certificate
// issued) both go through here, so both ask the same of the card.

/** Step 1: the card's witness decrypted and a challenge set, in base64 for the agent. */
export function relayCardWitness(ctx: ServiceContext, cardUuid: string, witnessBase64: string): { exchangeId: string; witness: string; challenge: string } {
  const answer = managementKeyExchangesFor(ctx).answerWitness(cardUuid, Buffer.from(witnessBase64, 'base64'));
  try {
    return { exchangeId: answer.exchangeId, witness: answer.witness.toString('base64'), challenge: answer.challenge.toString('base64') };
  } finally {
    answer.witness.fill(0);
  }
}

/**
 * Step 2: the card's answer to the challenge must be right and come from `cardUuid`; otherwise
 * a refusal (audited by the step) saying so, `otherCardMessage` when another card answered.
 */
export function requireCardProof(ctx: ServiceContext, cardUuid: string, exchangeId: string, cardResponse: string, otherCardMessage: string): void {
  let proved: { cardUuid: string };
  try {
    proved = managementKeyExchangesFor(ctx).checkCardResponse(exchangeId, Buffer.from(cardResponse, 'base64'));
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    throw refuse(err.status, err.code, 'card-proof-failed', err.message);
  }
  if (proved.cardUuid !== cardUuid) throw refuse(403, 'forbidden', 'other-card', otherCardMessage);
}
