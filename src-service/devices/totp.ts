import { Secret, TOTP } from 'otpauth';
import { open, seal } from '../crypto/secret-box.js';

// Time-based codes (RFC 6238: SHA-1, 6 digits, 30 seconds) as Microsoft Authenticator and other
// apps make them. A code is accepted one step either side of now (clocks drift), and only for a
// step after the last one used, so a code seen over someone's shoulder cannot be used again.

export const TOTP_ISSUER = 'Care Identity Service';
const PERIOD_S = 30;

export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export const totpOf = (secretBase32: string, label: string): TOTP =>
  new TOTP({ issuer: TOTP_ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret: Secret.fromBase32(secretBase32) });

/** The time step `code` belongs to (now, or one either side), or null when it is not a current code. */
export function stepOfCode(secretBase32: string, code: string, at: Date): number | null {
  const delta = totpOf(secretBase32, 'check').validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : Math.floor(at.getTime() / 1000 / PERIOD_S) + delta;
}

export const sealTotpSecret = (key: Buffer, secretBase32: string, context: string): Buffer => seal(key, Buffer.from(secretBase32, 'ascii'), `totp:${context}`);
export const openTotpSecret = (key: Buffer, sealed: Uint8Array, context: string): string => open(key, sealed, `totp:${context}`).toString('ascii');
