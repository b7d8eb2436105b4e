import type { Db } from '../store/database.js';
import { activeAssignment } from './user-scope.js';

// Everything a batch check needs from the directory, read in bulk: the users the rows name (by
// UUID and by NI number), the positions (by id, or by organisation code and title), the
// organisations each user belongs to (scope) and their current assignments. Each read is one
// query per chunk of keys, so the number of queries grows with the file's size in thousands of
// rows, not in rows.

/** Keys per IN list: well inside both engines' limits on parameters in one statement. */
const CHUNK = 500;

export interface BatchUser {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  readonly closed: boolean;
  readonly homePath: string | null;
}

export interface BatchPosition {
  readonly id: number;
  readonly title: string;
  readonly closed: boolean;
  readonly orgCode: string;
  readonly orgPath: string;
}

interface CurrentAssignment {
  readonly id: number;
  readonly startDate: string;
  readonly endDate: string | null;
}

export interface BatchLookups {
  readonly usersByUuid: ReadonlyMap<string, BatchUser>;
  readonly usersByNi: ReadonlyMap<string, BatchUser>;
  readonly positionsById: ReadonlyMap<number, BatchPosition>;
  /** Keyed by ODS code, a newline, and titleKey(title). */
  readonly positionsByOrgTitle: ReadonlyMap<string, readonly BatchPosition[]>;
  readonly orgCodes: ReadonlySet<string>;
  /** The user's home organisation and the organisations of their current assignments. */
  userOrgPaths(userId: number): readonly string[];
  /** The user's current (or future) assignments to the position, oldest first. */
  currentAssignments(userId: number, positionId: number): readonly CurrentAssignment[];
}

/** What the lookups need to know of each row (batch-check.ts reads the cells first). */
interface RowKeys {
  readonly uuid?: string;
  readonly ni?: string;
  readonly positionId?: number;
  readonly ods?: string;
}

/** `items` in slices of at most CHUNK, for IN lists and multi-row statements. */
export function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

async function inChunks<K, R>(keys: Iterable<K>, read: (chunk: K[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const chunk of chunked([...new Set(keys)])) out.push(...(await read(chunk)));
  return out;
}

const defined = <T>(values: (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);

function userQuery(db: Db) {
  return db
    .selectFrom('users as u')
    .leftJoin('organisations as o', 'o.id', 'u.home_org_id')
    .select(['u.id', 'u.uuid', 'u.ni_number', 'u.given_name', 'u.family_name', 'u.status', 'o.path']);
}

function positionQuery(db: Db) {
  return db.selectFrom('positions as p').innerJoin('organisations as o', 'o.id', 'p.org_id').select(['p.id', 'p.title', 'p.closed', 'o.code', 'o.path']);
}

type UserRow = Awaited<ReturnType<ReturnType<typeof userQuery>['execute']>>[number];
type PositionRow = Awaited<ReturnType<ReturnType<typeof positionQuery>['execute']>>[number];

const toUser = (r: UserRow): BatchUser => ({ id: r.id, uuid: r.uuid, name: `${r.given_name} ${r.family_name}`, closed: r.status === 'closed', homePath: r.path });
const toPosition = (r: PositionRow): BatchPosition => ({ id: r.id, title: r.title, closed: r.closed === 1, orgCode: r.code, orgPath: r.path });

/** Titles match whatever their case and spacing. */
export const titleKey = (title: string): string => title.trim().replace(/\s+/g, ' ').toLowerCase();

export async function lookUpBatch(db: Db, rows: readonly RowKeys[], today: string): Promise<BatchLookups> {
  const byUuid = await inChunks(defined(rows.map((r) => r.uuid)), (chunk) => userQuery(db).where('u.uuid', 'in', chunk).execute());
  const byNi = await inChunks(defined(rows.map((r) => r.ni)), (chunk) => userQuery(db).where('u.ni_number', 'in', chunk).execute());
  const byId = await inChunks(defined(rows.map((r) => r.positionId)), (chunk) => positionQuery(db).where('p.id', 'in', chunk).execute());
  const byOrg = await inChunks(defined(rows.map((r) => r.ods)), (chunk) => positionQuery(db).where('o.code', 'in', chunk).execute());
  const orgs = await inChunks(defined(rows.map((r) => r.ods)), (chunk) => db.selectFrom('organisations').select('code').where('code', 'in', chunk).execute());

  const users = new Map<number, BatchUser>();
  const usersByUuid = new Map<string, BatchUser>();
  const usersByNi = new Map<string, BatchUser>();
  // One object per person, however many ways the rows name them.
  const once = (row: UserRow): BatchUser => {
    const user = users.get(row.id) ?? toUser(row);
    users.set(row.id, user);
    return user;
  };
  for (const row of byUuid) usersByUuid.set(row.uuid, once(row));
  for (const row of byNi) if (row.ni_number !== null) usersByNi.set(row.ni_number, once(row));

  const positionsById = new Map(byId.map((r) => [r.id, toPosition(r)]));
  const positionsByOrgTitle = new Map<string, BatchPosition[]>();
  for (const row of byOrg) {
    const key = `${row.code}\n${titleKey(row.title)}`;
    positionsByOrgTitle.set(key, [...(positionsByOrgTitle.get(key) ?? []), toPosition(row)]);
  }

  // Current assignments of every user named: their organisations for scope, and what a change or removal acts on.
  const assignments = await inChunks(users.keys(), (chunk) =>
    db
      .selectFrom('position_assignments as pa')
      .innerJoin('positions as p', 'p.id', 'pa.position_id')
      .innerJoin('organisations as o', 'o.id', 'p.org_id')
      .select(['pa.id', 'pa.user_id', 'pa.position_id', 'pa.start_date', 'pa.end_date', 'o.path'])
      .where('pa.user_id', 'in', chunk)
      .where(activeAssignment(today))
      .orderBy('pa.id')
      .execute(),
  );
  const paths = new Map<number, string[]>();
  for (const user of users.values()) paths.set(user.id, user.homePath !== null ? [user.homePath] : []);
  const current = new Map<string, CurrentAssignment[]>();
  for (const a of assignments) {
    paths.get(a.user_id)?.push(a.path);
    const key = `${a.user_id}:${a.position_id}`;
    current.set(key, [...(current.get(key) ?? []), { id: a.id, startDate: a.start_date, endDate: a.end_date }]);
  }

  return {
    usersByUuid,
    usersByNi,
    positionsById,
    positionsByOrgTitle,
    orgCodes: new Set(orgs.map((o) => o.code)),
    userOrgPaths: (userId) => paths.get(userId) ?? [],
    currentAssignments: (userId, positionId) => current.get(`${userId}:${positionId}`) ?? [],
  };
}
