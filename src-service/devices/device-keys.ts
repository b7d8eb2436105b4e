import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { signedMessage, type DevicePublicKey } from '../../src-shared/api/cim-devices.js';
import { badRequest } from '../service-error.js';

// A device's P-256 key: kept as its SPKI; named by the SHA-256 of that (the key id the device
// signs in with). A signature is over the purpose and the challenge (cim-devices.ts signedMessage).

export function deviceKeyOf(jwk: DevicePublicKey): { spki: Buffer; keyId: string } {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw badRequest('The device key is not a P-256 public key.', [{ path: 'body.publicKey', message: 'not a P-256 public key' }]);
  }
  const spki = key.export({ type: 'spki', format: 'der' });
  return { spki, keyId: keyIdOf(spki) };
}

export const keyIdOf = (spki: Uint8Array): string => createHash('sha256').update(spki).digest('base64url');

export function signatureHolds(spki: Uint8Array, purpose: 'register' | 'sign-in', challenge: string, signature: string): boolean {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return verify('sha256', Buffer.from(signedMessage(purpose, challenge), 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
}
