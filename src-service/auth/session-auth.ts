import { DPOP_SCHEME } from '../../src-shared/api/service-login.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { dpopChallenge, ProofRefusal, spendProof, verifyProof } from './dpop-proof.js';
import { endReasonOf, endSession, findSession, type SessionContext, type SessionStanding } from './session-store.js';

// Every authorised call: `Authorization: DPoP <token>` with a proof from the key the session is
// bound to (dpop-proof.ts), then the session checked afresh against the directory. A session
// whose card, profile or position has stopped since login is ended here, on the first call after
// the change, and the caller is told why in words they can act on.

const STOPPED: Record<Exclude<SessionStanding, 'live'>, string> = {
  'card-stopped': 'Your smartcard can no longer be used, so your session has ended. Contact your Registration Authority.',
  'profile-closed': 'Your Care Identity profile is closed, so your session has ended. Contact your Registration Authority.',
  'position-ended':
    'The position you signed in with is no longer yours, or has closed, so your session has ended. Sign in again and choose a current position.',
};

// The scheme is case-insensitive (RFC 9110 section 11.1).
const TOKEN = new RegExp(`^${DPOP_SCHEME} ([A-Za-z0-9_-]{16,128})$`, 'i');

export interface AuthenticatedCall {
  readonly method: string;
  /** The request path, without the query. */
  readonly path: string;
  readonly authorization: string | undefined;
  readonly proof: string | string[] | undefined;
}

/**
 * The session the call's token opens, proved by the key it is bound to, if it may act now;
 * otherwise 401 (with the WWW-Authenticate challenge in `ProofRefusal.challenge`), ending a
 * session that has lost its standing.
 */
export async function liveSession(ctx: ServiceContext, call: AuthenticatedCall): Promise<SessionContext> {
  const token = typeof call.authorization === 'string' ? TOKEN.exec(call.authorization)?.[1] : undefined;
  if (token === undefined) throw new ProofRefusal('Sign in with your smartcard first.', dpopChallenge());
  const proof = await verifyProof(ctx, { method: call.method, path: call.path, proof: call.proof, token });
  const now = ctx.now();
  // Another key's proof finds nothing: a copied token is refused like an unknown one.
  const found = await findSession(ctx.db, token, proof.keyThumbprint, now.getTime());
  if (!found) {
    // A session ended for its holder (their profile closed, their card revoked) says why: signing
    // in again would only be refused.
    const reason = await endReasonOf(ctx.db, token, proof.keyThumbprint);
    const why = reason !== undefined && reason in STOPPED ? STOPPED[reason as keyof typeof STOPPED] : 'Your session has ended. Sign in with your smartcard again.';
    throw new ProofRefusal(why, dpopChallenge('invalid_token'));
  }
  await spendProof(ctx.db, proof, now.getTime());
  const { standing, ...session } = found;
  if (standing === 'live') return session;
  await inTransaction(ctx.db, async (trx) => {
    await endSession(trx, session.sessionId, standing, now.getTime());
    await appendAudit(
      trx,
      { action: 'session.ended', actor: session.userUuid, subject: null, workstationId: session.workstationId, details: { sessionId: session.sessionId, reason: standing } },
      now,
    );
  });
  throw new ProofRefusal(STOPPED[standing], dpopChallenge('invalid_token'));
}
