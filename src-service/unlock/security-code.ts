import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

// The six-digit security code of a self-service unlock. It is sent to the holder and never
// stored: the unlock row keeps an HMAC-SHA256 of it under a key derived from the service's data
// key, bound to that row (the hash of its unlock id), so a database copy alone does not let
// anyone test the million possible codes, and a MAC copied to another row does not match there.

const MAC_KEY_LABEL = 'care-identity/unlock-security-code-mac/v1';
const macKeys = new WeakMap<Buffer, Buffer>();

function macKey(dataKey: Buffer): Buffer {
  let key = macKeys.get(dataKey);
  if (!key) macKeys.set(dataKey, (key = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), MAC_KEY_LABEL, 32))));
  return key;
}

/** Six uniformly random digits (leading zeros kept). */
export function newSecurityCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** `unlockHash` is the row's 32-byte SHA-256, so the MAC input cannot be ambiguous. */
export function securityCodeMac(dataKey: Buffer, unlockHash: Buffer, code: string): Buffer {
  return createHmac('sha256', macKey(dataKey)).update(unlockHash).update(Buffer.from(code, 'ascii')).digest();
}

/** Constant-time: how many digits match is not told by how long the answer takes. */
export function securityCodeMatches(dataKey: Buffer, unlockHash: Buffer, code: string, storedMac: Buffer): boolean {
  const mac = securityCodeMac(dataKey, unlockHash, code);
  return mac.length === storedMac.length && timingSafeEqual(mac, storedMac);
}
