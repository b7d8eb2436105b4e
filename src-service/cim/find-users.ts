import type { z } from 'zod';
import type { FindUsersResponse } from '../../src-shared/api/service-cim.js';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import { normaliseName } from './normalise-name.js';
import { ACTIVE_ASSIGNMENT } from './user-scope.js';

// "Find an existing user" by name, National Insurance number or smartcard UUID, optionally only
// among users of the searcher's organisation and its children. Every search walks an index
// (never the users table), so it stays fast with a national directory of 1.5 million profiles.
// Names are compared through the *_norm columns; user text is only ever bound as a parameter
// and turned into index ranges (>= prefix, < prefix + U+10FFFF) rather than LIKE patterns, so
// '%', '_' and quotes in a search are just characters.

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

const COLUMNS = `u.id AS id, u.uuid AS uuid, u.given_name AS givenName, u.family_name AS familyName, u.status AS status,
       u.family_name_norm AS familyKey, u.given_name_norm AS givenKey,
       o.code AS orgCode, o.name AS orgName, o.kind AS orgKind, parent.code AS parentCode`;
const HOME_ORG = `LEFT JOIN organisations o ON o.id = u.home_org_id LEFT JOIN organisations parent ON parent.id = o.parent_id`;
const ORDER = 'ORDER BY u.family_name_norm, u.given_name_norm, u.id';

// The scope rule of user-scope.ts: home organisation in the subtree, or an active position
// assignment at an organisation in it (someone based elsewhere who also works here is "in my
// organisation" while the assignment runs, and no longer). Checked row by row for searches that
// walk users in name order: SQLite builds each IN list once per search (the subtree's
// organisations, the positions there), and the covering indexes of migration 10 hold the home
// organisation and the assignment dates, so a row costs an index seek and look-ups in those
// in-memory lists rather than reads of user, assignment and organisation rows.
const IN_SCOPE = `(u.home_org_id IN (SELECT id FROM organisations WHERE path >= @scopeLo AND path < @scopeHi)
    OR EXISTS (SELECT 1 FROM position_assignments pa
                WHERE pa.user_id = u.id AND ${ACTIVE_ASSIGNMENT}
                  AND pa.position_id IN (SELECT p.id FROM organisations s JOIN positions p ON p.org_id = s.id
                                          WHERE s.path >= @scopeLo AND s.path < @scopeHi)))`;

const FAMILY = 'u.family_name_norm >= @fLo AND u.family_name_norm < @fHi';
const GIVEN = 'u.given_name_norm >= @gLo AND u.given_name_norm < @gHi';

/**
 * Candidates (id and sort keys, in order, at most @limit) for one reading, walking the name
 * index. With a given name too, the walk visits each distinct family name in the range and seeks
 * the given-name range inside it ("zoe smith" touches the Zoës among the Smiths, not every
 * Smith), which SQLite does not do on its own for a range on the first column.
 */
function byNameSql(r: NameReading, scoped: boolean): string {
  const scope = scoped ? ` AND ${IN_SCOPE}` : '';
  if (r.given === undefined) {
    return `SELECT u.id AS id FROM users u WHERE ${FAMILY}${scope} ${ORDER} LIMIT @limit`;
  }
  return `WITH RECURSIVE fam(f) AS (
      SELECT (SELECT family_name_norm FROM users WHERE family_name_norm >= @fLo AND family_name_norm < @fHi ORDER BY family_name_norm LIMIT 1)
      UNION ALL
      SELECT (SELECT family_name_norm FROM users WHERE family_name_norm > fam.f AND family_name_norm < @fHi ORDER BY family_name_norm LIMIT 1)
        FROM fam WHERE fam.f IS NOT NULL)
    SELECT u.id AS id FROM fam CROSS JOIN users u ON u.family_name_norm = fam.f
     WHERE ${GIVEN}${scope} ${ORDER} LIMIT @limit`;
}

/**
 * Candidates for one reading within a small subtree (a practice, a pharmacy, a small trust),
 * walking from its organisations: members by home organisation (an index on home organisation
 * and name) and by active assignment. Walking the name index instead would pass thousands of
 * people from elsewhere before finding the few who are here.
 */
function bySubtreeSql(r: NameReading): string {
  const name = r.given === undefined ? FAMILY : `${FAMILY} AND ${GIVEN}`;
  return `SELECT u.id AS id, u.family_name_norm AS fk, u.given_name_norm AS gk
      FROM organisations s CROSS JOIN users u ON u.home_org_id = s.id
     WHERE s.path >= @scopeLo AND s.path < @scopeHi AND ${name}
    UNION
    SELECT u.id, u.family_name_norm, u.given_name_norm
      FROM organisations s CROSS JOIN positions p ON p.org_id = s.id
      CROSS JOIN position_assignments pa ON pa.position_id = p.id
      CROSS JOIN users u ON u.id = pa.user_id
     WHERE s.path >= @scopeLo AND s.path < @scopeHi AND ${ACTIVE_ASSIGNMENT} AND ${name}
    ORDER BY 2, 3, 1 LIMIT @limit`;
}

/** Wraps a candidate query: the full columns are read for the few rows that made the cut. */
function withColumns(candidates: string): string {
  return `SELECT ${COLUMNS} FROM (${candidates}) c CROSS JOIN users u ON u.id = c.id ${HOME_ORG} ${ORDER}`;
}

/**
 * Up to this many users (by home organisation) a subtree counts as small: walk it, not the names.
 * Walking a subtree costs a user-row read per assignment there; walking the names costs about
 * limit x (directory size / subtree size) index steps. At 1.5 million users a trust of 8,000
 * took 13 ms by its subtree and 3 ms by names; a practice or a site is far quicker by its subtree.
 */
const SMALL_SUBTREE_USERS = 2_000;

const SUBTREE_SIZE = `SELECT count(*) FROM (SELECT 1 FROM organisations s CROSS JOIN users u ON u.home_org_id = s.id
  WHERE s.path >= ? AND s.path < ? LIMIT ${SMALL_SUBTREE_USERS + 1})`;

/** SQLite orders TEXT by its UTF-8 bytes; JavaScript by UTF-16 units. Merge in SQLite's order. */
function utf8Compare(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function byName(a: Row, b: Row): number {
  return utf8Compare(a.familyKey, b.familyKey) || utf8Compare(a.givenKey, b.givenKey) || a.id - b.id;
}

export function findUsers(db: Db, c: FindUsersCriteria): FindUsersResult {
  const wanted = c.limit + 1;
  const base: Record<string, unknown> = { limit: wanted };
  const scoped = c.withinOrgPath !== undefined;
  if (scoped) {
    base.scopeLo = c.withinOrgPath;
    base.scopeHi = c.withinOrgPath + TOP;
    base.today = c.today;
  }
  const readings = c.name === undefined ? undefined : nameReadings(c.name);
  // A name that normalises to nothing (only accents, say) can match no one.
  if (readings !== undefined && readings.length === 0) return { results: [], truncated: false };

  let rows: Row[];
  if (c.niNumber !== undefined || c.cardUuid !== undefined) {
    // An exact identifier finds at most a user or two; any name given must also fit them.
    const where: string[] = [];
    const params = { ...base };
    if (c.niNumber !== undefined) {
      where.push('u.ni_number = @ni');
      params.ni = c.niNumber;
    }
    if (c.cardUuid !== undefined) {
      where.push('u.id IN (SELECT user_id FROM cards WHERE uuid = @card)');
      params.card = c.cardUuid.toLowerCase();
    }
    if (scoped) where.push(IN_SCOPE);
    rows = (prepared(db, `SELECT ${COLUMNS} FROM users u ${HOME_ORG} WHERE ${where.join(' AND ')} ${ORDER} LIMIT @limit`).all(params) as Row[]).filter(
      (row) => readings === undefined || readings.some((r) => matchesReading(row.familyKey, row.givenKey, r)),
    );
  } else {
    const small =
      scoped && (c.walk === undefined ? (prepared(db, SUBTREE_SIZE).pluck().get(base.scopeLo, base.scopeHi) as number) <= SMALL_SUBTREE_USERS : c.walk === 'subtree');
    // One ordered index walk per reading, each stopping after `wanted` rows, merged here: a
    // single query OR-ing the ranges would make SQLite sort every match before the LIMIT.
    const seen = new Set<number>();
    rows = [];
    for (const r of readings ?? []) {
      const params: Record<string, unknown> = { ...base, fLo: r.family, fHi: r.family + TOP };
      if (r.given !== undefined) {
        params.gLo = r.given;
        params.gHi = r.given + TOP;
      }
      const sql = withColumns(small ? bySubtreeSql(r) : byNameSql(r, scoped));
      for (const row of prepared(db, sql).all(params) as Row[]) {
        if (!seen.has(row.id)) {
          seen.add(row.id);
          rows.push(row);
        }
      }
    }
    if (readings && readings.length > 1) rows.sort(byName);
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
