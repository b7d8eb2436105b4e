import type { IssuableKind } from '../../src-shared/api/cim-authenticators.js';
import { IPAD_ENROLMENT, TOTP_ENROLMENT } from '../devices/device-enrolment-kinds.js';

// How each kind of authenticator is added once CIM has started it: how long its one-time link
// lives and where it leads (a page of this service, or what a device's QR code holds). A kind
// with no entry here is not offered. The token rides in the fragment of a page address, so it
// never reaches a server log or a Referer header.

export interface EnrolmentKind {
  readonly ttlMs: number;
  /** The link, from the service's public origin and the one-time token. */
  readonly link: (origin: string, token: string) => string;
}

const TEN_MINUTES = 10 * 60_000;
const registrationPage = (origin: string, token: string): string => `${origin}/authenticators/register#${token}`;

export const ENROLMENT_KINDS: Partial<Record<IssuableKind, EnrolmentKind>> = {
  'security-key': { ttlMs: TEN_MINUTES, link: registrationPage },
  'windows-hello': { ttlMs: TEN_MINUTES, link: registrationPage },
  ipad: IPAD_ENROLMENT,
  'microsoft-authenticator': TOTP_ENROLMENT,
};
