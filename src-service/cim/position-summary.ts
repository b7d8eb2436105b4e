import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { OrganisationSummary, PositionSummary } from '../../src-shared/api/service-common.js';
import { RoleCode } from '../../src-shared/domain/roles.js';

// How a position (with its organisation) is read from the store and shown in CIM answers. The
// SQL pieces are shared by the profile and the position request queries so both show the same.

/** Select-list columns (in a `sql` query: `sql.raw(POSITION_COLUMNS)`); use with POSITION_JOINS, positions aliased `p`. */
export const POSITION_COLUMNS = `p.id AS position_id, p.title AS position_title, p.job_role AS position_job_role,
  p.roles AS position_roles, p.assignable AS position_assignable, p.closed AS position_closed,
  po.code AS org_code, po.name AS org_name, po.kind AS org_kind, po.path AS org_path, pp.code AS org_parent_code`;

/**
 * An assignment `a` that holds on `today` (UTC 'YYYY-MM-DD'): not removed, started, not past its
 * end date. The one rule for "current" that login and every session call share.
 */
export const currentAssignment = (today: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`(a.removed_at IS NULL AND a.start_date <= ${today} AND (a.end_date IS NULL OR a.end_date >= ${today}))`;

export const POSITION_JOINS = `JOIN organisations po ON po.id = p.org_id LEFT JOIN organisations pp ON pp.id = po.parent_id`;

export interface PositionRow {
  position_id: number;
  position_title: string;
  position_job_role: string;
  position_roles: string;
  position_assignable: number;
  position_closed: number;
  org_code: string;
  org_name: string;
  org_kind: OrganisationSummary['kind'];
  org_path: string;
  org_parent_code: string | null;
}

export function toPositionSummary(row: PositionRow): PositionSummary {
  return {
    id: row.position_id,
    title: row.position_title,
    jobRole: row.position_job_role,
    organisation: { code: row.org_code, name: row.org_name, kind: row.org_kind, parentCode: row.org_parent_code },
    // Only codes the matrix knows: a stray code in the column must not break every answer
    // that shows the position (it grants nothing either: grantFor ignores it).
    roles: row.position_roles
      .split(',')
      .map((code) => code.trim())
      .filter((code): code is RoleCode => RoleCode.safeParse(code).success),
    assignable: row.position_assignable === 1,
  };
}
