import { appendAudit } from '../audit/audit-log.js';
import { endSessionsWhere } from '../auth/session-store.js';
import { conflict, notFound } from '../service-error.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';

// Closing and reopening a user profile. Closing stops its holder signing in (login refuses a
// closed profile) and ends every live session of theirs at once, on any card and workstation, so
// the next call from any of them is refused. Shared by the RA's direct close or reopen and by
// accepting a sponsor's request for one.

export type ProfileStatusAction = 'close' | 'reopen';

const STATUS_AFTER = { close: 'closed', reopen: 'open' } as const;
const ALREADY = { close: 'That profile is already closed.', reopen: 'That profile is already open.' } as const;

/**
 * Closes or reopens the profile of `userId`, with the reason, audited as 'profile.closed' or
 * 'profile.reopened'. 409 when it is already in that state. Returns how many sessions ended.
 */
export async function applyProfileStatus(
  trx: Db,
  userId: number,
  action: ProfileStatusAction,
  actorUserId: number,
  reason: string,
  now: Date,
  workstationId: string | null = null,
): Promise<{ sessionsEnded: number }> {
  return inTransaction(trx, async (t) => {
    const user = await t.selectFrom('users').select(['uuid', 'status']).where('id', '=', userId).executeTakeFirst();
    if (!user) throw notFound('That user profile');
    const status = STATUS_AFTER[action];
    if (user.status === status) throw conflict(ALREADY[action]);
    await t.updateTable('users').set({ status }).where('id', '=', userId).execute();
    const sessionsEnded = action === 'close' ? await endSessionsWhere(t, { userId }, 'profile-closed', now.getTime()) : 0;
    const actor = await t.selectFrom('users').select('uuid').where('id', '=', actorUserId).executeTakeFirst();
    await appendAudit(
      t,
      {
        action: action === 'close' ? 'profile.closed' : 'profile.reopened',
        actor: actor?.uuid ?? null,
        subject: user.uuid,
        workstationId,
        details: { reason, ...(action === 'close' ? { sessionsEnded } : {}) },
      },
      now,
    );
    return { sessionsEnded };
  });
}
