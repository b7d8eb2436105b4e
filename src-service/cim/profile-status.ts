import { appendAudit } from '../audit/audit-log.js';
import { conflict } from '../service-error.js';
import type { Db } from '../store/database.js';

// Closing or reopening a profile, once someone entitled to has decided it: the status changes
// and the audit log says who did it and why. A closed profile stays findable; its holder cannot
// sign in to anything that checks the status.

export async function applyProfileStatus(trx: Db, userId: number, action: 'close' | 'reopen', actorUserId: number, reason: string, now: Date): Promise<void> {
  const to = action === 'close' ? 'closed' : 'open';
  const changed = await trx.updateTable('users').set({ status: to }).where('id', '=', userId).where('status', '!=', to).executeTakeFirst();
  if (Number(changed.numUpdatedRows) === 0) throw conflict(action === 'close' ? 'That profile is already closed.' : 'That profile is already open.');
  const [user, actor] = await Promise.all([
    trx.selectFrom('users').select('uuid').where('id', '=', userId).executeTakeFirstOrThrow(),
    trx.selectFrom('users').select('uuid').where('id', '=', actorUserId).executeTakeFirstOrThrow(),
  ]);
  await appendAudit(trx, { action: action === 'close' ? 'profile.closed' : 'profile.reopened', actor: actor.uuid, subject: user.uuid, details: { reason } }, now);
}
