import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Seals small secrets (card PUKs and management keys) with AES-256-GCM under the service's data
// key. Sealed form: version byte, 12-byte nonce, 16-byte tag, ciphertext. The `context` (for
// example the card UUID and what the secret is) is bound as associated data, so a sealed value
// copied onto another card's row does not open.

const VERSION = 1;

export function seal(key: Buffer, plaintext: Uint8Array, context: string): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Uint8Array, context: string): Buffer {
  const b = Buffer.from(sealed);
  if (b.length < 29 || b[0] !== VERSION) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, b.subarray(1, 13));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(b.subarray(13, 29));
  return Buffer.concat([decipher.update(b.subarray(29)), decipher.final()]);
}
