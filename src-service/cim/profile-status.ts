import type { z } from 'zod';
import type { PendingProfileStatus, ProfileStatusResponse } from '../../src-shared/api/cim-users.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import { endSessionsWhere, type SessionContext } from '../auth/session-store.js';
import { conflict, forbidden, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { inTransaction } from '../store/transaction.js';
import { isoDateTime, utcDate } from './dates.js';
import { assertPlainText } from './text-rules.js';
import { userByUuidOr404 } from './user-lookup.js';
import { authorizeOnUser, userOrgPaths } from './user-scope.js';

// Closing and reopening a user profile. Closing stops its holder signing in (login refuses a
// closed profile) and ends every live session of theirs at once, on any card and workstation, so
// the next call from any of them is refused. Shared by the RA's direct close or reopen and by
// accepting a sponsor's request for one.

export type ProfileStatusAction = 'close' | 'reopen';

const STATUS_AFTER = { close: 'closed', reopen: 'open' } as const;
const ALREADY = { close: 'That profile is already closed.', reopen: 'That profile is already open.' } as const;

/**
 * Closes or reopens the profile of `userId`, with the reason, audited as 'profile.closed' or
 * 'profile.reopened' by `actor` (a user UUID, or 'system'). 409 when it is already in that
 * state. Returns how many sessions ended.
 */
export async function applyProfileStatus(
  trx: Db,
  userId: number,
  action: ProfileStatusAction,
  actor: string,
  reason: string | null,
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
    await appendAudit(
      t,
      {
        action: action === 'close' ? 'profile.closed' : 'profile.reopened',
        actor,
        subject: user.uuid,
        workstationId,
        details: { ...(reason ? { reason } : {}), ...(action === 'close' ? { sessionsEnded } : {}) },
      },
      now,
    );
    return { sessionsEnded };
  });
}

type StatusOutcome = z.output<typeof ProfileStatusResponse>;

const OWN_PROFILE_REFUSED = 'You cannot close or reopen your own profile. Ask another member of your registration authority.';
const ALREADY_REQUESTED = 'A request to close or reopen this profile is already waiting for the Registration Authority.';

/**
 * POST /v1/users/:uuid/close and /reopen: RA staff do it now; a sponsor's is stored as a request
 * for RA staff to accept (the * of seed 004) and the profile is left as it was.
 */
export async function changeProfileStatus(
  ctx: ServiceContext,
  session: SessionContext,
  uuid: string,
  action: ProfileStatusAction,
  reason: string,
): Promise<StatusOutcome> {
  const target = await userByUuidOr404(ctx.db, uuid);
  const grant = authorizeOnUser(session, 'close-reopen-profile', await userOrgPaths(ctx.db, target.id, utcDate(ctx.now())));
  assertPlainText({ 'body.reason': reason }, { multiline: true });
  if (target.id === session.userId) throw forbidden(OWN_PROFILE_REFUSED);
  const now = ctx.now();

  if (grant === 'direct') {
    const { sessionsEnded } = await applyProfileStatus(ctx.db, target.id, action, session.userUuid, reason, now, session.workstationId);
    return { outcome: action === 'close' ? 'closed' : 'reopened', sessionsEnded };
  }
  if (grant !== 'by-request') throw forbidden('Your role does not allow that.');
  const requestId = await inTransaction(ctx.db, async (trx) => {
    const current = await trx.selectFrom('users').select('status').where('id', '=', target.id).executeTakeFirstOrThrow();
    // A request that could never be accepted is refused now, in the same words.
    if (current.status === STATUS_AFTER[action]) throw conflict(ALREADY[action]);
    const waiting = await trx.selectFrom('profile_status_requests').select('id').where('user_id', '=', target.id).where('status', '=', 'pending').executeTakeFirst();
    if (waiting) throw conflict(ALREADY_REQUESTED);
    const { id } = await trx
      .insertInto('profile_status_requests')
      .values({ user_id: target.id, action, reason, requested_by: session.userId, requested_at: now.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      { action: `profile.${action}-requested`, actor: session.userUuid, subject: target.uuid, workstationId: session.workstationId, details: { requestId: id, reason } },
      now,
    );
    return id;
  });
  return { outcome: 'requested', requestId, requestedAt: now.toISOString() };
}

/** GET /v1/users/:uuid/status-request: shown to whoever may view the profile. */
export async function pendingProfileStatus(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<z.output<typeof PendingProfileStatus>> {
  const target = await userByUuidOr404(ctx.db, uuid);
  if (target.id === session.userId) authorize(session, 'view-profile');
  else authorizeOnUser(session, 'view-profile', await userOrgPaths(ctx.db, target.id, utcDate(ctx.now())));
  const row = await ctx.db
    .selectFrom('profile_status_requests as r')
    .innerJoin('users as by', 'by.id', 'r.requested_by')
    .select(['r.id', 'r.action', 'r.reason', 'r.requested_at', fullName('by').as('requestedBy')])
    .where('r.user_id', '=', target.id)
    .where('r.status', '=', 'pending')
    .orderBy('r.id', 'desc')
    .executeTakeFirst();
  return {
    pending: row ? { id: row.id, action: row.action, reason: row.reason, requestedBy: row.requestedBy, requestedAt: isoDateTime(row.requested_at) } : null,
  };
}
