import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { symmetricParams, type SymmetricAlg } from './piv-constants.js';
import { CardError } from '../card-error.js';
import { wipe } from '../bytes.js';

// Management-key (9B) mutual authentication is done by a responder, so the key can live
// anywhere: in this process for a factory-fresh card, or in the identity service, which answers
// the card's challenge without the workstation ever seeing the key.

export interface ManagementKeyResponder {
  readonly algorithm: SymmetricAlg;
  /** Decrypts the card's witness and picks a fresh challenge for the card. */
  answerWitness(encryptedWitness: Uint8Array): Promise<{ witness: Uint8Array; challenge: Uint8Array }>;
  /** Checks the card's encryption of the challenge; throws if it is wrong. */
  checkCardResponse(encryptedChallenge: Uint8Array): Promise<void>;
}

export function ecb(alg: number, key: Uint8Array, data: Uint8Array, direction: 'encrypt' | 'decrypt'): Buffer {
  const params = symmetricParams(alg);
  if (!params) throw new CardError('wrong-data', `Unknown management key algorithm 0x${alg.toString(16)}.`);
  if (key.length !== params.keyLength) throw new CardError('wrong-data', 'The management key has the wrong length.');
  const cipher =
    direction === 'encrypt'
      ? createCipheriv(params.cipher, key, null).setAutoPadding(false)
      : createDecipheriv(params.cipher, key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/**
 * A responder holding the key in this process (factory-fresh cards, tests, the card factory).
 * It may be used for any number of authentications, one at a time.
 */
export function localManagementKeyResponder(algorithm: SymmetricAlg, key: Uint8Array): ManagementKeyResponder {
  const params = symmetricParams(algorithm);
  if (!params) throw new CardError('wrong-data', 'Unknown management key algorithm.');
  const ownKey = Buffer.from(key);
  let challenge: Buffer | undefined;
  return {
    algorithm,
    async answerWitness(encryptedWitness) {
      const witness = ecb(algorithm, ownKey, encryptedWitness, 'decrypt');
      challenge = randomBytes(params.blockSize);
      return { witness, challenge: Buffer.from(challenge) };
    },
    async checkCardResponse(encryptedChallenge) {
      if (!challenge) throw new CardError('conditions-not-satisfied', 'No management key challenge is outstanding.');
      const expected = ecb(algorithm, ownKey, challenge, 'encrypt');
      const ok = expected.length === encryptedChallenge.length && timingSafeEqual(expected, encryptedChallenge);
      wipe(challenge, expected);
      challenge = undefined;
      if (!ok) throw new CardError('security-status-not-satisfied', 'The card did not prove it holds the management key.');
    },
  };
}
