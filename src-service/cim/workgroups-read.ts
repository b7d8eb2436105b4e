import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { OrganisationSummary } from '../../src-shared/api/service-common.js';
import type { Workgroup, WorkgroupAssignment, WorkgroupEvent } from '../../src-shared/api/cim-workgroups.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { notFound } from '../service-error.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { isoDateTime } from './dates.js';

// How workgroups and their assignments are read from the store and shown in CIM answers, and
// the checks every workgroup change starts with (the workgroup exists and lies in the session's
// subtree).

export const WORKGROUP_ACTIVITY = 'manage-workgroups';

/** The audit subject of everything done to a workgroup: its history is read back by it. */
export const workgroupSubject = (id: number): string => `workgroup:${id}`;

/**
 * A live assignment `wa` on `today`: not removed and not past its end date. One starting later
 * counts: it was made, it shows among the members, and closing the workgroup ends it.
 */
export const liveWorkgroupAssignment = (today: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`(wa.removed_at IS NULL AND (wa.end_date IS NULL OR wa.end_date >= ${today}))`;

/** A workgroup row with its organisation, as workgroupRows selects it. */
export interface WorkgroupRow {
  id: number;
  name: string;
  description: string;
  createdAt: string;
  closedAt: string | null;
  orgId: number;
  orgCode: string;
  orgName: string;
  orgKind: OrganisationSummary['kind'];
  orgPath: string;
  parentCode: string | null;
  live: number | string | null;
}

/** Workgroups with their organisation and their count of live assignments on `today`. */
export function workgroupRows(db: Db, today: string) {
  return db
    .selectFrom('workgroups as w')
    .innerJoin('organisations as o', 'o.id', 'w.org_id')
    .leftJoin('organisations as parent', 'parent.id', 'o.parent_id')
    .select([
      'w.id as id',
      'w.name as name',
      'w.description as description',
      'w.created_at as createdAt',
      'w.closed_at as closedAt',
      'o.id as orgId',
      'o.code as orgCode',
      'o.name as orgName',
      'o.kind as orgKind',
      'o.path as orgPath',
      'parent.code as parentCode',
    ])
    .select((eb) =>
      eb
        .selectFrom('workgroup_assignments as wa')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('wa.workgroup_id', '=', 'w.id')
        .where(liveWorkgroupAssignment(today))
        .as('live'),
    );
}

export function toWorkgroup(row: WorkgroupRow): Workgroup {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    organisation: { code: row.orgCode, name: row.orgName, kind: row.orgKind, parentCode: row.parentCode },
    status: row.closedAt === null ? 'open' : 'closed',
    createdAt: isoDateTime(row.createdAt),
    closedAt: row.closedAt === null ? null : isoDateTime(row.closedAt),
    liveAssignments: Number(row.live ?? 0),
  };
}

/**
 * The workgroup `id` for a session that may manage workgroups there: 403 for a role without
 * the activity (before anything is looked up), 404 for none, 403 out of scope.
 */
export async function workgroupInScope(db: Db, session: SessionContext, id: number, today: string): Promise<WorkgroupRow> {
  authorize(session, WORKGROUP_ACTIVITY);
  const row = await workgroupRows(db, today).where('w.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('That workgroup');
  authorize(session, WORKGROUP_ACTIVITY, { orgPath: row.orgPath });
  return row;
}

interface AssignmentRow {
  id: number;
  userId: number;
  userUuid: string;
  userName: string;
  startDate: string;
  endDate: string | null;
  removedAt: string | null;
}

function assignmentRows(db: Db) {
  return db
    .selectFrom('workgroup_assignments as wa')
    .innerJoin('users as u', 'u.id', 'wa.user_id')
    .select(['wa.id as id', 'u.id as userId', 'u.uuid as userUuid', fullName('u').as('userName'), 'wa.start_date as startDate', 'wa.end_date as endDate', 'wa.removed_at as removedAt']);
}

export const toAssignment = (row: AssignmentRow): WorkgroupAssignment => ({
  id: row.id,
  user: { uuid: row.userUuid, name: row.userName },
  startDate: row.startDate,
  endDate: row.endDate,
});

/** Assignment `assignmentId` of workgroup `workgroupId`, or a 404. */
export async function assignmentOf(db: Db, workgroupId: number, assignmentId: number): Promise<AssignmentRow> {
  const row = await assignmentRows(db).where('wa.id', '=', assignmentId).where('wa.workgroup_id', '=', workgroupId).executeTakeFirst();
  if (!row) throw notFound('That workgroup assignment');
  return row;
}

export async function liveMembers(db: Db, workgroupId: number, today: string): Promise<WorkgroupAssignment[]> {
  const rows = await assignmentRows(db)
    .where('wa.workgroup_id', '=', workgroupId)
    .where(liveWorkgroupAssignment(today))
    .orderBy('wa.start_date')
    .orderBy('wa.id')
    .execute();
  return rows.map(toAssignment);
}

const EVENT_KINDS: Readonly<Record<string, WorkgroupEvent['kind']>> = {
  'workgroup.created': 'created',
  'workgroup.assigned': 'assigned',
  'workgroup.dates-edited': 'dates-edited',
  'workgroup.assignment-removed': 'removed',
  'workgroup.closed': 'closed',
};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * A workgroup's history, from the audit log entries whose subject is the workgroup (every
 * change writes one in the same transaction, so the history cannot miss a change; the
 * assignment rows keep only each assignment's latest dates).
 */
export async function workgroupHistory(db: Db, workgroupId: number): Promise<WorkgroupEvent[]> {
  const entries = await db
    .selectFrom('audit_log')
    .select(['at', 'action', 'actor', 'details'])
    .where('subject', '=', workgroupSubject(workgroupId))
    .orderBy('seq')
    .execute();
  const parsed = entries.flatMap((entry) => {
    const kind = EVENT_KINDS[entry.action];
    if (!kind) return [];
    const details = JSON.parse(entry.details) as Record<string, unknown>;
    return [{ entry, kind, details }];
  });
  const uuids = [...new Set(parsed.flatMap(({ entry, details }) => [entry.actor, text(details['userUuid'])].filter((u): u is string => u !== null)))];
  const people = uuids.length === 0 ? [] : await db.selectFrom('users as u').select(['u.uuid as uuid', fullName('u').as('name')]).where('u.uuid', 'in', uuids).execute();
  const byUuid = new Map(people.map((p) => [p.uuid, p]));
  const person = (uuid: string | null) => (uuid === null ? null : (byUuid.get(uuid) ?? null));
  return parsed.map(({ entry, kind, details }) => ({
    at: isoDateTime(entry.at),
    kind,
    by: person(entry.actor),
    user: person(text(details['userUuid'])),
    startDate: text(details['startDate']),
    endDate: text(details['endDate']),
    endedAssignments: typeof details['endedAssignments'] === 'number' ? details['endedAssignments'] : null,
  }));
}
