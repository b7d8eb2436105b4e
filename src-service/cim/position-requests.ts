import { fullName } from '../store/full-name.js';
import { sql } from 'kysely';
import type { z } from 'zod';
import { POSITION_TERM_DAYS, type PositionRequest } from '../../src-shared/api/service-cim.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict, forbidden, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { addDays, isoDateTime, utcDate } from './dates.js';
import { POSITION_COLUMNS, POSITION_JOINS, toPositionSummary, type PositionRow } from './position-summary.js';
import { assertPlainText } from './text-rules.js';

// Access positions by request (the CIM "Add access positions" task): a user asks for open
// positions from a start date, the end date fixed by the term; RA staff (and sponsors) in the
// position's organisation grant or reject from the Position Request List.

type PositionRequestView = z.infer<typeof PositionRequest>;
type RequestStatus = PositionRequestView['status'];

interface RequestRow extends PositionRow {
  id: number;
  user_id: number;
  user_uuid: string;
  user_name: string;
  requester_uuid: string;
  requester_name: string;
  start_date: string;
  end_date: string;
  status: RequestStatus;
  requested_at: string;
  reason: string | null;
}

const REQUEST_SELECT = sql`SELECT r.id, r.user_id, u.uuid AS user_uuid, ${fullName('u')} AS user_name,
       rq.uuid AS requester_uuid, ${fullName('rq')} AS requester_name,
       r.start_date, r.end_date, r.status, r.requested_at, r.reason, ${sql.raw(POSITION_COLUMNS)}
  FROM position_requests r JOIN users u ON u.id = r.user_id JOIN users rq ON rq.id = r.requested_by
  JOIN positions p ON p.id = r.position_id ${sql.raw(POSITION_JOINS)}`;

function toView(row: RequestRow): PositionRequestView {
  return {
    id: row.id,
    user: { uuid: row.user_uuid, name: row.user_name },
    requestedBy: { uuid: row.requester_uuid, name: row.requester_name },
    position: toPositionSummary(row),
    startDate: row.start_date,
    endDate: row.end_date,
    status: row.status,
    requestedAt: isoDateTime(row.requested_at),
    reason: row.reason,
  };
}

async function requestById(db: Db, id: number): Promise<RequestRow | undefined> {
  const { rows } = await sql<RequestRow>`${REQUEST_SELECT} WHERE r.id = ${id}`.execute(db);
  return rows[0];
}

async function requestViewById(db: Db, id: number): Promise<PositionRequestView> {
  const row = await requestById(db, id);
  if (!row) throw new Error('a position request vanished after it was written');
  return toView(row);
}

/** POST /v1/me/position-requests: all the positions are requested, or none is. */
export async function requestOwnPositions(
  ctx: ServiceContext,
  session: SessionContext,
  body: { positionIds: number[]; startDate: string },
): Promise<{ requests: PositionRequestView[] }> {
  authorize(session, 'request-own-positions');
  return createPositionRequests(ctx, session, { id: session.userId, uuid: session.userUuid }, body);
}

/**
 * Requests `body.positionIds` for `user` from the start date, the end date fixed by the term: all
 * of them or none. `checkPositions` (inside the transaction) may refuse positions the caller
 * cannot request for this user, with the fields at fault.
 */
export async function createPositionRequests(
  ctx: ServiceContext,
  session: SessionContext,
  user: { id: number; uuid: string },
  body: { positionIds: number[]; startDate: string },
  checkPositions: (trx: Db, positionIds: number[]) => Promise<{ path: string; message: string }[]> = () => Promise.resolve([]),
): Promise<{ requests: PositionRequestView[] }> {
  const now = ctx.now();
  const today = utcDate(now);

  const seen = new Set<number>();
  const repeated = body.positionIds.flatMap((id, i) => (seen.has(id) ? [{ path: `body.positionIds.${i}`, message: 'position listed twice' }] : (seen.add(id), [])));
  if (repeated.length > 0) throw badRequest('The request body is not valid.', repeated);
  // ISO dates compare correctly as strings.
  if (body.startDate < today) throw badRequest('The request body is not valid.', [{ path: 'body.startDate', message: 'the start date must not be in the past' }]);
  // The end date is fixed by the term: the requester chooses only when access begins.
  const endDate = addDays(body.startDate, POSITION_TERM_DAYS);
  if (endDate === undefined) throw badRequest('The request body is not valid.', [{ path: 'body.startDate', message: 'the start date is too far in the future' }]);

  const ids = await inTransaction(ctx.db, async (trx): Promise<number[]> => {
    const positions = await trx.selectFrom('positions').select(['id', 'closed']).where('id', 'in', body.positionIds).execute();
    const closedById = new Map(positions.map((p) => [p.id, p.closed]));
    const problems = body.positionIds.flatMap((id, i) => {
      const closed = closedById.get(id);
      if (closed === undefined) return [{ path: `body.positionIds.${i}`, message: 'no such position' }];
      if (closed === 1) return [{ path: `body.positionIds.${i}`, message: 'the position is closed' }];
      return [];
    });
    if (problems.length > 0) throw badRequest('Only open positions can be requested.', problems);
    const refused = await checkPositions(trx, body.positionIds);
    if (refused.length > 0) throw badRequest('Those positions cannot be requested for this user.', refused);

    const pending = await trx
      .selectFrom('position_requests')
      .select('position_id')
      .where('user_id', '=', user.id)
      .where('position_id', 'in', body.positionIds)
      .where('status', '=', 'pending')
      .execute();
    const pendingIds = new Set(pending.map((r) => r.position_id));
    const duplicate = body.positionIds.find((id) => pendingIds.has(id));
    if (duplicate !== undefined) {
      throw conflict(user.id === session.userId ? `You already have a pending request for position ${duplicate}.` : `This user already has a pending request for position ${duplicate}.`);
    }

    const created: number[] = [];
    for (const positionId of body.positionIds) {
      const { id } = await trx
        .insertInto('position_requests')
        .values({ user_id: user.id, position_id: positionId, start_date: body.startDate, end_date: endDate, requested_by: session.userId, requested_at: now.toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(
        trx,
        {
          action: 'position-request.created',
          actor: session.userUuid,
          subject: user.uuid,
          workstationId: session.workstationId,
          details: { requestId: id, positionId, startDate: body.startDate, endDate },
        },
        now,
      );
      created.push(id);
    }
    return created;
  });
  return { requests: await Promise.all(ids.map((id) => requestViewById(ctx.db, id))) };
}

/** Where a page of the list ends: the last request's time and id, opaque to the client. */
const encodeCursor = (row: { requested_at: string; id: number }): string => Buffer.from(`${row.requested_at}|${row.id}`).toString('base64url');

function decodeCursor(cursor: string): { requestedAt: string; id: number } {
  const [requestedAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const n = Number(id);
  if (!requestedAt || !Number.isSafeInteger(n) || n <= 0) throw badRequest('The request query is not valid.', [{ path: 'query.cursor', message: 'not a cursor from this list' }]);
  return { requestedAt, id: n };
}

/**
 * GET /v1/position-requests: the queue for positions in the session's subtree, oldest first, a
 * page at a time (a busy trust may have thousands waiting), with the whole list's count.
 */
export async function listPositionRequests(
  ctx: ServiceContext,
  session: SessionContext,
  query: { status: RequestStatus; limit: number; cursor?: string | undefined },
): Promise<{ requests: PositionRequestView[]; total: number; nextCursor: string | null }> {
  authorize(session, 'manage-requests');
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  // The subtree as a range of paths: every path that starts with the session's sorts inside it.
  const inList = sql`r.status = ${query.status} AND po.path >= ${session.orgPath} AND po.path < ${`${session.orgPath}\u{10FFFF}`}`;
  const page = after === undefined ? sql`` : sql`AND (r.requested_at, r.id) > (${after.requestedAt}, ${after.id})`;
  const { rows } = await sql<RequestRow>`${REQUEST_SELECT}
    WHERE ${inList} ${page}
    ORDER BY r.requested_at, r.id
    LIMIT ${query.limit + 1}`.execute(ctx.db);
  const { rows: counted } = await sql<{ n: number }>`SELECT COUNT(*) AS n
    FROM position_requests r JOIN positions p ON p.id = r.position_id JOIN organisations po ON po.id = p.org_id
    WHERE ${inList}`.execute(ctx.db);
  const more = rows.length > query.limit;
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return { requests: shown.map(toView), total: Number(counted[0]?.n ?? 0), nextCursor: more && last ? encodeCursor(last) : null };
}

/** One position request, when its position's organisation is in the session's subtree (else undefined). */
export async function positionRequestInScope(db: Db, session: SessionContext, id: number): Promise<PositionRequestView | undefined> {
  const row = await requestById(db, id);
  return row && inScope(session, row.org_path) ? toView(row) : undefined;
}

/** Loads a request and checks the session may decide it: manage-requests in the position's organisation. */
async function decidable(trx: Db, session: SessionContext, id: number): Promise<RequestRow> {
  const row = await requestById(trx, id);
  if (!row) throw notFound('That position request');
  authorize(session, 'manage-requests', { orgPath: row.org_path });
  if (row.status !== 'pending') throw conflict(`That request has already been ${row.status}.`);
  return row;
}

/** POST /v1/position-requests/:id/grant: the user gets the position for the requested dates. */
export async function grantPositionRequest(ctx: ServiceContext, session: SessionContext, id: number): Promise<PositionRequestView> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await decidable(trx, session, id);
    // Granting hands out access: nobody grants themselves, and a sponsor, who may assign only
    // assignable positions, cannot reach other positions through the queue either.
    if (row.user_id === session.userId) throw forbidden('You cannot grant your own position request.');
    if (grantFor(session.roles, 'assign-position') === 'assignable-only' && row.position_assignable !== 1) {
      throw forbidden('Only RA staff can grant a position that is not assignable.');
    }
    if (row.position_closed === 1) throw conflict('The position has been closed since it was requested.');
    const { id: assignmentId } = await trx
      .insertInto('position_assignments')
      .values({ user_id: row.user_id, position_id: row.position_id, start_date: row.start_date, end_date: row.end_date })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('position_requests')
      .set({ status: 'granted', decided_by: session.userId, decided_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      {
        action: 'position-request.granted',
        actor: session.userUuid,
        subject: row.user_uuid,
        workstationId: session.workstationId,
        details: { requestId: id, positionId: row.position_id, assignmentId, startDate: row.start_date, endDate: row.end_date },
      },
      now,
    );
  });
  return requestViewById(ctx.db, id);
}

/** POST /v1/position-requests/:id/reject: the reason is kept and shown with the request. */
export async function rejectPositionRequest(ctx: ServiceContext, session: SessionContext, id: number, reason: string): Promise<PositionRequestView> {
  assertPlainText({ 'body.reason': reason }, { multiline: true });
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await decidable(trx, session, id);
    await trx
      .updateTable('position_requests')
      .set({ status: 'rejected', reason, decided_by: session.userId, decided_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      {
        action: 'position-request.rejected',
        actor: session.userUuid,
        subject: row.user_uuid,
        workstationId: session.workstationId,
        details: { requestId: id, positionId: row.position_id, reason },
      },
      now,
    );
  });
  return requestViewById(ctx.db, id);
}

/** A user's own position requests, newest first, whatever became of them (their profile shows them). */
export async function positionRequestsOfUser(db: Db, userId: number): Promise<PositionRequestView[]> {
  const { rows } = await sql<RequestRow>`${REQUEST_SELECT} WHERE r.user_id = ${userId} ORDER BY r.requested_at DESC, r.id DESC`.execute(db);
  return rows.map(toView);
}
