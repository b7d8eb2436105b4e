import { z } from 'zod';

// The iPad app (NHS CIS2 app) and the authenticator app (Microsoft Authenticator style time-based
// codes): what CIM, the device and the sign-in page send and are answered. The device speaks
// only to the service origin named in the link it scanned.

/** A one-time link as a QR code: the link itself is shown too, for those who cannot scan. */
export const DeviceLink = z.strictObject({
  link: z.url(),
  /** The QR code of `link`, as SVG markup the service drew. */
  qrSvg: z.string(),
  expiresAt: z.iso.datetime(),
});
export type DeviceLink = z.infer<typeof DeviceLink>;

/** A one-time token from a link (base64url, 32 bytes). */
const LinkToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a token from a link');
/** A P-256 signature (IEEE P1363, r||s), base64url. */
const Signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'not a P-256 signature');

export const DeviceTokenBody = z.strictObject({ token: LinkToken });

export const DeviceChallenge = z.strictObject({
  challenge: z.string(),
  /** Whose iPad this registers, or which app the sign-in is for: the device shows it. */
  about: z.string(),
  expiresAt: z.iso.datetime(),
});

/** The device's public key as a JWK: P-256 only. */
export const DevicePublicKey = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type DevicePublicKey = z.infer<typeof DevicePublicKey>;

export const DeviceRegistrationBody = z.strictObject({
  token: LinkToken,
  publicKey: DevicePublicKey,
  deviceName: z.string().trim().min(1, 'Enter the device name').max(100),
  signature: Signature,
});

export const DeviceRegistered = z.strictObject({
  authenticatorUuid: z.uuid(),
  /** The key's id the device keeps to sign in with (base64url SHA-256 of its SPKI). */
  keyId: z.string(),
  /** An iPad registered before for this person, now replaced. */
  replaced: z.boolean(),
});

export const DeviceSignInBody = z.strictObject({
  token: LinkToken,
  keyId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a key id'),
  signature: Signature,
});

export const DeviceSignedIn = z.strictObject({ signedIn: z.literal(true) });

/** The sign-in page asks for an iPad link for its interaction; it polls with `pollToken`. */
export const IpadSignInParams = z.strictObject({ uid: z.string().min(1).max(200) });
export const IpadSignInLink = DeviceLink.extend({ pollToken: z.string() });
export const IpadSignInPollBody = z.strictObject({ pollToken: LinkToken });
export const IpadSignInState = z.strictObject({
  state: z.enum(['waiting', 'expired', 'signed-in']),
  /** Where the browser goes next once signed in. */
  redirectTo: z.string().optional(),
});
export type IpadSignInState = z.infer<typeof IpadSignInState>;

/** What the two signatures are over: a purpose prefix, so one cannot stand in for the other. */
export const signedMessage = (purpose: 'register' | 'sign-in', challenge: string): string => `cis-ipad-${purpose}:${challenge}`;

/** The authenticator app's set-up: scan the otpauth:// QR code (or type the secret), then confirm with a first code. */
export const TotpEnrolment = z.strictObject({
  enrolmentId: z.number().int(),
  otpauthUrl: z.string(),
  /** The QR code of `otpauthUrl`, as SVG markup the service drew. */
  qrSvg: z.string(),
  /** The secret in base32, for those who cannot scan. */
  secret: z.string(),
  expiresAt: z.iso.datetime(),
});
export const TotpEnrolmentParams = z.strictObject({ uuid: z.uuid(), enrolmentId: z.coerce.number().int().positive() });
const TotpCode = z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from the app');
export const TotpCodeBody = z.strictObject({ code: TotpCode });
export const TotpConfirmed = z.strictObject({ authenticatorUuid: z.uuid() });

/** Signing in with the authenticator app: who (their email address) and the code the app shows now. */
export const TotpSignInBody = z.strictObject({
  email: z.string().trim().min(1, 'Enter your email address').max(254).email('Enter an email address in the correct format, like name@example.com'),
  code: TotpCode,
});
export const SignInRedirect = z.strictObject({ redirectTo: z.string() });
