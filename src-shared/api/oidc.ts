import { z } from 'zod';

// Sign-in for other apps (OpenID Connect): the assurance names apps ask for and are told, the
// shape of a relying party's registration, and what the Identity Agent shows of the apps a
// session signed in to. One definition, read by the service, the agent, the CLI and the tests.

/**
 * ACR values, named as the national service names them. An app asks with `acr_values` (or its
 * registered `default_acr_values`); the ID token's `acr` names the level the sign-in reached.
 */
export const ACR = {
  aal3: 'AAL3_ANY',
  aal2OrAal3: 'AAL2_OR_AAL3_ANY',
  aal2: 'AAL2_ANY',
} as const;
export type Acr = (typeof ACR)[keyof typeof ACR];
export const ACR_VALUES_SUPPORTED: readonly Acr[] = [ACR.aal3, ACR.aal2OrAal3, ACR.aal2];

export type Aal = 2 | 3;

/** The lowest level an ACR value accepts: AAL3_ANY needs AAL3, the others take AAL2 or AAL3. */
export function minimumAalOf(acr: string): Aal | null {
  if (acr === ACR.aal3) return 3;
  if (acr === ACR.aal2OrAal3 || acr === ACR.aal2) return 2;
  return null;
}

/** The `acr` claim for a sign-in that reached `aal`. */
export const acrOfAal = (aal: Aal): Acr => (aal === 3 ? ACR.aal3 : ACR.aal2OrAal3);

/** Kinds of authenticator a profile can hold (the smartcard and the others of seed 002). */
export const AUTHENTICATOR_KINDS = ['smartcard', 'ipad', 'microsoft-authenticator', 'security-key', 'windows-hello', 'nhsnet-connect'] as const;
export const AuthenticatorKind = z.enum(AUTHENTICATOR_KINDS);
export type AuthenticatorKind = z.infer<typeof AuthenticatorKind>;

/** AMR values by authenticator, as the national service names them. */
export const AMR_OF_KIND: Readonly<Record<AuthenticatorKind, string>> = {
  smartcard: 'SCARD',
  'security-key': 'FIDO2',
  'windows-hello': 'FIDO2',
  ipad: 'IOS',
  'microsoft-authenticator': 'TOTP',
  'nhsnet-connect': 'NHSMAIL',
};

const HttpsOrLoopbackUrl = z.url({ protocol: /^https?$/ }).refine(
  (u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//.test(u),
  'must be https, or http on localhost',
);

/**
 * A relying party, in the standard client metadata names (OpenID Connect Dynamic Client
 * Registration): from the service configuration (`oidcClients`), the CLI, or training's
 * `--oidc-clients` file.
 */
export const OidcClientMetadata = z
  .object({
    client_id: z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable characters, no spaces'),
    client_secret: z.string().min(32, 'at least 32 characters').max(500).optional(),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).optional(),
    token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']).optional(),
    redirect_uris: z.array(HttpsOrLoopbackUrl).min(1),
    post_logout_redirect_uris: z.array(HttpsOrLoopbackUrl).optional(),
    backchannel_logout_uri: HttpsOrLoopbackUrl.optional(),
    backchannel_logout_session_required: z.boolean().optional(),
    client_name: z.string().trim().min(1).max(200).optional(),
    default_acr_values: z.array(z.enum(ACR_VALUES_SUPPORTED as [Acr, ...Acr[]])).optional(),
  })
  .strict();
export type OidcClientMetadata = z.infer<typeof OidcClientMetadata>;

/** An app the current session signed in to, for the Identity Agent's "Signed in to" list. */
export const SignedInApp = z.strictObject({
  /** The sign-in's own number: what "Sign out" names (one app, one sign-in). */
  signInId: z.number().int().positive(),
  clientId: z.string(),
  name: z.string(),
  signedInAt: z.iso.datetime(),
});
export type SignedInApp = z.infer<typeof SignedInApp>;
