import type { RequestStatus, WaitingRequest } from '../../src-shared/api/cim-requests.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { isoDateTime } from './dates.js';
import { applyProfileStatus } from './profile-status.js';
import { decideUserRequest, foundOr404, whyNotDirect, type UserRequestKind, type UserRequestRow } from './requests-decision.js';
import { userUnderSession } from './requests-scope.js';

// A sponsor's request to close or reopen a profile (profile_status_requests). Accepting closes or
// reopens it (applyProfileStatus) with the sponsor's reason; rejecting needs a reason of its
// own. Only those who may close and reopen profiles directly decide: RA staff.

const SPONSOR_CANNOT = 'Only RA staff can accept or reject a request to close or reopen a profile.';
const ACTION_WORDS = { close: 'Close the profile', reopen: 'Reopen the profile' } as const;

function query(db: Db, session: SessionContext, today: string) {
  return db
    .selectFrom('profile_status_requests as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('organisations as o', 'o.id', 'u.home_org_id')
    .innerJoin('users as q', 'q.id', 'r.requested_by')
    .where(userUnderSession(session, 'r.user_id', today));
}

async function rows(db: Db, session: SessionContext, today: string, filter: { status?: RequestStatus; id?: number }, limit: number) {
  let q = query(db, session, today);
  if (filter.status !== undefined) q = q.where('r.status', '=', filter.status);
  if (filter.id !== undefined) q = q.where('r.id', '=', filter.id);
  return q
    .select(['r.id', 'r.user_id', 'r.action', 'r.reason', 'r.status', 'r.requested_at', 'r.decision_reason', 'u.uuid as user_uuid', 'u.status as user_status', 'o.name as org_name'])
    .select([fullName('u').as('user_name'), fullName('q').as('requester_name')])
    .orderBy('r.requested_at')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}
type Row = Awaited<ReturnType<typeof rows>>[number];

function toView(session: SessionContext, row: Row): WaitingRequest {
  const whyNot = row.status === 'pending' ? whyNotDirect(session, 'close-reopen-profile', row.user_id, SPONSOR_CANNOT) : 'This request has been decided.';
  return {
    kind: 'profile-status',
    id: row.id,
    status: row.status,
    user: { uuid: row.user_uuid, name: row.user_name },
    subjectName: row.user_name,
    organisation: row.org_name,
    summary: ACTION_WORDS[row.action],
    details: [
      { label: 'Profile status now', value: row.user_status === 'open' ? 'Open' : 'Closed' },
      { label: 'Reason given', value: row.reason },
    ],
    requestedAt: isoDateTime(row.requested_at),
    requestedBy: row.requester_name,
    reason: row.decision_reason,
    existingProfile: null,
    mayDecide: whyNot === null,
    whyNot,
  };
}

export async function listProfileStatusRequests(db: Db, session: SessionContext, today: string, status: RequestStatus, limit: number): Promise<WaitingRequest[]> {
  return (await rows(db, session, today, { status }, limit)).map((row) => toView(session, row));
}

export async function countProfileStatusRequests(db: Db, session: SessionContext, today: string, status: RequestStatus): Promise<number> {
  const row = await query(db, session, today)
    .where('r.status', '=', status)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function profileStatusRequest(db: Db, session: SessionContext, today: string, id: number): Promise<WaitingRequest | undefined> {
  const [row] = await rows(db, session, today, { id }, 1);
  return row && toView(session, row);
}

interface Stored extends UserRequestRow {
  readonly action: 'close' | 'reopen';
  readonly reason: string;
}

async function stored(trx: Db, id: number): Promise<Stored> {
  const row = await trx
    .selectFrom('profile_status_requests as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'r.action', 'r.reason', 'r.status', 'u.uuid'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  return foundOr404(row, 'That close or reopen request');
}

const KIND: UserRequestKind<Stored> = {
  table: 'profile_status_requests',
  auditName: 'profile-status-request',
  load: stored,
  whyNot: (session, row) => whyNotDirect(session, 'close-reopen-profile', row.user_id, SPONSOR_CANNOT),
  view: profileStatusRequest,
};

/** POST /v1/profile-status-requests/:id/accept: the profile is closed or reopened, with the request's reason. */
export function acceptProfileStatus(ctx: ServiceContext, session: SessionContext, id: number): Promise<WaitingRequest> {
  return decideUserRequest(ctx, session, KIND, id, {
    apply: async (trx, row, now) => {
      await applyProfileStatus(trx, row.user_id, row.action, session.userUuid, row.reason, now, session.workstationId);
      return { action: row.action };
    },
  });
}

/** POST /v1/profile-status-requests/:id/reject: the profile stays as it is; the reason is kept and shown. */
export function rejectProfileStatus(ctx: ServiceContext, session: SessionContext, id: number, reason: string): Promise<WaitingRequest> {
  return decideUserRequest(ctx, session, KIND, id, { reason });
}
