import { randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';

// A key-encryption key derived from a passphrase (the CA passphrase) with scrypt, so a copy of
// the database without the passphrase does not give up the CA's private keys. The parameters and
// salt are stored next to what they protect, so they can be raised later without a migration.

const KdfParams = z.strictObject({
  alg: z.literal('scrypt'),
  logN: z.number().int().min(14).max(22),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: z.string().base64(),
});
export type KdfParams = z.infer<typeof KdfParams>;

/** 64 MiB and about 0.1 s per derivation here: done once per start, not per request. */
export function newKdfParams(): KdfParams {
  return { alg: 'scrypt', logN: 16, r: 8, p: 1, salt: randomBytes(16).toString('base64') };
}

export function encodeKdfParams(p: KdfParams): Buffer {
  return Buffer.from(JSON.stringify(p), 'utf8');
}

export function decodeKdfParams(stored: Uint8Array): KdfParams {
  return KdfParams.parse(JSON.parse(Buffer.from(stored).toString('utf8')));
}

/** Derives a 32-byte key (for crypto/secret-box.ts) from `passphrase`. */
export function deriveKeyFromPassphrase(passphrase: string, p: KdfParams): Promise<Buffer> {
  const N = 2 ** p.logN;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), Buffer.from(p.salt, 'base64'), 32, { N, r: p.r, p: p.p, maxmem: 256 * N * p.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}
