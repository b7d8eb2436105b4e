import { sql, type RawBuilder } from 'kysely';
import type { PositionDetail } from '../../src-shared/api/cim-positions.js';
import { notFound } from '../service-error.js';
import type { Db } from '../store/database.js';
import { POSITION_COLUMNS, POSITION_JOINS, toPositionSummary, type PositionRow } from './position-summary.js';
import { activeAssignment } from './user-scope.js';

// A position as the position pages show it: the summary every CIM answer uses, whether it is
// closed, the workgroups it carries and how many people hold it (what closing it would end).

interface DetailRow extends PositionRow {
  org_id: number;
  holders: number;
}

export type PositionWithOrg = PositionDetail & { orgId: number; orgPath: string };

async function details(db: Db, where: RawBuilder<unknown>, today: string): Promise<PositionWithOrg[]> {
  const { rows } = await sql<DetailRow>`SELECT ${sql.raw(POSITION_COLUMNS)}, p.org_id,
      (SELECT COUNT(DISTINCT pa.user_id) FROM position_assignments pa WHERE pa.position_id = p.id AND ${activeAssignment(today)}) AS holders
    FROM positions p ${sql.raw(POSITION_JOINS)}
    WHERE ${where}
    ORDER BY p.title, p.id`.execute(db);
  const ids = rows.map((r) => r.position_id);
  const carried =
    ids.length === 0
      ? []
      : await db
          .selectFrom('position_workgroups as pw')
          .innerJoin('workgroups as w', 'w.id', 'pw.workgroup_id')
          .select(['pw.position_id as positionId', 'w.id as id', 'w.name as name'])
          .where('pw.position_id', 'in', ids)
          .orderBy('w.name')
          .orderBy('w.id')
          .execute();
  return rows.map((row) => ({
    ...toPositionSummary(row),
    closed: row.position_closed === 1,
    workgroups: carried.filter((w) => w.positionId === row.position_id).map(({ id, name }) => ({ id, name })),
    // A closed position gives no access (login offers only open ones), whatever its last day.
    currentHolders: row.position_closed === 1 ? 0 : Number(row.holders),
    orgId: row.org_id,
    orgPath: row.org_path,
  }));
}

/** The positions of an organisation, by title; `status` picks open, closed or both. */
export function organisationPositionDetails(db: Db, orgId: number, status: 'open' | 'closed' | 'all', today: string): Promise<PositionWithOrg[]> {
  const closed = status === 'all' ? sql`` : sql`AND p.closed = ${status === 'closed' ? 1 : 0}`;
  return details(db, sql`p.org_id = ${orgId} ${closed}`, today);
}

async function positionDetail(db: Db, id: number, today: string): Promise<PositionWithOrg | undefined> {
  return (await details(db, sql`p.id = ${id}`, today))[0];
}

export async function positionDetailOr404(db: Db, id: number, today: string): Promise<PositionWithOrg> {
  const found = await positionDetail(db, id, today);
  if (!found) throw notFound('That position');
  return found;
}

/** The answer's shape: without the store's organisation id and path. */
export const toDetail = ({ orgId: _id, orgPath: _path, ...detail }: PositionWithOrg): PositionDetail => detail;
