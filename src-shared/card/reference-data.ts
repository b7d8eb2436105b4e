import { sha256 } from '@noble/hashes/sha2.js';

// PIN and PUK values travel to a PIV card as 8 bytes padded with 0xFF. A card state file keeps
// only sha256(salt || padded value), so a copied state file does not hand over the passcode.

const REFERENCE_DATA_LENGTH = 8;

/** Pads 6-8 bytes with 0xFF to the 8-byte PIV form; the caller wipes both buffers. */
export function padReferenceData(value: Uint8Array): Uint8Array {
  if (value.length > REFERENCE_DATA_LENGTH) throw new RangeError('reference data longer than 8 bytes');
  const padded = new Uint8Array(REFERENCE_DATA_LENGTH).fill(0xff);
  padded.set(value);
  return padded;
}

export function digestReferenceData(salt: Uint8Array, padded: Uint8Array): Uint8Array {
  const input = new Uint8Array(salt.length + padded.length);
  input.set(salt);
  input.set(padded, salt.length);
  const digest = sha256(input);
  input.fill(0);
  return digest;
}
