import { generateKeyPairSync, createPrivateKey, sign } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signedMessage, type DevicePublicKey } from '../src-shared/api/cim-devices.js';

// The reference device's bound key: P-256, made on registration and kept in `<dir>/device-key.json`
// readable by its owner only (what the iPad keeps in its secure enclave). Registering again makes
// a new key: the service then forgets the old one.

export interface StoredDeviceKey {
  readonly privateJwk: Record<string, string>;
  /** The key id the service named it by when it registered. */
  readonly keyId: string;
  /** The service origin it is registered with. */
  readonly origin: string;
  readonly registeredFor: string;
}

const FILE = 'device-key.json';

export function newDeviceKey(): { privateJwk: Record<string, string>; publicKey: DevicePublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, string>, publicKey: { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) } };
}

export function signChallenge(privateJwk: Record<string, string>, purpose: 'register' | 'sign-in', challenge: string): string {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  return sign('sha256', Buffer.from(signedMessage(purpose, challenge), 'utf8'), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

export function saveDeviceKey(dir: string, stored: StoredDeviceKey): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, FILE);
  writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  chmodSync(file, 0o600); // a file that was there before keeps its mode otherwise
}

export function loadDeviceKey(dir: string): StoredDeviceKey {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), 'utf8');
  } catch {
    throw new Error('This device is not registered. Ask your Registration Authority for a registration QR code.');
  }
  return JSON.parse(text) as StoredDeviceKey;
}

export const deviceKeyFile = (dir: string): string => join(dir, FILE);
