import { appendAudit } from '../audit/audit-log.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
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

export async function closeProfile(ctx: ServiceContext, input: CloseProfileInput): Promise<{ sessionsEnded: number }> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'status']).where('uuid', '=', input.userUuid).executeTakeFirst();
    if (!user) throw notFound('That user profile');
    await trx.updateTable('users').set({ status: 'closed' }).where('id', '=', user.id).execute();
    const sessionsEnded = await endSessionsWhere(trx, { userId: user.id }, 'profile-closed', now.getTime());
    await appendAudit(
      trx,
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
  });
}
