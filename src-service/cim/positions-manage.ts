import type { z } from 'zod';
import { POSITION_CLOSED_REASON, type ClosePositionResponse, type OrganisationPositions, type PositionDetail } from '../../src-shared/api/cim-positions.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict, forbidden } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { utcDate } from './dates.js';
import { organisationPositionDetails, positionDetailOr404, toDetail, type PositionWithOrg } from './positions-detail.js';
import { organisationByCodeOr400, organisationsInScope, toOrgSummary } from './positions-orgs.js';
import { assertPlainText } from './text-rules.js';
import { activeAssignment } from './user-scope.js';

// An organisation's positions (Manage access: positions): find and view them (RA staff), and
// (RAM, RAA(A)) create, copy, edit, choose which sponsors may assign, and close them. Closing
// ends the position's assignments today and rejects its waiting requests, all in one go.

interface PositionFields {
  title: string;
  jobRole: string;
  roles: RoleCode[];
  assignable: boolean;
  workgroupIds: number[];
}

/** GET /v1/positions?organisation=CODE: the session's own organisation unless one is named. */
export async function organisationPositions(
  ctx: ServiceContext,
  session: SessionContext,
  query: { organisation?: string | undefined; status: 'open' | 'closed' | 'all' },
): Promise<z.infer<typeof OrganisationPositions>> {
  authorize(session, 'view-positions');
  const offered = await organisationsInScope(ctx.db, session);
  const chosen = query.organisation === undefined ? offered[0] : await organisationByCodeOr400(ctx.db, query.organisation, 'query.organisation');
  if (!chosen) throw new Error("the session's own organisation is missing");
  authorize(session, 'view-positions', { orgPath: chosen.path });
  const positions = await organisationPositionDetails(ctx.db, chosen.id, query.status, utcDate(ctx.now()));
  const workgroups = await ctx.db.selectFrom('workgroups').select(['id', 'name']).where('org_id', '=', chosen.id).where('closed_at', 'is', null).orderBy('name').orderBy('id').execute();
  return { organisations: offered.map(toOrgSummary), organisation: toOrgSummary(chosen), positions: positions.map(toDetail), workgroups };
}

/** GET /v1/positions/:id. */
export async function viewPosition(ctx: ServiceContext, session: SessionContext, id: number): Promise<PositionDetail> {
  const position = await positionDetailOr404(ctx.db, id, utcDate(ctx.now()));
  authorize(session, 'view-positions', { orgPath: position.orgPath });
  return toDetail(position);
}

/** The roles a position may carry: nobody hands out a role above their own. */
function checkRoles(session: SessionContext, roles: readonly RoleCode[]): void {
  if (roles.includes('RAM') && !session.roles.includes('RAM')) throw forbidden('Only a Registration Authority Manager can give a position the RAM role.');
}

/** The workgroups a position carries must be open workgroups of its own organisation. */
async function checkWorkgroups(trx: Db, orgId: number, ids: readonly number[]): Promise<void> {
  const found = ids.length === 0 ? [] : await trx.selectFrom('workgroups').select('id').where('id', 'in', [...ids]).where('org_id', '=', orgId).where('closed_at', 'is', null).execute();
  const ok = new Set(found.map((w) => w.id));
  const seen = new Set<number>();
  const problems = ids.flatMap((id, i) => {
    if (seen.has(id)) return [{ path: `body.workgroupIds.${i}`, message: 'workgroup listed twice' }];
    seen.add(id);
    return ok.has(id) ? [] : [{ path: `body.workgroupIds.${i}`, message: 'not an open workgroup of this organisation' }];
  });
  if (problems.length > 0) throw badRequest('The request body is not valid.', problems);
}

/** An open position's title is unique at its organisation, so people can tell them apart. */
async function checkTitleFree(trx: Db, orgId: number, title: string, except?: number): Promise<void> {
  let query = trx.selectFrom('positions').select('id').where('org_id', '=', orgId).where('title', '=', title).where('closed', '=', 0);
  if (except !== undefined) query = query.where('id', '<>', except);
  if (await query.executeTakeFirst()) throw conflict('An open position at this organisation already has that title.');
}

async function insertPosition(trx: Db, session: SessionContext, orgId: number, fields: PositionFields, now: Date, copiedFrom?: number): Promise<number> {
  await checkTitleFree(trx, orgId, fields.title);
  await checkWorkgroups(trx, orgId, fields.workgroupIds);
  const { id } = await trx
    .insertInto('positions')
    .values({ org_id: orgId, title: fields.title, job_role: fields.jobRole, roles: fields.roles.join(','), assignable: fields.assignable ? 1 : 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const workgroupId of fields.workgroupIds) await trx.insertInto('position_workgroups').values({ position_id: id, workgroup_id: workgroupId }).execute();
  await appendAudit(
    trx,
    {
      action: copiedFrom === undefined ? 'position.created' : 'position.copied',
      actor: session.userUuid,
      workstationId: session.workstationId,
      details: { positionId: id, ...(copiedFrom === undefined ? {} : { copiedFrom }), ...fields },
    },
    now,
  );
  return id;
}

/** POST /v1/positions. */
export async function createPosition(ctx: ServiceContext, session: SessionContext, body: PositionFields & { organisation: string }): Promise<PositionDetail> {
  authorize(session, 'manage-positions');
  assertPlainText({ 'body.title': body.title, 'body.jobRole': body.jobRole });
  const org = await organisationByCodeOr400(ctx.db, body.organisation, 'body.organisation');
  authorize(session, 'manage-positions', { orgPath: org.path });
  checkRoles(session, body.roles);
  const now = ctx.now();
  const id = await inTransaction(ctx.db, (trx) => insertPosition(trx, session, org.id, body, now));
  return toDetail(await positionDetailOr404(ctx.db, id, utcDate(now)));
}

/** A position the session may change: in scope, with manage-positions. */
async function managed(trx: Db, session: SessionContext, id: number, today: string): Promise<PositionWithOrg> {
  const position = await positionDetailOr404(trx, id, today);
  authorize(session, 'manage-positions', { orgPath: position.orgPath });
  return position;
}

/** POST /v1/positions/:id/copy: same job role, roles, assignable and workgroups; a new title. */
export async function copyPosition(ctx: ServiceContext, session: SessionContext, id: number, title: string): Promise<PositionDetail> {
  assertPlainText({ 'body.title': title });
  const now = ctx.now();
  const today = utcDate(now);
  const newId = await inTransaction(ctx.db, async (trx) => {
    const source = await managed(trx, session, id, today);
    checkRoles(session, source.roles);
    const fields = { title, jobRole: source.jobRole, roles: source.roles, assignable: source.assignable, workgroupIds: source.workgroups.map((w) => w.id) };
    return insertPosition(trx, session, source.orgId, fields, now, id);
  });
  return toDetail(await positionDetailOr404(ctx.db, newId, today));
}

/** PATCH /v1/positions/:id. */
export async function editPosition(ctx: ServiceContext, session: SessionContext, id: number, body: Partial<PositionFields>): Promise<PositionDetail> {
  assertPlainText({ 'body.title': body.title, 'body.jobRole': body.jobRole });
  const now = ctx.now();
  const today = utcDate(now);
  await inTransaction(ctx.db, async (trx) => {
    const position = await managed(trx, session, id, today);
    if (position.closed) throw conflict('That position is closed; it cannot be changed.');
    // Taking RAM off a position hands out nothing, but only a RAM may touch one that carries it.
    checkRoles(session, [...position.roles, ...(body.roles ?? [])]);
    if (body.title !== undefined) await checkTitleFree(trx, position.orgId, body.title, id);
    if (body.workgroupIds !== undefined) await checkWorkgroups(trx, position.orgId, body.workgroupIds);
    const set = {
      ...(body.title !== undefined ? { title: body.title } : {}),
      ...(body.jobRole !== undefined ? { job_role: body.jobRole } : {}),
      ...(body.roles !== undefined ? { roles: body.roles.join(',') } : {}),
      ...(body.assignable !== undefined ? { assignable: body.assignable ? 1 : 0 } : {}),
    };
    if (Object.keys(set).length > 0) await trx.updateTable('positions').set(set).where('id', '=', id).execute();
    if (body.workgroupIds !== undefined) {
      await trx.deleteFrom('position_workgroups').where('position_id', '=', id).execute();
      for (const workgroupId of body.workgroupIds) await trx.insertInto('position_workgroups').values({ position_id: id, workgroup_id: workgroupId }).execute();
    }
    await appendAudit(trx, { action: 'position.changed', actor: session.userUuid, workstationId: session.workstationId, details: { positionId: id, ...body } }, now);
  });
  return toDetail(await positionDetailOr404(ctx.db, id, today));
}

/** POST /v1/positions/assignable: several positions at once, all or none. */
export async function changeAssignable(ctx: ServiceContext, session: SessionContext, changes: { id: number; assignable: boolean }[]): Promise<{ positions: PositionDetail[] }> {
  authorize(session, 'manage-positions');
  const seen = new Set<number>();
  const repeated = changes.flatMap((c, i) => (seen.has(c.id) ? [{ path: `body.changes.${i}.id`, message: 'position listed twice' }] : (seen.add(c.id), [])));
  if (repeated.length > 0) throw badRequest('The request body is not valid.', repeated);
  const now = ctx.now();
  const today = utcDate(now);
  await inTransaction(ctx.db, async (trx) => {
    for (const [i, change] of changes.entries()) {
      const position = await positionDetailOr404(trx, change.id, today).catch(() => {
        throw badRequest('The request body is not valid.', [{ path: `body.changes.${i}.id`, message: 'no such position' }]);
      });
      authorize(session, 'manage-positions', { orgPath: position.orgPath });
      if (position.closed) throw badRequest('The request body is not valid.', [{ path: `body.changes.${i}.id`, message: 'the position is closed' }]);
      if (position.assignable === change.assignable) continue;
      await trx.updateTable('positions').set({ assignable: change.assignable ? 1 : 0 }).where('id', '=', change.id).execute();
      await appendAudit(
        trx,
        { action: 'position.assignable-changed', actor: session.userUuid, workstationId: session.workstationId, details: { positionId: change.id, assignable: change.assignable } },
        now,
      );
    }
  });
  const positions = await Promise.all(changes.map((c) => positionDetailOr404(ctx.db, c.id, today)));
  return { positions: positions.map(toDetail) };
}

/**
 * POST /v1/positions/:id/close: the position is closed, its assignments that hold today or later
 * end today (one not yet started is removed), and its waiting requests are rejected with the
 * reason, all in one transaction.
 */
export async function closePosition(ctx: ServiceContext, session: SessionContext, id: number): Promise<z.infer<typeof ClosePositionResponse>> {
  const now = ctx.now();
  const today = utcDate(now);
  const outcome = await inTransaction(ctx.db, async (trx) => {
    const position = await managed(trx, session, id, today);
    if (position.closed) throw conflict('That position is already closed.');
    await trx.updateTable('positions').set({ closed: 1 }).where('id', '=', id).execute();
    const active = await trx.selectFrom('position_assignments as pa').select(['pa.id', 'pa.start_date']).where('pa.position_id', '=', id).where(activeAssignment(today)).execute();
    const started = active.filter((a) => a.start_date <= today).map((a) => a.id);
    const upcoming = active.filter((a) => a.start_date > today).map((a) => a.id);
    if (started.length > 0) await trx.updateTable('position_assignments').set({ end_date: today }).where('id', 'in', started).execute();
    if (upcoming.length > 0) await trx.updateTable('position_assignments').set({ removed_at: now.toISOString() }).where('id', 'in', upcoming).execute();
    const rejected = await trx
      .updateTable('position_requests')
      .set({ status: 'rejected', reason: POSITION_CLOSED_REASON, decided_by: session.userId, decided_at: now.toISOString() })
      .where('position_id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const rejectedRequests = Number(rejected.numUpdatedRows);
    await appendAudit(
      trx,
      {
        action: 'position.closed',
        actor: session.userUuid,
        workstationId: session.workstationId,
        details: { positionId: id, endedAssignments: started, removedAssignments: upcoming, rejectedRequests },
      },
      now,
    );
    return { endedAssignments: active.length, rejectedRequests };
  });
  return { position: toDetail(await positionDetailOr404(ctx.db, id, today)), ...outcome };
}
