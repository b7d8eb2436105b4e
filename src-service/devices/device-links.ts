import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { DeviceLink } from '../../src-shared/api/cim-devices.js';
import { pageOrigin } from '../authenticators/page-origin.js';
import type { ServiceContext } from '../service-context.js';

// One-time links a device scans (iPad registration, iPad sign-in): a random token the service
// keeps only the SHA-256 of, a URL on the service's public origin, and its QR code. Five
// minutes, as the RA is told on the page that shows it.

export const LINK_LIFETIME_MS = 5 * 60_000;

export const newToken = (): string => randomBytes(32).toString('base64url');
export const newChallenge = (): string => randomBytes(32).toString('base64url');

/** The QR code of a link, as SVG markup. */
export const qrSvgOf = (link: string): Promise<string> => QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 240 });

/** The link for `purpose` with `token` in its fragment (never sent to a server by a browser). */
export async function deviceLink(ctx: ServiceContext, purpose: 'sign-in', token: string, expiresAt: number): Promise<DeviceLink> {
  const link = `${pageOrigin(ctx)}/device/ipad/${purpose}#${token}`;
  return { link, qrSvg: await qrSvgOf(link), expiresAt: new Date(expiresAt).toISOString() };
}
