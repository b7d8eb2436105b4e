import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { CardProof, CardProofWitnessRequest, CardProofWitnessResponse } from '../../src-shared/api/service-card-proof.js';
import { tallyRefusal } from '../audit/refusal-tally.js';
import { managementKeyExchangesFor, type ManagementKeySource } from '../crypto/management-key-exchanges.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { refuse } from './unlock-refusal.js';

// A card proving it is the card a step is for: PIV management-key mutual authentication,
// relayed through the service so the key never leaves it (crypto/management-key-exchanges.ts).
// Unlocking (before the PUK is given), renewal (before a key is made or a certificate issued) and
// the card operations of CIM (src-service/cards/card-operation-relay.ts) all go through here, so
// all ask the same of the card. A card being issued proves the key its issue holds (keySource).

/** Step 1: the card's witness decrypted and a challenge set, in base64 for the agent. */
export async function relayCardWitness(
  ctx: ServiceContext,
  cardUuid: string,
  witnessBase64: string,
  options: { proofOnly?: boolean; keySource?: ManagementKeySource } = {},
): Promise<{ exchangeId: string; witness: string; challenge: string }> {
  const answer = await managementKeyExchangesFor(ctx).answerWitness(cardUuid, Buffer.from(witnessBase64, 'base64'), options);
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
export async function requireCardProof(
  ctx: ServiceContext,
  cardUuid: string,
  exchangeId: string,
  cardResponse: string,
  otherCardMessage: string,
  keySource?: ManagementKeySource,
): Promise<void> {
  let proved: { cardUuid: string };
  try {
    proved = await managementKeyExchangesFor(ctx).checkCardResponse(exchangeId, Buffer.from(cardResponse, 'base64'), { keySource });
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    throw refuse(err.status, err.code, 'card-proof-failed', err.message);
  }
  if (proved.cardUuid !== cardUuid) throw refuse(403, 'forbidden', 'other-card', otherCardMessage);
}

// Before the service acts on a card named only by its UUID and certificate, both public (a
// security code asked for, a renewal resumed), the card proves itself the same way
// (src-shared/api/service-card-proof.ts). Until it has, nothing about the card is told: any card,
// known or not, usable or not, gets an answer of the same form at step 1, and any failed proof
// the same refusal, counted rather than audited one by one (nothing proves who sent it).

const CARD_NOT_PROVED =
  'This smartcard did not prove itself to the identity service. Remove it, put it back in the reader and try again.';

/** POST /v1/card-proof/witness: step 1, for a card named only by its UUID. */
export async function startCardProof(ctx: ServiceContext, body: z.infer<typeof CardProofWitnessRequest>): Promise<z.infer<typeof CardProofWitnessResponse>> {
  try {
    // proofOnly: a revoked or cancelled card may prove itself too, to be told why nothing is done.
    return await relayCardWitness(ctx, body.cardUuid.toLowerCase(), body.witness, { proofOnly: true });
  } catch (err) {
    // A malformed witness is refused alike for every card; anything else about the card is not told.
    if (!(err instanceof ServiceError) || err.status === 400) throw err;
    // An exchange no card can complete, in the form of a real one.
    return { exchangeId: randomBytes(16).toString('base64url'), witness: randomBytes(16).toString('base64'), challenge: randomBytes(16).toString('base64') };
  }
}

/** Step 2: refuses (403, the same for every failure) unless the card `cardUuid` answered the exchange. */
export async function requireProvenCard(ctx: ServiceContext, cardUuid: string, proof: CardProof): Promise<void> {
  let proved: { cardUuid: string } | null = null;
  try {
    proved = await managementKeyExchangesFor(ctx).checkCardResponse(proof.exchangeId, Buffer.from(proof.cardResponse, 'base64'));
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
  }
  if (proved?.cardUuid === cardUuid.toLowerCase()) return;
  await tallyRefusal(ctx.db, 'card-proof-failed', ctx.now());
  throw new ServiceError(403, 'forbidden', CARD_NOT_PROVED);
}
