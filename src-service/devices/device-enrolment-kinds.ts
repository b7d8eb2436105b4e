import type { EnrolmentKind } from '../authenticators/enrolment-kinds.js';

// The iPad's and the authenticator app's entries in the enrolment kinds (authenticators/enrolment-kinds.ts).

/** The QR code the NHS CIS2 app scans: five minutes, as the RA is told. */
export const IPAD_ENROLMENT: EnrolmentKind = { ttlMs: 5 * 60_000, link: (origin, token) => `${origin}/device/ipad/register#${token}` };

/**
 * The authenticator app is set up on the CIM page itself (totp-enrolment.ts: its secret is shown
 * there and confirmed by a code), not through a link: this entry offers it, and a link started
 * for it opens nothing (no page or device reads it).
 */
export const TOTP_ENROLMENT: EnrolmentKind = { ttlMs: 10 * 60_000, link: (origin) => `${origin}/` };
