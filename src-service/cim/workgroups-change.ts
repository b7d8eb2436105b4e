import { sql, type SqlBool } from 'kysely';
import type { Workgroup, WorkgroupAssignment } from '../../src-shared/api/cim-workgroups.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { utcDate } from './dates.js';
import { normaliseSearch } from './find-users.js';
import { assertPlainText } from './text-rules.js';
import { userByUuidOr404 } from './user-lookup.js';
import { authorizeOnUser, userOrgPaths } from './user-scope.js';
import { organisationByCode } from './workgroups-view.js';
import {
  assignmentOf,
  liveWorkgroupAssignment,
  toAssignment,
  toWorkgroup,
  WORKGROUP_ACTIVITY,
  workgroupInScope,
  workgroupRows,
  workgroupSubject,
  type WorkgroupRow,
} from './workgroups-read.js';

// Changing workgroups: create, assign to a user, edit an assignment's dates, remove an
// assignment, close. Each checks the role and the workgroup's organisation against the
// session's subtree, and writes its change and its audit entry (subject: the workgroup, so the
// entry is a line of the workgroup's history) in one transaction.

type Dates = { startDate: string; endDate: string | null };

/** After any date in the contracts: an open end. */
const OPEN_END = '9999-12-31';

function audit(trx: Db, session: SessionContext, now: Date, action: string, workgroupId: number, details: Record<string, unknown>): Promise<void> {
  return appendAudit(trx, { action, actor: session.userUuid, subject: workgroupSubject(workgroupId), workstationId: session.workstationId, details: { workgroupId, ...details } }, now);
}

async function reloaded(trx: Db, id: number, today: string): Promise<Workgroup> {
  return toWorkgroup(await workgroupRows(trx, today).where('w.id', '=', id).executeTakeFirstOrThrow());
}

/** POST /v1/workgroups. */
export async function createWorkgroup(ctx: ServiceContext, session: SessionContext, body: { organisationCode: string; name: string; description: string }): Promise<Workgroup> {
  authorize(session, WORKGROUP_ACTIVITY);
  assertPlainText({ 'body.name': body.name });
  assertPlainText({ 'body.description': body.description }, { multiline: true });
  const now = ctx.now();
  const nameNorm = normaliseSearch(body.name);
  return inTransaction(ctx.db, async (trx) => {
    const organisation = await organisationByCode(trx, body.organisationCode, 'body.organisationCode');
    authorize(session, WORKGROUP_ACTIVITY, { orgPath: organisation.path });
    const same = await trx.selectFrom('workgroups').select('id').where('org_id', '=', organisation.id).where('name_norm', '=', nameNorm).where('closed_at', 'is', null).executeTakeFirst();
    if (same) throw conflict(`${organisation.name} already has an open workgroup called ${body.name}.`);
    const { id } = await trx
      .insertInto('workgroups')
      .values({ org_id: organisation.id, name: body.name, name_norm: nameNorm, description: body.description, created_at: now.toISOString(), created_by: session.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, session, now, 'workgroup.created', id, { organisationCode: organisation.code, name: body.name });
    return reloaded(trx, id, utcDate(now));
  });
}

function refuseClosed(workgroup: WorkgroupRow, doing: string): void {
  if (workgroup.closedAt !== null) throw conflict(`${workgroup.name} is closed: closed workgroups cannot be ${doing}.`);
}

/** Dates for an assignment from `today` on: a start kept as it was may lie in the past. */
function checkDates(dates: Dates, today: string, keptStart?: string): void {
  const problems: { path: string; message: string }[] = [];
  if (dates.startDate < today && dates.startDate !== keptStart) problems.push({ path: 'body.startDate', message: 'the start date must be today or later' });
  if (dates.endDate !== null && dates.endDate < today) problems.push({ path: 'body.endDate', message: 'the end date must be today or later' });
  if (problems.length > 0) throw badRequest('The request body is not valid.', problems);
}

/** 409 when the user has another live assignment of the workgroup whose dates meet `dates`. */
async function refuseOverlap(trx: Db, workgroupId: number, userId: number, dates: Dates, today: string, except?: number): Promise<void> {
  let others = trx
    .selectFrom('workgroup_assignments as wa')
    .select(['wa.start_date as startDate', 'wa.end_date as endDate'])
    .where('wa.workgroup_id', '=', workgroupId)
    .where('wa.user_id', '=', userId)
    .where(liveWorkgroupAssignment(today))
    .where('wa.start_date', '<=', dates.endDate ?? OPEN_END)
    .where(sql<SqlBool>`COALESCE(wa.end_date, ${OPEN_END}) >= ${dates.startDate}`);
  if (except !== undefined) others = others.where('wa.id', '<>', except);
  const other = await others.orderBy('wa.start_date').executeTakeFirst();
  if (other) {
    const until = other.endDate === null ? 'with no end date' : `until ${other.endDate}`;
    throw conflict(`The user already has this workgroup from ${other.startDate} ${until}: the dates would overlap.`);
  }
}

/** POST /v1/workgroups/:id/assignments: the user must be in the session's subtree too. */
export async function assignWorkgroup(ctx: ServiceContext, session: SessionContext, id: number, body: Dates & { userUuid: string }): Promise<WorkgroupAssignment> {
  const now = ctx.now();
  const today = utcDate(now);
  return inTransaction(ctx.db, async (trx) => {
    const workgroup = await workgroupInScope(trx, session, id, today);
    const user = await userByUuidOr404(trx, body.userUuid);
    authorizeOnUser(session, WORKGROUP_ACTIVITY, await userOrgPaths(trx, user.id, today));
    refuseClosed(workgroup, 'assigned');
    if (user.status === 'closed') throw conflict('That user profile is closed: it cannot be given a workgroup.');
    checkDates(body, today);
    await refuseOverlap(trx, id, user.id, body, today);
    const { id: assignmentId } = await trx
      .insertInto('workgroup_assignments')
      .values({ workgroup_id: id, user_id: user.id, start_date: body.startDate, end_date: body.endDate, assigned_by: session.userId, assigned_at: now.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, session, now, 'workgroup.assigned', id, { assignmentId, userUuid: user.uuid, startDate: body.startDate, endDate: body.endDate });
    return toAssignment(await assignmentOf(trx, id, assignmentId));
  });
}

/** A live assignment of an open workgroup in scope, for a change to it. */
async function changeable(trx: Db, session: SessionContext, id: number, assignmentId: number, today: string, doing: string) {
  const workgroup = await workgroupInScope(trx, session, id, today);
  const assignment = await assignmentOf(trx, id, assignmentId);
  refuseClosed(workgroup, doing);
  if (assignment.removedAt !== null) throw conflict('That assignment has been removed.');
  if (assignment.endDate !== null && assignment.endDate < today) throw conflict('That assignment has already ended.');
  return assignment;
}

/** PATCH /v1/workgroups/:id/assignments/:assignmentId. */
export async function editWorkgroupDates(ctx: ServiceContext, session: SessionContext, id: number, assignmentId: number, body: Dates): Promise<WorkgroupAssignment> {
  const now = ctx.now();
  const today = utcDate(now);
  return inTransaction(ctx.db, async (trx) => {
    const assignment = await changeable(trx, session, id, assignmentId, today, 'changed');
    checkDates(body, today, assignment.startDate);
    await refuseOverlap(trx, id, assignment.userId, body, today, assignmentId);
    await trx.updateTable('workgroup_assignments').set({ start_date: body.startDate, end_date: body.endDate }).where('id', '=', assignmentId).execute();
    await audit(trx, session, now, 'workgroup.dates-edited', id, {
      assignmentId,
      userUuid: assignment.userUuid,
      startDate: body.startDate,
      endDate: body.endDate,
      from: { startDate: assignment.startDate, endDate: assignment.endDate },
    });
    return toAssignment(await assignmentOf(trx, id, assignmentId));
  });
}

/** DELETE /v1/workgroups/:id/assignments/:assignmentId: the row stays, marked removed, for the history. */
export async function removeWorkgroupAssignment(ctx: ServiceContext, session: SessionContext, id: number, assignmentId: number): Promise<{ removed: WorkgroupAssignment }> {
  const now = ctx.now();
  const today = utcDate(now);
  return inTransaction(ctx.db, async (trx) => {
    const assignment = await changeable(trx, session, id, assignmentId, today, 'changed');
    await trx.updateTable('workgroup_assignments').set({ removed_at: now.toISOString(), removed_by: session.userId }).where('id', '=', assignmentId).execute();
    await audit(trx, session, now, 'workgroup.assignment-removed', id, { assignmentId, userUuid: assignment.userUuid, startDate: assignment.startDate, endDate: assignment.endDate });
    return { removed: toAssignment(assignment) };
  });
}

/**
 * POST /v1/workgroups/:id/close: live assignments that have started end today; those not yet
 * started are removed (they would otherwise end before they begin). The caller names the count
 * it warned the user of, so a close never ends assignments the user was not told about.
 */
export async function closeWorkgroup(ctx: ServiceContext, session: SessionContext, id: number, endingAssignments: number): Promise<Workgroup> {
  const now = ctx.now();
  const today = utcDate(now);
  return inTransaction(ctx.db, async (trx) => {
    const workgroup = await workgroupInScope(trx, session, id, today);
    if (workgroup.closedAt !== null) throw conflict(`${workgroup.name} is already closed.`);
    const live = Number(workgroup.live ?? 0);
    if (live !== endingAssignments) {
      throw conflict(`${workgroup.name} now has ${live} current ${live === 1 ? 'assignment' : 'assignments'}, not ${endingAssignments}: check its members and close it again.`);
    }
    await trx
      .updateTable('workgroup_assignments as wa')
      .set({ end_date: today })
      .where('wa.workgroup_id', '=', id)
      .where(liveWorkgroupAssignment(today))
      .where('wa.start_date', '<=', today)
      .execute();
    await trx
      .updateTable('workgroup_assignments as wa')
      .set({ removed_at: now.toISOString(), removed_by: session.userId })
      .where('wa.workgroup_id', '=', id)
      .where(liveWorkgroupAssignment(today))
      .where('wa.start_date', '>', today)
      .execute();
    await trx.updateTable('workgroups').set({ closed_at: now.toISOString(), closed_by: session.userId }).where('id', '=', id).execute();
    await audit(trx, session, now, 'workgroup.closed', id, { endedAssignments: live });
    return reloaded(trx, id, today);
  });
}
