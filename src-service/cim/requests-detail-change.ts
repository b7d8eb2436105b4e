import type { RequestStatus, WaitingRequest } from '../../src-shared/api/cim-requests.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { applyDetailChanges, niNumberHeldByOther, type DetailChanges } from './apply-detail-changes.js';
import { isoDateTime } from './dates.js';
import { CHANGED_FIELDS, decideUserRequest, FIELD_LABELS, foundOr404, whyNotDirect, type UserRequestKind, type UserRequestRow } from './requests-decision.js';
import { userUnderSession } from './requests-scope.js';

// A sponsor's request to change a user's personal or contact details (stored by
// change-user-details.ts). Accepting applies the change as RA staff would have made it;
// rejecting needs a reason. Only those who may change details directly decide: a sponsor raises
// these requests and so cannot also accept them.

const SPONSOR_CANNOT = 'Only RA staff and ID checkers can accept or reject a change of details.';

function query(db: Db, session: SessionContext, today: string) {
  return db
    .selectFrom('detail_change_requests as r')
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
    .select([
      'r.id',
      'r.user_id',
      'r.changes',
      'r.status',
      'r.requested_at',
      'r.decision_reason',
      'u.uuid as user_uuid',
      'u.given_name',
      'u.family_name',
      'u.ni_number',
      'u.date_of_birth',
      'u.email',
      'u.mobile',
      'o.name as org_name',
    ])
    .select([fullName('u').as('user_name'), fullName('q').as('requester_name')])
    .orderBy('r.requested_at')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}
type Row = Awaited<ReturnType<typeof rows>>[number];

const parseChanges = (text: string): DetailChanges => JSON.parse(text) as DetailChanges;

function currentValue(row: Row, field: keyof DetailChanges): string | null {
  const current = { givenName: row.given_name, familyName: row.family_name, niNumber: row.ni_number, dateOfBirth: row.date_of_birth, email: row.email, mobile: row.mobile };
  return current[field];
}

function toView(session: SessionContext, row: Row): WaitingRequest {
  const changes = parseChanges(row.changes);
  const fields = CHANGED_FIELDS.filter((f) => changes[f] !== undefined);
  const whyNot = row.status === 'pending' ? whyNotDirect(session, 'change-user-details', row.user_id, SPONSOR_CANNOT) : 'This request has been decided.';
  return {
    kind: 'detail-change',
    id: row.id,
    status: row.status,
    user: { uuid: row.user_uuid, name: row.user_name },
    subjectName: row.user_name,
    organisation: row.org_name,
    summary: `Change ${fields.map((f) => FIELD_LABELS[f].toLowerCase()).join(', ')}`,
    details: fields.map((f) => ({ label: FIELD_LABELS[f], value: `${currentValue(row, f) ?? '(none)'} to ${changes[f] ?? ''}` })),
    requestedAt: isoDateTime(row.requested_at),
    requestedBy: row.requester_name,
    reason: row.decision_reason,
    existingProfile: null,
    mayDecide: whyNot === null,
    whyNot,
  };
}

export async function listDetailChangeRequests(db: Db, session: SessionContext, today: string, status: RequestStatus, limit: number): Promise<WaitingRequest[]> {
  return (await rows(db, session, today, { status }, limit)).map((row) => toView(session, row));
}

export async function countDetailChangeRequests(db: Db, session: SessionContext, today: string, status: RequestStatus): Promise<number> {
  const row = await query(db, session, today)
    .where('r.status', '=', status)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One request in the session's scope, or undefined. */
export async function detailChangeRequest(db: Db, session: SessionContext, today: string, id: number): Promise<WaitingRequest | undefined> {
  const [row] = await rows(db, session, today, { id }, 1);
  return row && toView(session, row);
}

interface Stored extends UserRequestRow {
  readonly changes: string;
}

/** The request as stored, whatever the scope: deciding checks the scope itself (a 403, not a 404). */
async function stored(trx: Db, id: number): Promise<Stored> {
  const row = await trx
    .selectFrom('detail_change_requests as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'r.changes', 'r.status', 'u.uuid'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  return foundOr404(row, 'That change of details request');
}

const KIND: UserRequestKind<Stored> = {
  table: 'detail_change_requests',
  auditName: 'detail-change-request',
  load: stored,
  whyNot: (session, row) => whyNotDirect(session, 'change-user-details', row.user_id, SPONSOR_CANNOT),
  view: detailChangeRequest,
};

/** POST /v1/detail-change-requests/:id/accept: the user's details change as asked. */
export function acceptDetailChange(ctx: ServiceContext, session: SessionContext, id: number): Promise<WaitingRequest> {
  return decideUserRequest(ctx, session, KIND, id, {
    apply: async (trx, row, now) => {
      const changes = parseChanges(row.changes);
      // Checked again: the number may have been given to someone else since the request.
      if (changes.niNumber !== undefined && (await niNumberHeldByOther(trx, changes.niNumber, row.user_id))) {
        throw conflict('That National Insurance number now belongs to another user: reject the request.');
      }
      await applyDetailChanges(trx, row.user_id, changes, now.getTime());
      return { fields: CHANGED_FIELDS.filter((f) => changes[f] !== undefined) };
    },
  });
}

/** POST /v1/detail-change-requests/:id/reject: nothing changes; the reason is kept and shown. */
export function rejectDetailChange(ctx: ServiceContext, session: SessionContext, id: number, reason: string): Promise<WaitingRequest> {
  return decideUserRequest(ctx, session, KIND, id, { reason });
}
