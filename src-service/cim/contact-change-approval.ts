import type { z } from 'zod';
import { contactChangeSignedPayload, type ContactChallenge } from '../../src-shared/api/service-cim.js';
import { consumeChallenge, issueChallenge, type ChallengeBinding } from '../auth/login-challenge.js';
import { checkPresentedCertificate, signatureVerifies } from '../auth/login-certificate.js';
import { LoginFailure, type LoginFailureReason } from '../auth/login-failure.js';
import type { SessionContext } from '../auth/session-store.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { prepared } from '../store/prepared.js';

// A change of one's own email or mobile is approved by the card the session was opened with:
// the holder types their passcode again and the card's 9A key signs a challenge the service
// issued for this purpose, this session and these new values (contactChangeSignedPayload). A
// session left open at an unattended workstation is then not enough to redirect the holder's
// unlock codes. The challenge is the login's (one use, 60 seconds, one workstation), bound
// here to the session; the signature is checked against the session card's live certificate.

export interface NewContact {
  readonly email: string | null;
  readonly mobile: string | null;
}

const bindingOf = (session: SessionContext): ChallengeBinding => ({ purpose: 'contact-change', sessionId: session.sessionId });
/** The session as the card signs it: its id, which the service alone resolves. */
const sessionName = (session: SessionContext): string => String(session.sessionId);

export function issueContactChallenge(ctx: ServiceContext, session: SessionContext, values: NewContact): z.infer<typeof ContactChallenge> {
  const challenge = issueChallenge(ctx, session.workstationId, bindingOf(session));
  return { ...challenge, session: sessionName(session), email: values.email, mobile: values.mobile };
}

const START_AGAIN = 'Start the change again.';
const CHALLENGE_REFUSALS: Partial<Record<LoginFailureReason, string>> = {
  'nonce-expired': `Your smartcard did not approve the change in time. ${START_AGAIN}`,
  'nonce-used': `That approval has already been used. ${START_AGAIN}`,
};
const NOT_THE_SESSION_CARD = 'The change was not approved by the smartcard you signed in with. Insert that smartcard and try again.';

/** Why a change was not approved: the words for the holder, and a reason for the audit log. */
export class ApprovalRefused extends Error {
  override name = 'ApprovalRefused';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
  toServiceError(): ServiceError {
    return new ServiceError(403, 'forbidden', this.message);
  }
}

/**
 * Whether the session card signed exactly this change: checked against each of the card's
 * unrevoked, unexpired certificates (only one, except for a moment during a renewal). Runs
 * before the transaction: no lock is held during the cryptography.
 */
export function signedBySessionCard(ctx: ServiceContext, session: SessionContext, nonce: string, values: NewContact, signature: string): boolean {
  const payload = Buffer.from(
    contactChangeSignedPayload({ nonce, serviceOrigin: ctx.serviceOrigin, workstationId: session.workstationId, session: sessionName(session), ...values }),
    'utf8',
  );
  const signatureBytes = Buffer.from(signature, 'base64');
  const now = ctx.now();
  const live = prepared(ctx.db, 'SELECT der FROM certificates WHERE card_id = ? AND revoked_at IS NULL AND der IS NOT NULL').all(session.cardId) as { der: Buffer }[];
  return live.some(({ der }) => {
    try {
      const certificate = checkPresentedCertificate(ctx.ca, der.toString('base64'));
      return now >= certificate.notBefore && now <= certificate.notAfter && signatureVerifies(certificate, payload, signatureBytes);
    } catch (err) {
      if (err instanceof LoginFailure) return false;
      throw err;
    }
  });
}

/**
 * Spends the challenge (whatever follows, it gets no second try), then refuses unless it was
 * this session's, in time, and `signed` (signedBySessionCard's verdict). In the caller's transaction.
 */
export function requireApproval(ctx: ServiceContext, session: SessionContext, nonce: string, signed: boolean): void {
  try {
    consumeChallenge(ctx, nonce, session.workstationId, ctx.now(), bindingOf(session));
  } catch (err) {
    if (!(err instanceof LoginFailure)) throw err;
    throw new ApprovalRefused(err.reason, CHALLENGE_REFUSALS[err.reason] ?? `The approval for this change was not recognised. ${START_AGAIN}`);
  }
  if (!signed) throw new ApprovalRefused('signature-invalid', NOT_THE_SESSION_CARD);
}
