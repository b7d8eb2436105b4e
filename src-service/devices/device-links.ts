import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { DeviceLink } from '../../src-shared/api/cim-devices.js';
import type { ServiceContext } from '../service-context.js';

// One-time links a device scans (iPad registration, iPad sign-in): a random token the service
// keeps only the SHA-256 of, a URL on the service's public origin, and its QR code. Five
// minutes, as the RA is told on the page that shows it.

export const LINK_LIFETIME_MS = 5 * 60_000;

export const newToken = (): string => randomBytes(32).toString('base64url');
export const hashOfToken = (token: string): Buffer => createHash('sha256').update(token, 'ascii').digest();
export const newChallenge = (): string => randomBytes(32).toString('base64url');

/**
 * The origin browsers and devices reach the service at: the public origin once the provider
 * sets one (a loopback service is `http://localhost:<port>`), else the service origin.
 */
export function publicOriginOf(ctx: ServiceContext): string {
  const withPublic = ctx as ServiceContext & { publicOrigin?: string };
  return withPublic.publicOrigin || ctx.serviceOrigin;
}

/** The link for `purpose` with `token` in its fragment (never sent to a server by a browser). */
export async function deviceLink(ctx: ServiceContext, purpose: 'register' | 'sign-in', token: string, expiresAt: number): Promise<DeviceLink> {
  const link = `${publicOriginOf(ctx)}/device/ipad/${purpose}#${token}`;
  const qrSvg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { link, qrSvg, expiresAt: new Date(expiresAt).toISOString() };
}
