import { sql } from 'kysely';
import type { z } from 'zod';
import type { Assignment, AssignmentChangesBody, UserAssignments } from '../../src-shared/api/cim-positions.js';
import { POSITION_TERM_DAYS } from '../../src-shared/api/service-cim.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict, forbidden, notFound, outOfScope } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { addDays, isoDateTime, utcDate } from './dates.js';
import { POSITION_COLUMNS, POSITION_JOINS, toPositionSummary, type PositionRow } from './position-summary.js';
import { userByUuidOr404, type UserRow } from './user-lookup.js';
import { activeAssignment, authorizeOnUser, userOrgPaths } from './user-scope.js';

// Managing a user's position assignments directly: assign (RA staff any open position, sponsors
// only assignable ones), change the dates, remove (kept, marked removed), see the ended ones, and
// (RAM, RAA(A)) change several at once, all or none. Every change is audited.

type AssignmentView = z.infer<typeof Assignment>;
type Change = z.infer<typeof AssignmentChangesBody>['changes'][number];

interface AssignmentRow extends PositionRow {
  id: number;
  user_id: number;
  start_date: string;
  end_date: string | null;
  removed_at: string | null;
}

const NOT_ASSIGNABLE = 'That position is not assignable: request it for the user with Add access positions instead.';

function stateOf(row: AssignmentRow, today: string): AssignmentView['state'] {
  if (row.removed_at !== null) return 'removed';
  if (row.end_date !== null && row.end_date < today) return 'ended';
  return row.start_date > today ? 'upcoming' : 'current';
}

const toView = (row: AssignmentRow, today: string): AssignmentView => ({
  id: row.id,
  position: toPositionSummary(row),
  startDate: row.start_date,
  endDate: row.end_date,
  removedAt: row.removed_at === null ? null : isoDateTime(row.removed_at),
  state: stateOf(row, today),
});

const ASSIGNMENT_SELECT = sql`SELECT pa.id, pa.user_id, pa.start_date, pa.end_date, pa.removed_at, ${sql.raw(POSITION_COLUMNS)}
  FROM position_assignments pa JOIN positions p ON p.id = pa.position_id ${sql.raw(POSITION_JOINS)}`;

async function assignmentsOf(db: Db, userId: number, today: string, all: boolean): Promise<AssignmentRow[]> {
  const active = all ? sql`` : sql`AND ${activeAssignment(today)}`;
  const { rows } = await sql<AssignmentRow>`${ASSIGNMENT_SELECT} WHERE pa.user_id = ${userId} ${active} ORDER BY pa.start_date, pa.id`.execute(db);
  return rows;
}

async function assignmentOf(db: Db, userId: number, id: number): Promise<AssignmentRow> {
  const { rows } = await sql<AssignmentRow>`${ASSIGNMENT_SELECT} WHERE pa.id = ${id} AND pa.user_id = ${userId}`.execute(db);
  if (!rows[0]) throw notFound('That assignment');
  return rows[0];
}

const userView = (user: UserRow) => ({ uuid: user.uuid, name: `${user.given_name} ${user.family_name}` });

/** The user, with the session allowed to do `activity` to their assignments. */
async function target(ctx: ServiceContext, session: SessionContext, uuid: string, activity: 'assign-position' | 'manage-multiple-assignments', today: string) {
  const user = await userByUuidOr404(ctx.db, uuid);
  const grant = authorizeOnUser(session, activity, await userOrgPaths(ctx.db, user.id, today));
  return { user, grant };
}

/** Giving access is for someone else to do: nobody changes their own assignments. */
function notOwn(session: SessionContext, user: UserRow): void {
  if (user.id === session.userId) throw forbidden('You cannot assign or change your own positions.');
}

/** The session may touch assignments of this position: in its scope, and (sponsors) assignable. */
function mayTouch(session: SessionContext, position: { org_path: string; position_assignable: number }, sponsorOnly: boolean): void {
  if (!inScope(session, position.org_path)) throw outOfScope('That position is outside your organisation and its child organisations.');
  if (sponsorOnly && position.position_assignable !== 1) throw forbidden(NOT_ASSIGNABLE);
}

/** GET /v1/users/:uuid/assignments: current and upcoming; include=all adds ended and removed. */
export async function listAssignments(ctx: ServiceContext, session: SessionContext, uuid: string, include: 'active' | 'all'): Promise<z.infer<typeof UserAssignments>> {
  const today = utcDate(ctx.now());
  const { user } = await target(ctx, session, uuid, 'assign-position', today);
  if (include === 'all') authorizeOnUser(session, 'view-ended-assignments', await userOrgPaths(ctx.db, user.id, today));
  const rows = await assignmentsOf(ctx.db, user.id, today, include === 'all');
  return { user: userView(user), assignments: rows.map((r) => toView(r, today)) };
}

/** POST /v1/users/:uuid/assignments. */
export async function assignPosition(
  ctx: ServiceContext,
  session: SessionContext,
  uuid: string,
  body: { positionId: number; startDate: string; endDate?: string | undefined },
): Promise<AssignmentView> {
  const now = ctx.now();
  const today = utcDate(now);
  const { user, grant } = await target(ctx, session, uuid, 'assign-position', today);
  notOwn(session, user);
  if (body.startDate < today) throw badRequest('The request body is not valid.', [{ path: 'body.startDate', message: 'the start date must not be in the past' }]);
  const endDate = body.endDate ?? addDays(body.startDate, POSITION_TERM_DAYS);
  if (endDate === undefined) throw badRequest('The request body is not valid.', [{ path: 'body.startDate', message: 'the start date is too far in the future' }]);
  const id = await inTransaction(ctx.db, async (trx) => {
    const { rows } = await sql<PositionRow>`SELECT ${sql.raw(POSITION_COLUMNS)} FROM positions p ${sql.raw(POSITION_JOINS)} WHERE p.id = ${body.positionId}`.execute(trx);
    const position = rows[0];
    if (!position) throw badRequest('The request body is not valid.', [{ path: 'body.positionId', message: 'no such position' }]);
    if (position.position_closed === 1) throw badRequest('The request body is not valid.', [{ path: 'body.positionId', message: 'the position is closed' }]);
    mayTouch(session, position, grant === 'assignable-only');
    const held = await trx
      .selectFrom('position_assignments as pa')
      .select('pa.id')
      .where('pa.user_id', '=', user.id)
      .where('pa.position_id', '=', body.positionId)
      .where(activeAssignment(today))
      .executeTakeFirst();
    if (held) throw conflict('The user already holds that position.');
    const { id: assignmentId } = await trx
      .insertInto('position_assignments')
      .values({ user_id: user.id, position_id: body.positionId, start_date: body.startDate, end_date: endDate })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      {
        action: 'position-assignment.created',
        actor: session.userUuid,
        subject: user.uuid,
        workstationId: session.workstationId,
        details: { assignmentId, positionId: body.positionId, startDate: body.startDate, endDate },
      },
      now,
    );
    return assignmentId;
  });
  return toView(await assignmentOf(ctx.db, user.id, id), today);
}

/** One change to one assignment, inside the caller's transaction; `at` names the body's fields. */
async function applyChange(trx: Db, session: SessionContext, user: UserRow, change: Change, sponsorOnly: boolean, now: Date, at: string): Promise<void> {
  const today = utcDate(now);
  const row = await assignmentOf(trx, user.id, change.id);
  mayTouch(session, row, sponsorOnly);
  const state = stateOf(row, today);
  if (state === 'removed' || state === 'ended') throw conflict(`That assignment has already ${state === 'removed' ? 'been removed' : 'ended'}; it cannot be changed.`);
  const audit = { actor: session.userUuid, subject: user.uuid, workstationId: session.workstationId };
  if (change.action === 'remove') {
    await trx.updateTable('position_assignments').set({ removed_at: now.toISOString() }).where('id', '=', row.id).execute();
    await appendAudit(trx, { ...audit, action: 'position-assignment.removed', details: { assignmentId: row.id, positionId: row.position_id } }, now);
    return;
  }
  const startDate = change.startDate ?? row.start_date;
  const endDate = change.endDate ?? row.end_date;
  const problems = [
    ...(change.startDate !== undefined && change.startDate !== row.start_date && change.startDate < today ? [{ path: `${at}.startDate`, message: 'the start date must not be in the past' }] : []),
    ...(change.endDate !== undefined && change.endDate < today ? [{ path: `${at}.endDate`, message: 'the end date must not be in the past' }] : []),
    ...(endDate !== null && endDate < startDate ? [{ path: `${at}.endDate`, message: 'the end date must not be before the start date' }] : []),
  ];
  if (problems.length > 0) throw badRequest('The request body is not valid.', problems);
  await trx.updateTable('position_assignments').set({ start_date: startDate, end_date: endDate }).where('id', '=', row.id).execute();
  await appendAudit(
    trx,
    {
      ...audit,
      action: 'position-assignment.changed',
      details: { assignmentId: row.id, positionId: row.position_id, from: { startDate: row.start_date, endDate: row.end_date }, to: { startDate, endDate } },
    },
    now,
  );
}

/** PATCH /v1/users/:uuid/assignments/:id and POST .../remove. */
export async function changeAssignment(ctx: ServiceContext, session: SessionContext, uuid: string, change: Change): Promise<AssignmentView> {
  const now = ctx.now();
  const today = utcDate(now);
  const { user, grant } = await target(ctx, session, uuid, 'assign-position', today);
  notOwn(session, user);
  await inTransaction(ctx.db, (trx) => applyChange(trx, session, user, change, grant === 'assignable-only', now, 'body'));
  return toView(await assignmentOf(ctx.db, user.id, change.id), today);
}

/** POST /v1/users/:uuid/assignments/changes: every change is made, or none. */
export async function changeAssignments(ctx: ServiceContext, session: SessionContext, uuid: string, changes: Change[]): Promise<z.infer<typeof UserAssignments>> {
  const now = ctx.now();
  const today = utcDate(now);
  const { user } = await target(ctx, session, uuid, 'manage-multiple-assignments', today);
  notOwn(session, user);
  const seen = new Set<number>();
  const repeated = changes.flatMap((c, i) => (seen.has(c.id) ? [{ path: `body.changes.${i}.id`, message: 'assignment listed twice' }] : (seen.add(c.id), [])));
  if (repeated.length > 0) throw badRequest('The request body is not valid.', repeated);
  authorize(session, 'assign-position');
  await inTransaction(ctx.db, async (trx) => {
    for (const [i, change] of changes.entries()) await applyChange(trx, session, user, change, false, now, `body.changes.${i}`);
  });
  return { user: userView(user), assignments: (await assignmentsOf(ctx.db, user.id, today, false)).map((r) => toView(r, today)) };
}
