import type { UserWorkgroups, WorkgroupDetail } from '../../src-shared/api/cim-workgroups.js';
import type { OrganisationSummary } from '../../src-shared/api/service-common.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { utcDate } from './dates.js';
import { normaliseSearch } from './find-users.js';
import { userByUuidOr404 } from './user-lookup.js';
import { authorizeOnUser, userOrgPaths } from './user-scope.js';
import { liveMembers, liveWorkgroupAssignment, toWorkgroup, WORKGROUP_ACTIVITY, workgroupHistory, workgroupInScope, workgroupRows } from './workgroups-read.js';

// Reading workgroups: an organisation's list, one workgroup with its members and history, and
// the workgroups a user is assigned. Only RAM and RAA(A) read them, within their subtree.

interface OrganisationRow extends OrganisationSummary {
  id: number;
  path: string;
}

/** An organisation by its code (for a request part at `field`), or a 400 naming that part. */
export async function organisationByCode(db: Db, code: string, field: string): Promise<OrganisationRow> {
  const row = await organisationsWhere(db).where('o.code', '=', code.trim().toUpperCase()).executeTakeFirst();
  if (!row) throw badRequest('No organisation has that code.', [{ path: field, message: 'no such organisation' }]);
  return row;
}

function organisationsWhere(db: Db) {
  return db
    .selectFrom('organisations as o')
    .leftJoin('organisations as parent', 'parent.id', 'o.parent_id')
    .select(['o.id as id', 'o.path as path', 'o.code as code', 'o.name as name', 'o.kind as kind', 'parent.code as parentCode']);
}

const summaryOf = ({ code, name, kind, parentCode }: OrganisationRow): OrganisationSummary => ({ code, name, kind, parentCode });

/** GET /v1/workgroups: an organisation's workgroups, by name. */
export async function listWorkgroups(
  ctx: ServiceContext,
  session: SessionContext,
  query: { organisationCode?: string | undefined; name?: string | undefined; includeClosed: boolean },
): Promise<{ organisation: OrganisationSummary; workgroups: ReturnType<typeof toWorkgroup>[] }> {
  authorize(session, WORKGROUP_ACTIVITY);
  const organisation =
    query.organisationCode === undefined
      ? await organisationsWhere(ctx.db).where('o.id', '=', session.orgId).executeTakeFirstOrThrow()
      : await organisationByCode(ctx.db, query.organisationCode, 'query.organisationCode');
  authorize(session, WORKGROUP_ACTIVITY, { orgPath: organisation.path });
  let rows = workgroupRows(ctx.db, utcDate(ctx.now())).where('w.org_id', '=', organisation.id);
  if (!query.includeClosed) rows = rows.where('w.closed_at', 'is', null);
  const found = await rows.orderBy('w.name_norm').orderBy('w.id').execute();
  // An organisation has tens of workgroups, not thousands: the name is matched here, as text,
  // so no character in it has a meaning to SQL.
  const name = query.name === undefined ? '' : normaliseSearch(query.name);
  return { organisation: summaryOf(organisation), workgroups: found.filter((row) => normaliseSearch(row.name).includes(name)).map(toWorkgroup) };
}

/** GET /v1/workgroups/:id: the workgroup, its current members and its history. */
export async function viewWorkgroup(ctx: ServiceContext, session: SessionContext, id: number): Promise<WorkgroupDetail> {
  const today = utcDate(ctx.now());
  const row = await workgroupInScope(ctx.db, session, id, today);
  return { workgroup: toWorkgroup(row), members: await liveMembers(ctx.db, id, today), history: await workgroupHistory(ctx.db, id) };
}

/** GET /v1/users/:uuid/workgroups: the user's live assignments; those outside the subtree are shown, not manageable. */
export async function userWorkgroups(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<UserWorkgroups> {
  authorize(session, WORKGROUP_ACTIVITY);
  const today = utcDate(ctx.now());
  const user = await userByUuidOr404(ctx.db, uuid);
  authorizeOnUser(session, WORKGROUP_ACTIVITY, await userOrgPaths(ctx.db, user.id, today));
  const rows = await workgroupRows(ctx.db, today)
    .innerJoin('workgroup_assignments as wa', 'wa.workgroup_id', 'w.id')
    .select(['wa.id as assignmentId', 'wa.start_date as startDate', 'wa.end_date as endDate'])
    .where('wa.user_id', '=', user.id)
    .where(liveWorkgroupAssignment(today))
    .orderBy('wa.start_date')
    .orderBy('wa.id')
    .execute();
  return {
    user: { uuid: user.uuid, name: `${user.given_name} ${user.family_name}` },
    assignments: rows.map((row) => ({
      id: row.assignmentId,
      workgroup: toWorkgroup(row),
      startDate: row.startDate,
      endDate: row.endDate,
      manageable: inScope(session, row.orgPath),
    })),
  };
}
