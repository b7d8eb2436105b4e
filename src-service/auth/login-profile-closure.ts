import { appendAudit } from '../audit/audit-log.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { endSessionsWhere } from './session-store.js';

// Closing a user profile stops its holder signing in (login refuses a closed profile) and ends
// every live session of theirs at once, on any card and workstation.

export interface CloseProfileInput {
  readonly userUuid: string;
  /** Who closed it: a user UUID, or 'system'. */
  readonly actor: string;
  readonly reason?: string;
  readonly workstationId?: string | null;
}

export function closeProfile(ctx: ServiceContext, input: CloseProfileInput): { sessionsEnded: number } {
  const now = ctx.now();
  return ctx.db
    .transaction(() => {
      const user = ctx.db.prepare('SELECT id, status FROM users WHERE uuid = ?').get(input.userUuid) as { id: number; status: string } | undefined;
      if (!user) throw notFound('That user profile');
      ctx.db.prepare("UPDATE users SET status = 'closed' WHERE id = ?").run(user.id);
      const sessionsEnded = endSessionsWhere(ctx.db, { userId: user.id }, 'profile-closed', now.getTime());
      appendAudit(
        ctx.db,
        {
          action: 'profile.closed',
          actor: input.actor,
          subject: input.userUuid,
          workstationId: input.workstationId ?? null,
          details: { previousStatus: user.status, sessionsEnded, ...(input.reason ? { reason: input.reason } : {}) },
        },
        now,
      );
      return { sessionsEnded };
    })
    .immediate();
}
