import { ALG } from '../card/piv/piv-constants.js';
import type { ManagementKeyResponder } from '../card/piv/piv-management-key.js';
import type { PivSession } from '../card/piv/piv-session.js';

// Management-key mutual authentication (GENERAL AUTHENTICATE 9B twice) with the key's half done
// by the identity service, which keeps the card's management key: the agent only relays. The
// card's encrypted witness goes to the service, which returns it decrypted with its challenge;
// the card's encryption of that challenge goes back under the same exchange, and the service's
// answer to it (the PUKs for an unlock, an issued certificate for a renewal) is what the card's
// proof bought. Unlock, renewal and the renewal's recovery all authenticate this way.

/** Service-held management keys are AES-128 (src-service/crypto/card-secrets.ts). */
const SERVICE_MANAGEMENT_KEY_ALG = ALG.AES128;

/** The service's half: the witness step, as the unlock and renewal relays both offer it. */
export interface CardWitnessRelay {
  /** The card's encrypted witness -> the decrypted witness and the service's challenge. */
  cardWitness(witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }>;
}

/**
 * Authenticates the card to the service through `relay`; `answer` takes the card's response to
 * the challenge to the service. Returns the service's answer to it. `answer` may keep what it
 * receives as well (secrets the caller must wipe even if the transaction fails after it).
 */
export async function authenticateThroughService<T>(piv: PivSession, relay: CardWitnessRelay, answer: (exchangeId: string, cardResponse: Uint8Array) => Promise<T>): Promise<T> {
  let exchangeId: string | undefined;
  let answered: { value: T } | undefined;
  const responder: ManagementKeyResponder = {
    algorithm: SERVICE_MANAGEMENT_KEY_ALG,
    answerWitness: async (encryptedWitness) => {
      const reply = await relay.cardWitness(encryptedWitness);
      exchangeId = reply.exchangeId;
      return { witness: reply.witness, challenge: reply.challenge };
    },
    checkCardResponse: async (encryptedChallenge) => {
      if (exchangeId === undefined) throw new Error('no card witness was answered');
      answered = { value: await answer(exchangeId, encryptedChallenge) };
    },
  };
  await piv.authenticateManagementKey(responder);
  if (!answered) throw new Error('the management key authentication did not complete');
  return answered.value;
}
