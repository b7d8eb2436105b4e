import type { z } from 'zod';
import type { SessionInfo, SessionRequest, SessionResponse } from '../../src-shared/api/service-login.js';
import { appendAudit } from '../audit/audit-log.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { auditRefusal, cardStatusFailure, LoginFailure, settle, type LoginFacts, type Outcome } from './login-failure.js';
import { activePositions, cardAndUser, positionSummary, type CardAndUser } from './login-store.js';
import { cardLoginSummary } from './login-summary.js';
import { findTicket, spendTicket } from './login-tickets.js';
import { endSession, openSession, type SessionContext } from './session-store.js';

// Sessions opened from a login ticket, for one of the holder's positions; what the agent shows
// in the Identity Agent box; and sign-out.

async function cardAndUserOf(db: Db, cardId: number): Promise<CardAndUser> {
  const row = await cardAndUser(db, cardId);
  // The card row is referenced by the ticket or session, so it always exists.
  if (!row) throw new ServiceError(500, 'internal', 'The identity service had a problem. Try again.');
  return row;
}

/**
 * Spending the ticket, the checks, the session and the audit entry are one transaction. The
 * session is bound to `keyThumbprint`, the workstation key whose proof came with the request.
 */
export async function openLoginSession(ctx: ServiceContext, body: z.infer<typeof SessionRequest>, keyThumbprint: string): Promise<SessionResponse> {
  const now = ctx.now();
  const outcome = await inTransaction(ctx.db, async (trx): Promise<Outcome<SessionResponse>> => {
    const facts: LoginFacts = {};
    let workstationId: string | null = null;
    try {
      const ticket = await findTicket(trx, body.loginTicket);
      workstationId = ticket.workstationId;
      const who = await cardAndUserOf(trx, ticket.cardId);
      facts.actor = who.userUuid;
      facts.cardUuid = who.cardUuid;
      await spendTicket(trx, body.loginTicket, ticket, now.getTime());
      // The card or profile may have been stopped since the card signed in.
      if (who.cardStatus !== 'active') throw new LoginFailure(cardStatusFailure(who.cardStatus));
      if (who.userStatus !== 'open') throw new LoginFailure('profile-closed');
      if (!who.notAfter) throw new LoginFailure('certificate-revoked');
      const position = (await activePositions(trx, ticket.userId, now.toISOString().slice(0, 10))).find((p) => p.id === body.positionId);
      if (!position) throw new LoginFailure('position-not-held');

      const session = await openSession(trx, {
        userId: ticket.userId,
        cardId: ticket.cardId,
        positionId: position.id,
        workstationId: ticket.workstationId,
        keyThumbprint,
        ttlMs: ctx.config.sessionTtlMinutes * 60_000,
        now: now.getTime(),
      });
      await appendAudit(
        trx,
        {
          action: 'session.opened',
          actor: who.userUuid,
          subject: who.cardUuid,
          workstationId: ticket.workstationId,
          details: { sessionId: session.sessionId, positionId: position.id, organisation: position.organisation.code, roles: position.roles },
        },
        now,
      );
      return {
        ok: {
          token: session.token,
          expiresAt: new Date(session.expiresAt).toISOString(),
          user: { uuid: who.userUuid, name: who.userName },
          card: cardLoginSummary(who.cardUuid, new Date(who.notAfter), now),
          position,
        },
      };
    } catch (err) {
      if (!(err instanceof LoginFailure)) throw err;
      await auditRefusal({ ...ctx, db: trx }, err, 'session.refused', workstationId, facts, now);
      return { refused: err };
    }
  });
  return settle(outcome);
}

export async function sessionInfo(ctx: ServiceContext, session: SessionContext): Promise<z.infer<typeof SessionInfo>> {
  const who = await cardAndUserOf(ctx.db, session.cardId);
  const position = await positionSummary(ctx.db, session.positionId);
  if (!position || !who.notAfter) throw new ServiceError(401, 'unauthenticated', 'Your session has ended. Sign in with your smartcard again.');
  return {
    expiresAt: new Date(session.expiresAt).toISOString(),
    user: { uuid: session.userUuid, name: session.userName },
    card: cardLoginSummary(who.cardUuid, new Date(who.notAfter), ctx.now()),
    position,
  };
}

export async function logout(ctx: ServiceContext, session: SessionContext): Promise<{ ended: true }> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    await endSession(trx, session.sessionId, 'logout', now.getTime());
    await appendAudit(
      trx,
      { action: 'session.ended', actor: session.userUuid, subject: null, workstationId: session.workstationId, details: { sessionId: session.sessionId, reason: 'logout' } },
      now,
    );
  });
  return { ended: true };
}
