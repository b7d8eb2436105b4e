import { grantFor, type Activity } from '../../src-shared/domain/roles.js';
import type { RequestStatus, WaitingRequest } from '../../src-shared/api/cim-requests.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { authorizeOnUser, userOrgPaths } from './user-scope.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict, forbidden, notFound } from '../service-error.js';
import type { Db } from '../store/database.js';
import { assertPlainText } from './text-rules.js';
import { utcDate } from './dates.js';

// What deciding any request shares: who may, the reason a rejection needs, and marking the
// request decided only while it is still pending (two people deciding at once: one wins).

/** The stored requests decided here (position requests keep their own queue, position-requests.ts). */
export type DecidedTable = 'detail_change_requests' | 'profile_status_requests' | 'esr_requests';

export const FIELD_LABELS = {
  givenName: 'Given name',
  familyName: 'Family name',
  niNumber: 'National Insurance number',
  dateOfBirth: 'Date of birth',
  email: 'Email address',
  mobile: 'Mobile number',
} as const;
export type ChangedField = keyof typeof FIELD_LABELS;
export const CHANGED_FIELDS = Object.keys(FIELD_LABELS) as ChangedField[];

export const OWN_REQUEST = 'You cannot decide a request about your own profile.';

/**
 * Why the session may not decide a request about `userId` that needs `activity` done directly
 * (a sponsor's change or close request is theirs to raise, not to accept), or null when it may.
 */
export function whyNotDirect(session: SessionContext, activity: Activity, userId: number | null, refused: string): string | null {
  if (userId !== null && userId === session.userId) return OWN_REQUEST;
  return grantFor(session.roles, activity) === 'direct' ? null : refused;
}

/**
 * manage-requests on the request's user (or, for an ESR create, its organisation), then the rule of the request's kind (`whyNot`), then
 * that it still waits: 403 before 409, so nobody learns of requests outside their scope.
 */
export async function authorizeDecision(
  trx: Db,
  session: SessionContext,
  request: { userId: number; status: RequestStatus } | { orgPath: string | null; status: RequestStatus },
  whyNot: string | null,
  now: Date,
): Promise<void> {
  if ('userId' in request) authorizeOnUser(session, 'manage-requests', await userOrgPaths(trx, request.userId, utcDate(now)));
  else authorize(session, 'manage-requests', { orgPath: request.orgPath });
  if (whyNot !== null) throw forbidden(whyNot);
  if (request.status !== 'pending') throw conflict(`That request has already been ${request.status}.`);
}

export function checkReason(reason: string): void {
  assertPlainText({ 'body.reason': reason }, { multiline: true });
}

/** The stored request, or a 404 naming it. */
export function foundOr404<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw notFound(what);
  return row;
}

/** Marks a pending request decided; a 409 when someone decided it first. */
export async function markDecided(
  trx: Db,
  table: DecidedTable,
  id: number,
  session: SessionContext,
  status: 'accepted' | 'rejected',
  reason: string | null,
  now: Date,
): Promise<void> {
  const result = await trx
    .updateTable(table)
    .set({ status, decided_by: session.userId, decided_at: now.toISOString(), decision_reason: reason })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw conflict('That request has already been decided.');
}

/** A sponsor's stored request about a user, as deciding it reads it. */
export interface UserRequestRow {
  readonly user_id: number;
  readonly status: RequestStatus;
  /** The user's UUID: the audit entry's subject. */
  readonly uuid: string;
}

/** One kind of sponsor's request: where it is stored, how it is read and shown, and who may decide it. */
export interface UserRequestKind<R extends UserRequestRow> {
  readonly table: 'detail_change_requests' | 'profile_status_requests';
  /** The audit action's stem: 'detail-change-request' -> 'detail-change-request.accepted'. */
  readonly auditName: string;
  readonly load: (trx: Db, id: number) => Promise<R>;
  readonly whyNot: (session: SessionContext, row: R) => string | null;
  readonly view: (db: Db, session: SessionContext, today: string, id: number) => Promise<WaitingRequest | undefined>;
}

/**
 * Accepts (`apply` makes the change and returns facts for the audit) or rejects (with `reason`)
 * one request: scope, rule and status checked, the change, the decision and its audit entry in
 * one transaction. Returns the request as it now shows.
 */
export async function decideUserRequest<R extends UserRequestRow>(
  ctx: ServiceContext,
  session: SessionContext,
  kind: UserRequestKind<R>,
  id: number,
  decision: { readonly apply: (trx: Db, row: R, now: Date) => Promise<Record<string, unknown>> } | { readonly reason: string },
): Promise<WaitingRequest> {
  if ('reason' in decision) checkReason(decision.reason);
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await kind.load(trx, id);
    await authorizeDecision(trx, session, { userId: row.user_id, status: row.status }, kind.whyNot(session, row), now);
    const outcome = 'reason' in decision ? 'rejected' : 'accepted';
    const details = 'reason' in decision ? { reason: decision.reason } : await decision.apply(trx, row, now);
    await markDecided(trx, kind.table, id, session, outcome, 'reason' in decision ? decision.reason : null, now);
    await appendAudit(
      trx,
      { action: `${kind.auditName}.${outcome}`, actor: session.userUuid, subject: row.uuid, workstationId: session.workstationId, details: { requestId: id, ...details } },
      now,
    );
  });
  const view = await kind.view(ctx.db, session, utcDate(now), id);
  if (!view) throw new Error('a decided request left the scope it was decided in');
  return view;
}
