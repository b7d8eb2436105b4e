import type { z } from 'zod';
import { POSITION_TERM_DAYS, type PositionRequest } from '../../src-shared/api/service-cim.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict, forbidden, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
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
  start_date: string;
  end_date: string;
  status: RequestStatus;
  requested_at: string;
  reason: string | null;
}

const REQUEST_SELECT = `SELECT r.id, r.user_id, u.uuid AS user_uuid, u.given_name || ' ' || u.family_name AS user_name,
       r.start_date, r.end_date, r.status, r.requested_at, r.reason, ${POSITION_COLUMNS}
  FROM position_requests r JOIN users u ON u.id = r.user_id JOIN positions p ON p.id = r.position_id ${POSITION_JOINS}`;

function toView(row: RequestRow): PositionRequestView {
  return {
    id: row.id,
    user: { uuid: row.user_uuid, name: row.user_name },
    position: toPositionSummary(row),
    startDate: row.start_date,
    endDate: row.end_date,
    status: row.status,
    requestedAt: isoDateTime(row.requested_at),
    reason: row.reason,
  };
}

function requestById(ctx: ServiceContext, id: number): RequestRow | undefined {
  return ctx.db.prepare(`${REQUEST_SELECT} WHERE r.id = ?`).get(id) as RequestRow | undefined;
}

/** POST /v1/me/position-requests: all the positions are requested, or none is. */
export function requestOwnPositions(
  ctx: ServiceContext,
  session: SessionContext,
  body: { positionIds: number[]; startDate: string },
): { requests: PositionRequestView[] } {
  authorize(session, 'request-own-positions');
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

  const create = ctx.db.transaction((): number[] => {
    const positionState = ctx.db.prepare('SELECT closed FROM positions WHERE id = ?').pluck();
    const problems = body.positionIds.flatMap((id, i) => {
      const closed = positionState.get(id) as number | undefined;
      if (closed === undefined) return [{ path: `body.positionIds.${i}`, message: 'no such position' }];
      if (closed === 1) return [{ path: `body.positionIds.${i}`, message: 'the position is closed' }];
      return [];
    });
    if (problems.length > 0) throw badRequest('Only open positions can be requested.', problems);

    const pending = ctx.db.prepare("SELECT 1 FROM position_requests WHERE user_id = ? AND position_id = ? AND status = 'pending'").pluck();
    const duplicate = body.positionIds.find((id) => pending.get(session.userId, id) !== undefined);
    if (duplicate !== undefined) throw conflict(`You already have a pending request for position ${duplicate}.`);

    const insert = ctx.db.prepare(
      'INSERT INTO position_requests (user_id, position_id, start_date, end_date, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return body.positionIds.map((positionId) => {
      const id = Number(insert.run(session.userId, positionId, body.startDate, endDate, session.userId, now.toISOString()).lastInsertRowid);
      appendAudit(
        ctx.db,
        {
          action: 'position-request.created',
          actor: session.userUuid,
          subject: session.userUuid,
          workstationId: session.workstationId,
          details: { requestId: id, positionId, startDate: body.startDate, endDate },
        },
        now,
      );
      return id;
    });
  });
  const ids = create.immediate();
  return { requests: ids.map((id) => toView(requestById(ctx, id) as RequestRow)) };
}

/** GET /v1/position-requests: the queue for positions in the session's subtree. */
export function listPositionRequests(ctx: ServiceContext, session: SessionContext, status: RequestStatus): { requests: PositionRequestView[] } {
  authorize(session, 'manage-requests');
  const rows = ctx.db
    .prepare(`${REQUEST_SELECT} WHERE r.status = @status AND substr(po.path, 1, length(@orgPath)) = @orgPath ORDER BY r.requested_at, r.id`)
    .all({ status, orgPath: session.orgPath }) as RequestRow[];
  return { requests: rows.map(toView) };
}

/** Loads a request and checks the session may decide it: manage-requests in the position's organisation. */
function decidable(ctx: ServiceContext, session: SessionContext, id: number): RequestRow {
  const row = requestById(ctx, id);
  if (!row) throw notFound('That position request');
  authorize(session, 'manage-requests', { orgPath: row.org_path });
  if (row.status !== 'pending') throw conflict(`That request has already been ${row.status}.`);
  return row;
}

/** POST /v1/position-requests/:id/grant: the user gets the position for the requested dates. */
export function grantPositionRequest(ctx: ServiceContext, session: SessionContext, id: number): PositionRequestView {
  const now = ctx.now();
  ctx.db
    .transaction(() => {
      const row = decidable(ctx, session, id);
      // Granting hands out access: nobody grants themselves, and a sponsor, who may assign only
      // assignable positions, cannot reach other positions through the queue either.
      if (row.user_id === session.userId) throw forbidden('You cannot grant your own position request.');
      if (grantFor(session.roles, 'assign-position') === 'assignable-only' && row.position_assignable !== 1) {
        throw forbidden('Only RA staff can grant a position that is not assignable.');
      }
      if (row.position_closed === 1) throw conflict('The position has been closed since it was requested.');
      const assignmentId = Number(
        ctx.db
          .prepare('INSERT INTO position_assignments (user_id, position_id, start_date, end_date) VALUES (?, ?, ?, ?)')
          .run(row.user_id, row.position_id, row.start_date, row.end_date).lastInsertRowid,
      );
      ctx.db
        .prepare("UPDATE position_requests SET status = 'granted', decided_by = ?, decided_at = ? WHERE id = ?")
        .run(session.userId, now.toISOString(), id);
      appendAudit(
        ctx.db,
        {
          action: 'position-request.granted',
          actor: session.userUuid,
          subject: row.user_uuid,
          workstationId: session.workstationId,
          details: { requestId: id, positionId: row.position_id, assignmentId, startDate: row.start_date, endDate: row.end_date },
        },
        now,
      );
    })
    .immediate();
  return toView(requestById(ctx, id) as RequestRow);
}

/** POST /v1/position-requests/:id/reject: the reason is kept and shown with the request. */
export function rejectPositionRequest(ctx: ServiceContext, session: SessionContext, id: number, reason: string): PositionRequestView {
  assertPlainText({ 'body.reason': reason }, { multiline: true });
  const now = ctx.now();
  ctx.db
    .transaction(() => {
      const row = decidable(ctx, session, id);
      ctx.db
        .prepare("UPDATE position_requests SET status = 'rejected', reason = ?, decided_by = ?, decided_at = ? WHERE id = ?")
        .run(reason, session.userId, now.toISOString(), id);
      appendAudit(
        ctx.db,
        {
          action: 'position-request.rejected',
          actor: session.userUuid,
          subject: row.user_uuid,
          workstationId: session.workstationId,
          details: { requestId: id, positionId: row.position_id, reason },
        },
        now,
      );
    })
    .immediate();
  return toView(requestById(ctx, id) as RequestRow);
}
