import { appendAudit } from '../audit/audit-log.js';
import { ServiceError } from '../http/service-error.js';
import type { ServiceContext } from '../service-context.js';
import { endSession, findSession, type SessionContext, type SessionStanding } from './session-store.js';

// Every authorised call: the session for the token, checked afresh against the directory. A
// session whose card, profile or position has stopped since login is ended here, on the first
// call after the change, and the caller is told why in words they can act on.

const STOPPED: Record<Exclude<SessionStanding, 'live'>, string> = {
  'card-stopped': 'Your smartcard can no longer be used, so your session has ended. Contact your Registration Authority.',
  'profile-closed': 'Your Care Identity profile is closed, so your session has ended. Contact your Registration Authority.',
  'position-ended':
    'The position you signed in with is no longer yours, or has closed, so your session has ended. Sign in again and choose a current position.',
};

export const sessionEnded = (): ServiceError => new ServiceError(401, 'unauthenticated', 'Your session has ended. Sign in with your smartcard again.');

/** The session `token` opens, if it may act now; otherwise 401, ending a session that has lost its standing. */
export function liveSession(ctx: ServiceContext, token: string, workstationId: string): SessionContext {
  const now = ctx.now();
  const found = findSession(ctx.db, token, workstationId, now.getTime());
  if (!found) throw sessionEnded();
  const { standing, ...session } = found;
  if (standing === 'live') return session;
  ctx.db.transaction(() => {
    endSession(ctx.db, session.sessionId, standing, now.getTime());
    appendAudit(
      ctx.db,
      { action: 'session.ended', actor: session.userUuid, subject: null, workstationId: session.workstationId, details: { sessionId: session.sessionId, reason: standing } },
      now,
    );
  })();
  throw new ServiceError(401, 'unauthenticated', STOPPED[standing]);
}
