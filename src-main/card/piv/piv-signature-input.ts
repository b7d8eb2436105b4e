import { createHash } from 'node:crypto';
import { ALG } from './piv-constants.js';
import { CardError } from '../card-error.js';

// PIV cards do the raw private-key operation only: the host hashes, and for RSA builds the
// EMSA-PKCS1-v1_5 block (RFC 8017 §9.2) that the card exponentiates.

const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export function pkcs1v15Block(digest: Uint8Array, modulusBytes = 256): Buffer {
  if (digest.length !== 32) throw new RangeError('expected a SHA-256 digest');
  const t = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]);
  const psLength = modulusBytes - t.length - 3;
  if (psLength < 8) throw new RangeError('modulus too short for PKCS#1 v1.5 with SHA-256');
  return Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(psLength, 0xff), Buffer.from([0x00]), t]);
}

/** The bytes sent to GENERAL AUTHENTICATE to sign `message` with SHA-256 under `alg`. */
export function signatureInput(alg: number, message: Uint8Array): Buffer {
  const digest = createHash('sha256').update(message).digest();
  if (alg === ALG.RSA2048) return pkcs1v15Block(digest, 256);
  if (alg === ALG.ECC_P256) return digest;
  throw new CardError('wrong-data', `Unsupported signing algorithm 0x${alg.toString(16)}.`);
}
