import { z } from 'zod';
import { Base64, Base64Url, CardAlgorithm, IsoDateTime, PositionSummary, Uuid } from './service-common.js';

// Card login: challenge -> the card signs a domain-separated payload -> the service checks the
// card and returns the holder's positions -> a session for the chosen position.

export const WorkstationId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash, underscore; 1-64');

/**
 * Proof of possession (DPoP, RFC 9449). Each agent holds a workstation key (EC P-256) of its own;
 * the session opened at login is bound to that key's JWK thumbprint (RFC 7638), and every call
 * made with the session token carries `Authorization: DPoP <token>` and, in the `DPoP` header, a
 * proof: a JWT the key signs, naming the method and URL of that one call, when it was made, a
 * one-use id and the token's hash. A token copied to another machine is useless without the key;
 * a proof copied off the wire is good for nothing but the call it was made for, once.
 * `POST /v1/login/session` carries a proof too (no `ath`: there is no token yet): it names the
 * key the session is bound to.
 */
export const DPOP_HEADER = 'dpop';
export const DPOP_SCHEME = 'DPoP';
/** The one signature algorithm proofs are made with (the workstation key is P-256). */
export const DPOP_ALGORITHM = 'ES256';
export const DPOP_PROOF_TYPE = 'dpop+jwt';
/** How far a proof's `iat` may be from the service's clock, either way, in seconds. */
export const DPOP_MAX_SKEW_SECONDS = 60;

/** The claims of a DPoP proof, as the service reads them. */
export const DpopProofClaims = z.object({
  /** HTTP method of the call. */
  htm: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** URL of the call: the service origin and path, without query or fragment. */
  htu: z.url().max(2048),
  /** Seconds since the epoch when the proof was made. */
  iat: z.number().int().nonnegative(),
  /** One-use id: the service refuses a proof whose id it has seen from the same key. */
  jti: z.string().min(16).max(128),
  /** base64url(SHA-256(token)): present on every call made with a session token. */
  ath: Base64Url.optional(),
});
export type DpopProofClaims = z.infer<typeof DpopProofClaims>;

export const ChallengeRequest = z.strictObject({ workstationId: WorkstationId });
export const ChallengeResponse = z.strictObject({
  nonce: Base64Url,
  serviceOrigin: z.string(),
  expiresAt: IsoDateTime,
});

const LOGIN_PURPOSE = 'care-identity-card-login/v1';

/**
 * The text a card signs for the service: the purpose first, then one `name=value` line per
 * field. Every signed action has its own purpose, so a signature made for one (a login) can
 * never be presented as another (a contact change). Values never contain a newline (they are
 * nonces, origins, workstation ids and validated contact details).
 */
export function cardSignedPayload(purpose: string, fields: readonly (readonly [string, string])[]): string {
  return `purpose=${purpose}\n${fields.map(([name, value]) => `${name}=${value}\n`).join('')}`;
}

/**
 * The exact bytes a card signs to log in. Naming the purpose, the service and the workstation
 * means a signature made for anything else, anywhere else, cannot be replayed here.
 */
export function loginSignedPayload(p: { nonce: string; serviceOrigin: string; workstationId: string }): string {
  return cardSignedPayload(LOGIN_PURPOSE, [
    ['nonce', p.nonce],
    ['origin', p.serviceOrigin],
    ['workstation', p.workstationId],
  ]);
}

export const VerifyRequest = z.strictObject({
  nonce: Base64Url,
  workstationId: WorkstationId,
  algorithm: CardAlgorithm,
  /** The 9A certificate read from the card, DER in base64. */
  certificate: Base64,
  /** The card's signature over loginSignedPayload (SHA-256; PKCS#1 v1.5 or DER ECDSA), base64. */
  signature: Base64,
});

export const CardLoginSummary = z.strictObject({
  uuid: Uuid,
  certificateNotAfter: IsoDateTime,
  /** Whole days from now (UTC) to notAfter; negative once expired. */
  daysToExpiry: z.number().int(),
  /** Within 90 days of expiry: the Smartcard Expiry Notification is due. */
  renewalDue: z.boolean(),
});

export const VerifyResponse = z.strictObject({
  /** One-use ticket, valid a few minutes, to open a session for one of `positions`. */
  loginTicket: Base64Url,
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  card: CardLoginSummary,
  positions: z.array(PositionSummary),
});
export type VerifyResponse = z.infer<typeof VerifyResponse>;

/** Sent with a DPoP proof (see DPOP_HEADER): the session is bound to the key that made it. */
export const SessionRequest = z.strictObject({ loginTicket: Base64Url, positionId: z.number().int().positive() });
export const SessionResponse = z.strictObject({
  /** Session token, usable only with proofs from the key the session was opened with; the service keeps only its hash. */
  token: Base64Url,
  expiresAt: IsoDateTime,
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  card: CardLoginSummary,
  position: PositionSummary,
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const SessionInfo = SessionResponse.omit({ token: true });
export const LogoutResponse = z.strictObject({ ended: z.literal(true) });
