import { sql } from 'kysely';
import type { OrganisationDetail } from '../../src-shared/api/cim-profile.js';
import { RoleCode } from '../../src-shared/domain/roles.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { utcDate } from './dates.js';
import { currentAssignment } from './position-summary.js';

// GET /v1/organisations/:code: one organisation as "Find an organisation" shows it: where it sits
// in the tree (its ancestors, read from its path '/1/5/9/'), its child organisations and its open
// positions with how many people hold each today. The directory is open to every signed-in user.

export async function organisationDetail(ctx: ServiceContext, session: SessionContext, code: string): Promise<OrganisationDetail> {
  authorize(session, 'find-organisation');
  const { db } = ctx;
  const org = await db
    .selectFrom('organisations as o')
    .leftJoin('organisations as parent', 'parent.id', 'o.parent_id')
    .select(['o.id as id', 'o.path as path', 'o.code as code', 'o.name as name', 'o.kind as kind', 'parent.code as parentCode'])
    .where('o.code', '=', code.trim().toUpperCase())
    .executeTakeFirst();
  if (!org) throw notFound('That organisation');

  const ancestorIds = org.path
    .split('/')
    .filter((part) => part !== '')
    .map(Number)
    .filter((id) => id !== org.id);
  const ancestorRows =
    ancestorIds.length === 0 ? [] : await db.selectFrom('organisations').select(['id', 'code', 'name', 'kind']).where('id', 'in', ancestorIds).execute();
  const ancestors = ancestorIds.flatMap((id) => ancestorRows.filter((row) => row.id === id)).map(({ code: c, name, kind }) => ({ code: c, name, kind }));

  const children = await db.selectFrom('organisations').select(['code', 'name', 'kind']).where('parent_id', '=', org.id).orderBy('name_norm').orderBy('id').execute();

  const today = utcDate(ctx.now());
  const { rows: positions } = await sql<{ id: number; title: string; job_role: string; roles: string; assignable: number; holders: number }>`
    SELECT p.id, p.title, p.job_role, p.roles, p.assignable,
           (SELECT COUNT(*) FROM position_assignments a WHERE a.position_id = p.id AND ${currentAssignment(today)}) AS holders
      FROM positions p
     WHERE p.org_id = ${org.id} AND p.closed = 0
     ORDER BY p.title, p.id`.execute(db);

  return {
    organisation: { code: org.code, name: org.name, kind: org.kind, parentCode: org.parentCode },
    ancestors,
    children,
    positions: positions.map((p) => ({
      id: p.id,
      title: p.title,
      jobRole: p.job_role,
      roles: p.roles
        .split(',')
        .map((r) => r.trim())
        .filter((r): r is RoleCode => RoleCode.safeParse(r).success),
      assignable: p.assignable === 1,
      holders: Number(p.holders),
    })),
  };
}
