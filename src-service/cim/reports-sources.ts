import { sql, type RawBuilder } from 'kysely';
import type { ReportFilters, ReportId, ReportRow } from '../../src-shared/api/cim-reports.js';
import { fullName } from '../store/full-name.js';
import { addDays } from './dates.js';
import { activeAssignment } from './user-scope.js';

// What each report reads (the catalogue itself is src-shared/api/cim-reports.ts). A report is
// one or more SELECTs ("parts") over the session's subtree, each naming every column of the
// report by its key plus a unique row key (k1, k2): a page is their UNION ALL sorted by the
// chosen column, and an export walks each part in key order, a chunk at a time (reports-run.ts).
// Every part keeps to the subtree itself: no row about a person, card, position or request
// outside it can come out, whatever the filters.

/** The organisations a report covers: the path range of one subtree, and today for "current". */
export interface ReportScope {
  readonly lo: string;
  readonly hi: string;
  readonly today: string;
}

export interface ReportSource<R extends ReportId> {
  /** `walk`: for an export, read in key order a chunk at a time (else: for one sorted page). */
  parts(filters: ReportFilters<R>, scope: ReportScope, walk: boolean): RawBuilder<unknown>[];
  /** Turns stored values into what the report shows (epoch ms into ISO time, codes into words). */
  present?(row: ReportRow): ReportRow;
}

const inSubtree = (path: string, s: ReportScope): RawBuilder<unknown> => sql`(${sql.ref(path)} >= ${s.lo} AND ${sql.ref(path)} < ${s.hi})`;

/**
 * The scope rule of user-scope.ts for user `u`: based in the subtree, or holding a current
 * position at an organisation in it.
 */
const userInScope = (s: ReportScope): RawBuilder<unknown> => sql`(EXISTS (SELECT 1 FROM organisations so WHERE so.id = u.home_org_id AND ${inSubtree('so.path', s)})
  OR EXISTS (SELECT 1 FROM position_assignments pa JOIN positions sp ON sp.id = pa.position_id JOIN organisations so ON so.id = sp.org_id
             WHERE pa.user_id = u.id AND ${activeAssignment(s.today)} AND ${inSubtree('so.path', s)}))`;

const and = (conditions: (RawBuilder<unknown> | false | undefined)[]): RawBuilder<unknown> => {
  const kept = conditions.filter((c): c is RawBuilder<unknown> => c !== false && c !== undefined);
  return kept.length === 0 ? sql`1 = 1` : sql.join(kept, sql` AND `);
};

/** The first instant after a period's last day, as ISO text (stored times compare as text). */
const endOfDay = (day: string): string => `${addDays(day, 1) ?? '9999-12-31'}T00:00:00.000Z`;
const startMs = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
const endMs = (day: string): number => Date.parse(endOfDay(day));

const PERSON = sql.raw(`u.family_name AS "familyName", u.given_name AS "givenName"`);
const HOW: Record<string, string> = { self: 'Self-service', sponsor: 'Sponsor', recovery: 'Self-service (recovered)' };
const isoOf = (value: unknown): string | null => (typeof value === 'number' ? new Date(value).toISOString() : null);

const usersPositions: ReportSource<'users-positions'> = {
  parts: (f, s, walk) => {
    const status = f.status === 'any' ? undefined : sql`u.status = ${f.status}`;
    // An export walks people in id order (CROSS JOIN fixes SQLite's join order), so each chunk
    // is a seek into the users' primary key; a page lets the planner start from the subtree's
    // organisations, which for a trust is a few thousand people of the directory's millions.
    const home = sql.raw(walk ? 'CROSS JOIN organisations ho' : 'JOIN organisations ho ON ho.id = u.home_org_id');
    const held = sql.raw(
      walk
        ? 'position_assignments pa CROSS JOIN positions p CROSS JOIN organisations po CROSS JOIN users u'
        : 'position_assignments pa JOIN positions p ON p.id = pa.position_id JOIN organisations po ON po.id = p.org_id JOIN users u ON u.id = pa.user_id',
    );
    const columns = sql`${PERSON}, u.uuid AS uuid, u.status AS status, ho.code AS "homeOrganisation", p.title AS position,
      po.code AS "positionOrganisation", p.roles AS roles, pa.start_date AS "startDate", pa.end_date AS "endDate"`;
    return [
      // People based here, each with their current positions here (or one row with none).
      sql`SELECT u.id AS k1, COALESCE(pa.id, 0) AS k2, ${columns}
          FROM users u ${home}
          LEFT JOIN position_assignments pa ON pa.user_id = u.id AND ${activeAssignment(s.today)}
            AND EXISTS (SELECT 1 FROM positions sp JOIN organisations so ON so.id = sp.org_id WHERE sp.id = pa.position_id AND ${inSubtree('so.path', s)})
          LEFT JOIN positions p ON p.id = pa.position_id
          LEFT JOIN organisations po ON po.id = p.org_id
          WHERE ${and([sql`ho.id = u.home_org_id`, inSubtree('ho.path', s), status])}`,
      // People based elsewhere who hold a current position here: those positions (an export
      // walks them in the order of the assignments' user index).
      sql`SELECT pa.user_id AS k1, pa.id AS k2, ${columns}
          FROM ${held}
          LEFT JOIN organisations ho ON ho.id = u.home_org_id
          WHERE ${and([sql`p.id = pa.position_id AND po.id = p.org_id AND u.id = pa.user_id`, inSubtree('po.path', s), activeAssignment(s.today), sql`NOT (ho.path IS NOT NULL AND ${inSubtree('ho.path', s)})`, status])}`,
    ];
  },
  present: (row) => ({ ...row, status: row.status === 'closed' ? 'Closed' : 'Open' }),
};

const positionsHolders: ReportSource<'positions-holders'> = {
  parts: (f, s) => [
    sql`SELECT p.id AS k1, 0 AS k2, p.title AS position, p.job_role AS "jobRole", o.code AS organisation, p.roles AS roles,
          CASE WHEN p.closed = 1 THEN 'Closed' ELSE 'Open' END AS state,
          (SELECT COUNT(*) FROM position_assignments pa WHERE pa.position_id = p.id AND ${activeAssignment(s.today)}) AS holders
        FROM positions p JOIN organisations o ON o.id = p.org_id
        WHERE ${and([inSubtree('o.path', s), f.closed === 'exclude' && sql`p.closed = 0`])}`,
  ],
};

const CARD_HOLDER = sql.raw(`c.id AS k1, 0 AS k2, u.family_name AS "familyName", u.given_name AS "givenName", u.uuid AS uuid, c.serial AS "cardSerial"`);

const cardsExpiring: ReportSource<'cards-expiring'> = {
  parts: (f, s) => [
    // A card's live certificate is its latest unrevoked one.
    sql`SELECT ${CARD_HOLDER}, c.status AS "cardStatus", ce.not_after AS expires
        FROM certificates ce JOIN cards c ON c.id = ce.card_id JOIN users u ON u.id = c.user_id
        WHERE ce.revoked_at IS NULL AND ce.not_after >= ${`${s.today}T00:00:00.000Z`} AND ce.not_after < ${endOfDay(addDays(s.today, f.days) ?? '9999-12-30')}
          AND c.status IN ('active', 'locked')
          AND NOT EXISTS (SELECT 1 FROM certificates later WHERE later.card_id = ce.card_id AND later.revoked_at IS NULL AND later.not_after > ce.not_after)
          AND ${userInScope(s)}`,
  ],
  present: (row) => ({ ...row, cardStatus: row.cardStatus === 'locked' ? 'Locked' : 'Active' }),
};

const cardsLocked: ReportSource<'cards-locked'> = {
  parts: (_f, s) => [
    sql`SELECT ${CARD_HOLDER}, c.created_at AS issued
        FROM cards c JOIN users u ON u.id = c.user_id
        WHERE c.status = 'locked' AND ${userInScope(s)}`,
  ],
};

const cardUnlocksRenewals: ReportSource<'card-unlocks-renewals'> = {
  parts: (f, s) => {
    const kinds = f.by === 'self' ? ['self', 'recovery'] : f.by === 'sponsor' ? ['sponsor'] : ['self', 'sponsor', 'recovery'];
    const event = (table: 'cu' | 'cr', at: string, k2: number, label: string, status: string): RawBuilder<unknown> => sql`
        SELECT ${sql.ref(`${table}.id`)} AS k1, ${sql.lit(k2)} AS k2, ${sql.ref(`${table}.${at}`)} AS at, ${sql.lit(label)} AS event, ${sql.ref(`${table}.kind`)} AS "by",
          ${PERSON}, c.serial AS "cardSerial", ${fullName('sponsor')} AS sponsor
        FROM ${sql.table(table === 'cu' ? 'card_unlocks' : 'card_renewals')} ${sql.raw(table)}
        JOIN cards c ON c.id = ${sql.ref(`${table}.card_id`)} JOIN users u ON u.id = c.user_id
        LEFT JOIN users sponsor ON sponsor.id = ${sql.ref(`${table}.sponsor_user_id`)}
        WHERE ${and([
          sql`${sql.ref(`${table}.status`)} = ${status}`,
          sql`${sql.ref(`${table}.kind`)} IN (${sql.join(kinds)})`,
          f.from !== undefined && sql`${sql.ref(`${table}.${at}`)} >= ${startMs(f.from)}`,
          f.to !== undefined && sql`${sql.ref(`${table}.${at}`)} < ${endMs(f.to)}`,
          userInScope(s),
        ])}`;
    return [
      ...(f.event === 'renewed' ? [] : [event('cu', 'committed_at', 1, 'Unlocked', 'committed')]),
      ...(f.event === 'unlocked' ? [] : [event('cr', 'confirmed_at', 2, 'Renewed', 'confirmed')]),
    ];
  },
  present: (row) => ({ ...row, at: isoOf(row.at), by: HOW[String(row.by)] ?? String(row.by) }),
};

const positionRequests: ReportSource<'position-requests'> = {
  parts: (f, s) => [
    sql`SELECT r.id AS k1, 0 AS k2, r.requested_at AS "requestedAt", r.status AS state, ${PERSON}, p.title AS position, o.code AS organisation, r.decided_at AS "decidedAt"
        FROM position_requests r JOIN users u ON u.id = r.user_id JOIN positions p ON p.id = r.position_id JOIN organisations o ON o.id = p.org_id
        WHERE ${and([
          inSubtree('o.path', s),
          f.state !== 'any' && sql`r.status = ${f.state}`,
          f.from !== undefined && sql`r.requested_at >= ${f.from}`,
          f.to !== undefined && sql`r.requested_at < ${endOfDay(f.to)}`,
        ])}`,
  ],
  present: (row) => ({ ...row, state: String(row.state).charAt(0).toUpperCase() + String(row.state).slice(1) }),
};

/** The audit action a profile's closing is recorded under. */
const PROFILE_CLOSED_ACTION = 'profile.closed';

const profilesCreatedClosed: ReportSource<'profiles-created-closed'> = {
  parts: (f, s) => {
    const columns = sql.raw(`u.family_name AS "familyName", u.given_name AS "givenName", u.uuid AS uuid, ho.code AS "homeOrganisation"`);
    return [
      ...(f.event === 'closed'
        ? []
        : [
            sql`SELECT u.id AS k1, 0 AS k2, u.created_at AS at, 'Created' AS event, ${columns}
                FROM users u LEFT JOIN organisations ho ON ho.id = u.home_org_id
                WHERE ${and([f.from !== undefined && sql`u.created_at >= ${f.from}`, f.to !== undefined && sql`u.created_at < ${endOfDay(f.to)}`, userInScope(s)])}`,
          ]),
      ...(f.event === 'created'
        ? []
        : [
            // A profile may be closed, reopened and closed again: each closing is a row (its audit entry's seq).
            sql`SELECT u.id AS k1, a.seq AS k2, a.at AS at, 'Closed' AS event, ${columns}
                FROM audit_log a JOIN users u ON u.uuid = a.subject LEFT JOIN organisations ho ON ho.id = u.home_org_id
                WHERE ${and([sql`a.action = ${PROFILE_CLOSED_ACTION}`, f.from !== undefined && sql`a.at >= ${f.from}`, f.to !== undefined && sql`a.at < ${endOfDay(f.to)}`, userInScope(s)])}`,
          ]),
    ];
  },
};

export const REPORT_SOURCES: { readonly [R in ReportId]: ReportSource<R> } = {
  'users-positions': usersPositions,
  'positions-holders': positionsHolders,
  'cards-expiring': cardsExpiring,
  'cards-locked': cardsLocked,
  'card-unlocks-renewals': cardUnlocksRenewals,
  'position-requests': positionRequests,
  'profiles-created-closed': profilesCreatedClosed,
};
