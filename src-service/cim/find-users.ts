import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { z } from 'zod';
import type { FindUsersResponse } from '../../src-shared/api/service-cim.js';
import type { Db } from '../store/database.js';
import { normaliseName } from './normalise-name.js';
import { activeAssignment } from './user-scope.js';

// "Find an existing user" by name, National Insurance number or smartcard UUID, optionally only
// among users of the searcher's organisation and its children. Every search walks an index
// (never the users table), so it stays fast with a national directory of 1.5 million profiles,
// on either engine: each query is one text for SQLite and PostgreSQL, and the indexes it walks
// (migration 70) hold the columns it reads, so table rows are read for the answer (and a
// subtree's few visitors), not for the search. Names are compared through the *_norm columns (ordered by code point on both
// engines); user text is only ever bound as a parameter and turned into index ranges (>= prefix,
// < prefix + U+10FFFF) rather than LIKE patterns, so '%', '_' and quotes in a search are just
// characters.

export type FindUsersResult = z.infer<typeof FindUsersResponse>;

export interface FindUsersCriteria {
  readonly name?: string | undefined;
  /** Canonical form (upper case, no spaces), as the NiNumber schema produces. */
  readonly niNumber?: string | undefined;
  readonly cardUuid?: string | undefined;
  /** The session organisation's path when "only my organisations" is ticked. */
  readonly withinOrgPath?: string | undefined;
  readonly limit: number;
  /** Today (YYYY-MM-DD): an assignment ended before today no longer puts a user in scope. */
  readonly today: string;
  /**
   * How a scoped name search walks: by the name index, or from the subtree's organisations. By
   * default it is chosen by the subtree's size; tests and benchmarks force each to compare them.
   */
  readonly walk?: 'names' | 'subtree';
}

/** A search string in the form of the *_norm columns, with runs of spaces (of any kind) made one. */
export function normaliseSearch(s: string): string {
  return normaliseName(s).replace(/\s+/gu, ' ').trim();
}

/** The highest code point: every string that starts with p sorts in [p, p + TOP). */
const TOP = '\u{10FFFF}';

/** One way to read a name search: a family-name prefix, and perhaps a given-name prefix. */
export interface NameReading {
  readonly family: string;
  readonly given?: string;
}

// Phones and word processors type ’ where a directory (and this seed) stores ': try both.
const APOSTROPHES = /['\u2019\u2018\u02bc]/gu;
const HAS_APOSTROPHE = /['\u2019\u2018\u02bc]/u;
// A long run of words could be split many ways; the first few splits cover real names.
const MAX_SPLITS = 3;

/**
 * "Smi" -> family prefix; "Smith, Zoe" -> family + given; "Zoe Smith" -> given + family, and also
 * the whole as a family name, for family names with spaces ("Da Silva").
 */
export function nameReadings(name: string): NameReading[] {
  const text = normaliseSearch(name);
  // No stored name holds a control character (cim/text-rules.ts), and PostgreSQL text cannot
  // hold NUL at all: such a search matches no one.
  if (text.includes('\u0000')) return [];
  const variants = HAS_APOSTROPHE.test(text) ? [...new Set([text.replace(APOSTROPHES, "'"), text.replace(APOSTROPHES, '\u2019')])] : [text];
  const readings: NameReading[] = [];
  for (const v of variants) {
    const comma = v.indexOf(',');
    if (comma >= 0) {
      const family = v.slice(0, comma).trim();
      const given = v.slice(comma + 1).trim();
      if (family) readings.push(given ? { family, given } : { family });
      continue;
    }
    if (v) readings.push({ family: v });
    const words = v.split(' ');
    for (let k = 1; k < words.length && k <= MAX_SPLITS; k++) {
      readings.push({ given: words.slice(0, k).join(' '), family: words.slice(k).join(' ') });
    }
  }
  return readings;
}

const matchesReading = (familyKey: string, givenKey: string, r: NameReading): boolean =>
  familyKey.startsWith(r.family) && (r.given === undefined || givenKey.startsWith(r.given));

interface Row {
  id: number;
  uuid: string;
  givenName: string;
  familyName: string;
  status: 'open' | 'closed';
  familyKey: string;
  givenKey: string;
  orgCode: string | null;
  orgName: string | null;
  orgKind: 'trust' | 'gp-practice' | 'pharmacy' | 'site' | 'directorate' | 'other' | null;
  parentCode: string | null;
}

const COLUMNS = sql.raw(`u.id AS id, u.uuid AS uuid, u.given_name AS "givenName", u.family_name AS "familyName", u.status AS status,
       u.family_name_norm AS "familyKey", u.given_name_norm AS "givenKey",
       o.code AS "orgCode", o.name AS "orgName", o.kind AS "orgKind", parent.code AS "parentCode"`);
const HOME_ORG = sql.raw(`LEFT JOIN organisations o ON o.id = u.home_org_id LEFT JOIN organisations parent ON parent.id = o.parent_id`);
const ORDER = sql.raw('ORDER BY u.family_name_norm, u.given_name_norm, u.id');

/** What a search binds: the limit, and for a scoped search the subtree's path range and today. */
interface Bound {
  readonly limit: number;
  readonly scope?: { readonly lo: string; readonly hi: string; readonly today: string };
}

/**
 * An assignment `pa` that puts its user in an organisation's scope: not removed and not past its
 * end date (the rule of user-scope.ts: one starting later counts, it was granted).
 */
/** The subtree's organisations: the one list both scope checks below compare against. */
const subtreeOrgs = (scope: NonNullable<Bound['scope']>): RawBuilder<{ id: number }> =>
  sql`SELECT id FROM organisations WHERE path >= ${scope.lo} AND path < ${scope.hi}`;

/**
 * The scope rule of user-scope.ts, checked row by row (alias `u`, with its id and home
 * organisation): home organisation in the subtree, or an active position assignment at an
 * organisation in it (someone based elsewhere who also works here is "in my organisation" while
 * the assignment runs, and no longer). Most rows a walk passes are from elsewhere; how those are
 * tested depends on how many there are:
 * - 'seek', for a few rows (an identifier, the people with a given and family name) or a large
 *   subtree (a board, a region: most rows pass on their home organisation): a seek into the
 *   row's own assignments;
 * - 'set', when a trust's subtree is walked by names all the same (the `walk` option), through
 *   thousands of names in search of its few: the subtree's assignees, read from the assignment
 *   index alone into a list each engine builds once per search (SQLite an in-memory index,
 *   PostgreSQL a hashed subplan), then a look-up per row, where a seek each (three index
 *   look-ups on PostgreSQL) was most of the time.
 */
function inScope(scope: NonNullable<Bound['scope']>, test: 'seek' | 'set'): RawBuilder<SqlBool> {
  const elsewhere =
    test === 'seek'
      ? sql<SqlBool>`EXISTS (SELECT 1 FROM position_assignments pa CROSS JOIN positions p
                WHERE pa.user_id = u.id AND ${activeAssignment(scope.today)} AND p.id = pa.position_id AND p.org_id IN (${subtreeOrgs(scope)}))`
      : sql<SqlBool>`u.id IN (SELECT pa.user_id FROM organisations s CROSS JOIN positions p CROSS JOIN position_assignments pa
                 WHERE p.org_id = s.id AND pa.position_id = p.id AND s.path >= ${scope.lo} AND s.path < ${scope.hi} AND ${activeAssignment(scope.today)})`;
  return sql<SqlBool>`(u.home_org_id IN (${subtreeOrgs(scope)}) OR ${elsewhere})`;
}

const familyRange = (r: NameReading): RawBuilder<SqlBool> => sql<SqlBool>`u.family_name_norm >= ${r.family} AND u.family_name_norm < ${r.family + TOP}`;
const unindexedRange = (column: 'family_name_norm' | 'given_name_norm', prefix: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`(u.${sql.raw(column)} || '') >= ${prefix} AND (u.${sql.raw(column)} || '') < ${prefix + TOP}`;


// CROSS JOIN (its condition in WHERE, as both engines accept) keeps the join in the order
// written on SQLite, whose planner otherwise may walk every name in the index to avoid a sort of
// the few candidates; PostgreSQL plans a CROSS JOIN with a WHERE condition as any join.

/**
 * Rows a subquery may yield before the outer query orders them: there to keep PostgreSQL from
 * merging the subquery into the ordered, limited outer query, where it would favour walking the
 * whole family-name range in order (to stop early) over the few index seeks below. Every engine
 * keeps a LIMITed subquery apart; this one never cuts anything.
 */
const UNCUT = sql.raw('2147483647');

/**
 * Candidates (ids, in order, at most `limit`) for one reading, walking a name index. A family
 * name alone is a range of the family-name index, walked in order, stopping at the limit. With a
 * given name too, the walk visits each distinct given name in its range (a directory has a few
 * hundred given names, but tens of thousands of family names once double-barrelled ones count)
 * and seeks the family-name range inside it: "zoe smith" touches the Zoës among the Smiths, not
 * every Smith, nor every Zoë. Neither engine skips through an index like that on its own.
 */
function byName(r: NameReading, b: Bound, test: 'seek' | 'set'): RawBuilder<{ id: number }> {
  if (r.given === undefined) {
    const scope = b.scope ? sql` AND ${inScope(b.scope, test)}` : sql``;
    return sql`SELECT u.id AS id FROM users u WHERE ${familyRange(r)}${scope} ${ORDER} LIMIT ${b.limit}`;
  }
  // The scope is checked outside the fenced walk, on the few people with both names.
  const scope = b.scope ? sql`WHERE ${inScope(b.scope, 'seek')}` : sql``;
  const lo = r.given;
  const hi = r.given + TOP;
  return sql`WITH RECURSIVE giv(g) AS (
      SELECT (SELECT given_name_norm FROM users WHERE given_name_norm >= ${lo} AND given_name_norm < ${hi} ORDER BY given_name_norm LIMIT 1)
      UNION ALL
      SELECT (SELECT given_name_norm FROM users WHERE given_name_norm > giv.g AND given_name_norm < ${hi} ORDER BY given_name_norm LIMIT 1)
        FROM giv WHERE giv.g IS NOT NULL)
    SELECT u.id AS id FROM (
      SELECT u.id AS id, u.home_org_id AS home_org_id, u.family_name_norm AS fk, u.given_name_norm AS gk FROM giv CROSS JOIN users u
       WHERE u.given_name_norm = giv.g AND ${familyRange(r)} LIMIT ${UNCUT}) u
     ${scope}
     ORDER BY u.fk, u.gk, u.id LIMIT ${b.limit}`;
}

/**
 * Candidates for one reading within a subtree of a few organisations (a trust, a practice, a
 * pharmacy), found from its organisations rather than by walking names (which would pass
 * thousands of people from elsewhere before finding the few who are here): its members by home
 * organisation, read from the home-organisation-and-name index alone; then its visitors, the
 * people with an active assignment here who are based elsewhere: the subtree's assignees (from
 * the assignment index alone) not in the list of its members (from the home-organisation index
 * alone), so only the few visitors' rows are read for their names. The cost follows the subtree's
 * size, not the directory's.
 */
function bySubtree(readings: readonly NameReading[], b: Bound & { scope: NonNullable<Bound['scope']> }): RawBuilder<{ id: number }> {
  // Every reading in the one query: the subtree's people are read once whatever the readings.
  // The names are compared as expressions (|| ''), which no index serves: PostgreSQL, misjudging
  // how many people a name range holds, would otherwise walk the names and test each for the
  // subtree, the very walk this query is here to avoid. Each engine starts from the subtree.
  const name = sql<SqlBool>`(${sql.join(
    readings.map((r) =>
      r.given === undefined ? unindexedRange('family_name_norm', r.family) : sql<SqlBool>`${unindexedRange('family_name_norm', r.family)} AND ${unindexedRange('given_name_norm', r.given)}`,
    ),
    sql` OR `,
  )})`;
  const { lo, hi, today } = b.scope;
  return sql`SELECT u.id AS id, u.family_name_norm AS fk, u.given_name_norm AS gk
      FROM organisations s CROSS JOIN users u
     WHERE u.home_org_id = s.id AND s.path >= ${lo} AND s.path < ${hi} AND ${name}
    UNION
    SELECT u.id, u.family_name_norm, u.given_name_norm
      FROM organisations s CROSS JOIN positions p CROSS JOIN position_assignments pa CROSS JOIN users u
     WHERE p.org_id = s.id AND pa.position_id = p.id AND s.path >= ${lo} AND s.path < ${hi} AND ${activeAssignment(today)}
       AND pa.user_id NOT IN (SELECT m.id FROM organisations ms CROSS JOIN users m WHERE m.home_org_id = ms.id AND ms.path >= ${lo} AND ms.path < ${hi})
       AND u.id = pa.user_id AND ${name}
    ORDER BY 2, 3, 1 LIMIT ${b.limit}`;
}

/** Wraps a candidate query: the full columns are read for the few rows that made the cut. */
function withColumns(candidates: RawBuilder<{ id: number }>): RawBuilder<Row> {
  return sql<Row>`SELECT ${COLUMNS} FROM (${candidates}) c CROSS JOIN users u ${HOME_ORG} WHERE u.id = c.id ${ORDER}`;
}

/**
 * Up to this many organisations a subtree is searched from its people (bySubtree), beyond it by
 * walking names. A trust with its sites and directorates has a few dozen (a few thousand people);
 * a practice or a pharmacy one. From its people a search costs a few index entries per person
 * there: at 1.5 million users, 2-3 ms for a trust of 3,000, 5-6 ms for one of 8,000, where
 * walking names took 4-20 ms (about limit x directory / people there rows, with the subtree's
 * assignee list to build). A board, a region or the nation has hundreds or thousands of
 * organisations and most people in it: walking names finds them at once. Counting organisations
 * up to the bound is a short index range whatever the subtree's size.
 */
const SUBTREE_ORGANISATIONS = 100;

/** 'small': searched from its people; 'large': by names, with a seek for each person from elsewhere. */
async function subtreeSize(db: Db, lo: string, hi: string): Promise<'small' | 'large'> {
  const orgs = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM organisations
    WHERE path >= ${lo} AND path < ${hi} LIMIT ${SUBTREE_ORGANISATIONS + 1}) subtree`.execute(db);
  return Number(orgs.rows[0]?.n ?? 0) > SUBTREE_ORGANISATIONS ? 'large' : 'small';
}

/** Up to this many people nationally a family-name prefix is rare: its few are checked for scope one by one. */
const RARE_FAMILY = 50;

async function familyCount(db: Db, r: NameReading): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM users u WHERE ${familyRange(r)} LIMIT ${RARE_FAMILY + 1}) named`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Both engines order these columns by UTF-8 bytes (code points); JavaScript by UTF-16 units. Merge in theirs. */
function utf8Compare(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function byNameOrder(a: Row, b: Row): number {
  return utf8Compare(a.familyKey, b.familyKey) || utf8Compare(a.givenKey, b.givenKey) || a.id - b.id;
}

export async function findUsers(db: Db, c: FindUsersCriteria): Promise<FindUsersResult> {
  const wanted = c.limit + 1;
  const bound: Bound = c.withinOrgPath === undefined ? { limit: wanted } : { limit: wanted, scope: { lo: c.withinOrgPath, hi: c.withinOrgPath + TOP, today: c.today } };
  const readings = c.name === undefined ? undefined : nameReadings(c.name);
  // A name that normalises to nothing (only accents, say) can match no one.
  if (readings !== undefined && readings.length === 0) return { results: [], truncated: false };

  let rows: Row[];
  if (c.niNumber !== undefined || c.cardUuid !== undefined) {
    // An exact identifier finds at most a user or two; any name given must also fit them.
    const where: RawBuilder<SqlBool>[] = [];
    if (c.niNumber !== undefined) where.push(sql<SqlBool>`u.ni_number = ${c.niNumber}`);
    if (c.cardUuid !== undefined) where.push(sql<SqlBool>`u.id IN (SELECT user_id FROM cards WHERE uuid = ${c.cardUuid.toLowerCase()})`);
    if (bound.scope) where.push(inScope(bound.scope, 'seek'));
    const found = await sql<Row>`SELECT ${COLUMNS} FROM users u ${HOME_ORG} WHERE ${sql.join(where, sql` AND `)} ${ORDER} LIMIT ${wanted}`.execute(db);
    rows = found.rows.filter((row) => readings === undefined || readings.some((r) => matchesReading(row.familyKey, row.givenKey, r)));
  } else {
    const scope = bound.scope;
    const size = scope === undefined ? undefined : await subtreeSize(db, scope.lo, scope.hi);
    const small = scope !== undefined && (c.walk === undefined ? size === 'small' : c.walk === 'subtree');
    const test = size === 'large' ? 'seek' : 'set';
    // Within a small subtree, a family name is looked for among its people. A given name with a
    // family name is looked for nationally by default, and the few found checked for scope: the
    // given-name walk (byName) touches only the people with both names, fewer than the subtree's.
    // So is a family name few people have (a rare name, or the whole of "zoe smith" read as one).
    const rare = new Set<NameReading>();
    if (scope !== undefined && c.walk === undefined) {
      for (const r of readings ?? []) if (r.given === undefined && (await familyCount(db, r)) <= RARE_FAMILY) rare.add(r);
    }
    const fromSubtree = small ? (readings ?? []).filter((r) => (r.given === undefined && !rare.has(r)) || c.walk === 'subtree') : [];
    const byNames = (readings ?? []).filter((r) => !fromSubtree.includes(r));
    const queries = [
      ...(fromSubtree.length > 0 && scope ? [bySubtree(fromSubtree, { ...bound, scope })] : []),
      ...byNames.map((r) => byName(r, bound, rare.has(r) ? 'seek' : test)),
    ];
    // One ordered index walk per reading, each stopping after `wanted` rows, merged here: a
    // single query OR-ing the ranges would make the database sort every match before the LIMIT.
    const seen = new Set<number>();
    rows = [];
    for (const candidates of queries) {
      for (const row of (await withColumns(candidates).execute(db)).rows) {
        if (!seen.has(row.id)) {
          seen.add(row.id);
          rows.push(row);
        }
      }
    }
    if (queries.length > 1) rows.sort(byNameOrder);
  }
  const truncated = rows.length > c.limit;
  return {
    truncated,
    results: rows.slice(0, c.limit).map((r) => ({
      uuid: r.uuid,
      name: `${r.givenName} ${r.familyName}`,
      status: r.status,
      organisation: r.orgCode === null ? null : { code: r.orgCode, name: r.orgName as string, kind: r.orgKind as NonNullable<Row['orgKind']>, parentCode: r.parentCode },
    })),
  };
}
