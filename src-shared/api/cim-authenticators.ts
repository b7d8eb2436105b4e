import { z } from 'zod';
import { AuthenticatorKind } from './oidc.js';
import { IsoDateTime, Uuid } from './service-common.js';

// Authenticators other than the smartcard, in Care Identity Management: the list on a profile's
// Authenticators tab, a one-time link that starts adding one (a page served by the identity
// service, or a QR code for a device), and removal. Everyone adds their own; RA staff issue and
// remove them for users in their scope (an iPad: RAM and RAA(A) only).

/** The kinds CIM can issue, in the order "Select authenticator type" lists them. */
export const ISSUABLE_KINDS = ['ipad', 'microsoft-authenticator', 'security-key', 'windows-hello', 'nhsnet-connect'] as const;
export const IssuableKind = z.enum(ISSUABLE_KINDS);
export type IssuableKind = z.infer<typeof IssuableKind>;

const PersonRef = z.strictObject({ uuid: Uuid, name: z.string() });

export const UserAuthenticator = z.strictObject({
  id: z.number().int().positive(),
  kind: AuthenticatorKind,
  label: z.string(),
  /** The assurance a sign-in with it reaches: 3 "very high", 2 "high"; null for an older entry that never recorded it. */
  aal: z.union([z.literal(2), z.literal(3)]).nullable(),
  addedAt: IsoDateTime,
  /** Who added it (the user, or the RA who issued it); null when nobody the directory knows. */
  addedBy: PersonRef.nullable(),
  lastUsedAt: IsoDateTime.nullable(),
  /** The viewer may remove it. */
  mayRemove: z.boolean(),
});
export type UserAuthenticator = z.infer<typeof UserAuthenticator>;

export const UserAuthenticators = z.strictObject({
  /** The viewer is the user. */
  own: z.boolean(),
  /** Oldest first; removed ones are left out. */
  authenticators: z.array(UserAuthenticator),
  /** The kinds the viewer may add for this user (empty: no "Add"/"Issue" button). */
  mayIssue: z.array(IssuableKind),
});
export type UserAuthenticators = z.infer<typeof UserAuthenticators>;

export const StartEnrolmentBody = z.strictObject({ kind: IssuableKind });

/** A one-time link that adds an authenticator of `kind` to the user; it works once, until `expiresAt`. */
export const AuthenticatorEnrolment = z.strictObject({
  kind: IssuableKind,
  link: z.url(),
  expiresAt: IsoDateTime,
});
export type AuthenticatorEnrolment = z.infer<typeof AuthenticatorEnrolment>;

export const AuthenticatorParams = z.strictObject({
  uuid: Uuid,
  authenticatorId: z.coerce.number().int().positive(),
});

/** Removing asks for the confirmation tick and nothing else (no reason). */
export const RemoveAuthenticatorBody = z.strictObject({
  confirm: z.literal(true, { error: 'Confirm that you want to remove this authenticator' }),
});

export const RemovedAuthenticator = z.strictObject({
  id: z.number().int().positive(),
  kind: AuthenticatorKind,
  label: z.string(),
  removedAt: IsoDateTime,
});

// The registration page the one-time link opens (served by the identity service's own origin,
// which is the WebAuthn relying party). The link's token travels in the page address's fragment,
// so it never reaches a server log or a Referer header; the page's script posts it here.

/** The one-time token from the link: 32 random bytes, base64url. */
const EnrolmentToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an enrolment link');

export const WebauthnRegistrationOptionsBody = z.strictObject({ token: EnrolmentToken });

/** The options for navigator.credentials.create (PublicKeyCredentialCreationOptionsJSON), and who they are for. */
export const WebauthnRegistrationOptions = z.strictObject({
  kind: z.enum(['security-key', 'windows-hello']),
  userName: z.string(),
  options: z.record(z.string(), z.unknown()),
});

/** A credential as @simplewebauthn/browser hands it over (RegistrationResponseJSON / AuthenticationResponseJSON). */
export const WebauthnCredentialJson = z.looseObject({
  id: z.string().min(1).max(1400),
  rawId: z.string().min(1).max(1400),
  type: z.literal('public-key'),
  response: z.record(z.string(), z.unknown()),
  clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
  authenticatorAttachment: z.string().optional(),
});

export const WebauthnRegistrationVerifyBody = z.strictObject({
  token: EnrolmentToken,
  credential: WebauthnCredentialJson,
});

export const WebauthnRegistered = z.strictObject({
  kind: z.enum(['security-key', 'windows-hello']),
  label: z.string(),
  aal: z.union([z.literal(2), z.literal(3)]),
});

// Signing in to an app with a WebAuthn credential on the provider's sign-in page: the page's
// script posts the interaction and the browser's answer to the challenge the page carried.

export const WebauthnSignInBody = z.strictObject({
  uid: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'not a sign-in'),
  credential: WebauthnCredentialJson,
});

export const WebauthnSignInResponse = z.strictObject({ redirectTo: z.string() });
