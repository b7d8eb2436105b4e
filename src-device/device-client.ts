import { DeviceChallenge, DeviceRegistered, DeviceSignedIn } from '../src-shared/api/cim-devices.js';
import { ServiceErrorBody } from '../src-shared/api/service-errors.js';
import type { ZodType } from 'zod';
import { loadDeviceKey, newDeviceKey, saveDeviceKey, signChallenge } from './device-key.js';

// What the NHS CIS2 iPad app does with a link it scanned, against the service that made the link:
// register (fetch the challenge, sign it with a new device-bound key, send the public key) or
// sign in (fetch the challenge, sign it with the registered key). Errors come in the service's words.

interface ParsedLink {
  readonly origin: string;
  readonly purpose: 'register' | 'sign-in';
  readonly token: string;
}

export function parseDeviceLink(link: string): ParsedLink {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error('That is not a link from a QR code.');
  }
  const match = /^\/device\/ipad\/(register|sign-in)$/.exec(url.pathname);
  const token = url.hash.slice(1);
  if (!match || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw new Error('That is not a link from an NHS CIS2 QR code.');
  return { origin: url.origin, purpose: match[1] as 'register' | 'sign-in', token };
}

async function post<T>(origin: string, path: string, body: unknown, answer: ZodType<T>): Promise<T> {
  const response = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = ServiceErrorBody.safeParse(json);
    throw new Error(error.success ? error.data.message : `The service answered ${response.status}.`);
  }
  return answer.parse(json);
}

export async function registerDevice(link: string, dir: string, deviceName = 'iPad'): Promise<{ about: string; replaced: boolean; keyId: string }> {
  const { origin, purpose, token } = parseDeviceLink(link);
  if (purpose !== 'register') throw new Error('That QR code is for signing in, not for registering this device.');
  const { challenge, about } = await post(origin, '/v1/devices/ipad/registration-challenge', { token }, DeviceChallenge);
  const { privateJwk, publicKey } = newDeviceKey();
  const registered = await post(origin, '/v1/devices/ipad/registrations', { token, publicKey, deviceName, signature: signChallenge(privateJwk, 'register', challenge) }, DeviceRegistered);
  saveDeviceKey(dir, { privateJwk, keyId: registered.keyId, origin, registeredFor: about });
  return { about, replaced: registered.replaced, keyId: registered.keyId };
}

export async function signInWithDevice(link: string, dir: string): Promise<{ app: string; as: string }> {
  const { origin, purpose, token } = parseDeviceLink(link);
  if (purpose !== 'sign-in') throw new Error('That QR code is for registering a device, not for signing in.');
  const stored = loadDeviceKey(dir);
  if (stored.origin !== origin) throw new Error('This device is registered with another service.');
  const { challenge, about } = await post(origin, '/v1/devices/ipad/sign-in-challenge', { token }, DeviceChallenge);
  await post(origin, '/v1/devices/ipad/sign-ins', { token, keyId: stored.keyId, signature: signChallenge(stored.privateJwk, 'sign-in', challenge) }, DeviceSignedIn);
  return { app: about, as: stored.registeredFor };
}
