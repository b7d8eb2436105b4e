import { z } from 'zod';
import { Base64, Base64Url, CardAlgorithm, IsoDateTime, PositionSummary, Uuid } from './service-common.js';

// Card login: challenge -> the card signs a domain-separated payload -> the service checks the
// card and returns the holder's positions -> a session for the chosen position.

export const WorkstationId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash, underscore; 1-64');

/**
 * Every call made with a session token names its workstation in this header: a session is bound
 * to the card and the workstation it was opened on, so a token copied elsewhere is useless.
 */
export const WORKSTATION_HEADER = 'x-workstation-id';

export const ChallengeRequest = z.strictObject({ workstationId: WorkstationId });
export const ChallengeResponse = z.strictObject({
  nonce: Base64Url,
  serviceOrigin: z.string(),
  expiresAt: IsoDateTime,
});

export const LOGIN_PURPOSE = 'care-identity-card-login/v1';

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

export const SessionRequest = z.strictObject({ loginTicket: Base64Url, positionId: z.number().int().positive() });
export const SessionResponse = z.strictObject({
  /** Bearer token; the service keeps only its hash. */
  token: Base64Url,
  expiresAt: IsoDateTime,
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  card: CardLoginSummary,
  position: PositionSummary,
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const SessionInfo = SessionResponse.omit({ token: true });
export const LogoutResponse = z.strictObject({ ended: z.literal(true) });
