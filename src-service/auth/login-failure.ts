import { appendAudit } from '../audit/audit-log.js';
import { tallyRefusal } from '../audit/refusal-tally.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';

// Why a login or session request was refused: one reason per check, each with its own message
// in the user's words and its own audit code. 401 (login-failed): this card and challenge did
// not prove who is there. 403 (forbidden): the card proved itself, but may not be used now.
// The 403 reasons are only given after the signature has verified, so holding a copy of a
// certificate (which is public) is not enough to learn the state of its card or its holder.
// Messages never contain a credential, a nonce, a ticket or a key.

const FAILURES = {
  'nonce-unknown': [401, 'The sign-in challenge was not recognised. Sign in again.'],
  'nonce-expired': [401, 'The sign-in challenge expired before the card answered. Sign in again.'],
  'nonce-used': [401, 'That sign-in challenge has already been used. Sign in again.'],
  'nonce-other-workstation': [401, 'The sign-in challenge was issued to a different workstation. Sign in again on this one.'],
  'certificate-unreadable': [401, 'The certificate on the smartcard could not be read. Remove the card and try again.'],
  'certificate-foreign': [401, 'The certificate on the smartcard was not issued by this identity service.'],
  'algorithm-mismatch': [401, "The signing algorithm sent does not match the smartcard's key."],
  'signature-invalid': [401, "The smartcard's signature could not be verified. Sign in again."],
  'certificate-unknown': [401, 'This smartcard is not registered with the identity service. Contact your Registration Authority.'],
  'certificate-not-yet-valid': [403, "The smartcard's certificate is not valid yet. Check this computer's date and time."],
  'certificate-expired': [403, "The smartcard's certificate has expired. Contact your Registration Authority to renew it in person."],
  'certificate-revoked': [403, "The smartcard's certificate has been revoked. Contact your Registration Authority."],
  'card-locked': [403, 'This smartcard is locked in the directory. Contact your local smartcard administrator.'],
  'card-revoked': [403, 'This smartcard has been revoked. Contact your Registration Authority.'],
  'card-cancelled': [403, 'This smartcard has been cancelled. Contact your Registration Authority.'],
  'profile-closed': [403, 'Your Care Identity profile is closed. Contact your Registration Authority.'],
  'ticket-unknown': [401, 'The sign-in was not recognised. Sign in again with your smartcard.'],
  'ticket-used': [401, 'That sign-in has already been used to open a session. Sign in again with your smartcard.'],
  'ticket-expired': [401, 'The sign-in expired before an organisation was chosen. Sign in again with your smartcard.'],
  'position-not-held': [403, 'You do not hold that position now. Choose one of the positions listed.'],
} as const satisfies Record<string, readonly [401 | 403, string]>;

export type LoginFailureReason = keyof typeof FAILURES;

/**
 * Refusals anyone can cause with no card and no ticket: nothing was proved, so they are counted
 * (audit/refusal-tally.ts), not given an audit entry each. The rest come after a card signed,
 * or with a login ticket once handed out, and each keeps its entry.
 */
const PROVES_NOTHING: ReadonlySet<LoginFailureReason> = new Set<LoginFailureReason>([
  'nonce-unknown',
  'nonce-expired',
  'nonce-used',
  'nonce-other-workstation',
  'certificate-unreadable',
  'certificate-foreign',
  'algorithm-mismatch',
  'signature-invalid',
  'ticket-unknown',
]);

/** Facts for the audit entry; never secrets. */
export interface LoginFacts {
  actor?: string;
  cardUuid?: string;
  certificateSerial?: string;
}

export class LoginFailure extends Error {
  override name = 'LoginFailure';
  constructor(readonly reason: LoginFailureReason) {
    super(FAILURES[reason][1]);
  }

  toServiceError(): ServiceError {
    const [status, message] = FAILURES[this.reason];
    return new ServiceError(status, status === 401 ? 'login-failed' : 'forbidden', message);
  }
}

export const cardStatusFailure = (status: string): LoginFailureReason =>
  status === 'locked' ? 'card-locked' : status === 'cancelled' ? 'card-cancelled' : 'card-revoked';

/** Records a refusal in the audit log, or counts it (inside the caller's transaction, with what it spent). */
export async function auditRefusal(ctx: ServiceContext, failure: LoginFailure, action: string, workstationId: string | null, facts: LoginFacts, at: Date): Promise<void> {
  if (PROVES_NOTHING.has(failure.reason)) return tallyRefusal(ctx.db, `${action}:${failure.reason}`, at);
  await appendAudit(
    ctx.db,
    {
      action,
      actor: facts.actor ?? null,
      subject: facts.cardUuid ?? null,
      workstationId,
      details: { reason: failure.reason, ...(facts.certificateSerial ? { certificateSerial: facts.certificateSerial } : {}) },
    },
    at,
  );
}

export type Outcome<T> = { readonly ok: T } | { readonly refused: LoginFailure };

/** The HTTP answer for an outcome: the value, or the refusal as its ServiceError. */
export function settle<T>(outcome: Outcome<T>): T {
  if ('refused' in outcome) throw outcome.refused.toServiceError();
  return outcome.ok;
}
