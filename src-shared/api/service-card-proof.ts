import { z } from 'zod';
import { Base64, Base64Url, Uuid } from './service-common.js';
import { WorkstationId } from './service-login.js';

// A card proving itself before the service acts on it without a session: asking for a security
// code to unlock it (POST /v1/unlock/self) and resuming its renewal (POST /v1/renewals/recover).
// A card's UUID and certificate are public, so they alone must neither change anything (void the
// holder's codes, bar their self-service unlock, cancel a renewal) nor tell anyone the card's
// state. The proof is the management-key authentication the card steps already use, relayed
// (the key stays in the service): no passcode, so it works on a locked card too.
//
//   1. POST /v1/card-proof/witness: the card's encrypted witness -> decrypted, with a challenge;
//   2. the card encrypts the challenge, and the request it proves carries `cardProof`.
//
// Every card, known or not, usable or not, gets the same kind of answer at step 1, and every
// failed proof the same refusal, so neither tells anything about the card.

export const CardProofWitnessRequest = z.strictObject({ workstationId: WorkstationId, cardUuid: Uuid, witness: Base64 });
export const CardProofWitnessResponse = z.strictObject({
  exchangeId: Base64Url,
  /** The decrypted witness, for the card. */
  witness: Base64,
  /** The service's challenge, for the card to encrypt. */
  challenge: Base64,
});

/** The card's encryption of the challenge, under the exchange step 1 named. */
export const CardProof = z.strictObject({ exchangeId: Base64Url, cardResponse: Base64 });
export type CardProof = z.infer<typeof CardProof>;
