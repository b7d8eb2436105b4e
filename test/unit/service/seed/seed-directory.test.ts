import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSelfServiceEmail, NiNumber } from '../../../../src-shared/api/service-common.js';
import { normaliseName } from '../../../../src-service/cim/normalise-name.js';
import { PERSONAS, seedPersonas, TRAINING_ORGANISATIONS } from '../../../../src-service/seed/personas.js';
import { SeedError } from '../../../../src-service/seed/seed-error.js';
import { sql, type RawBuilder } from 'kysely';
import { seedDatabase } from '../../../../src-service/seed/seed-file.js';
import { openDatabase, type Db } from '../../../../src-service/store/database.js';
import { tempDbFile, testEngine } from '../../../support/service-fixtures.js';

// The synthetic directory at a small size: reproducible from its seed, shaped like the national
// directory (a tree of organisations with ODS-shaped codes, staff with positions, cards and
// certificates in realistic proportions), and carrying the training personas.

const AS_OF = '2025-06-01';
const USERS = 2_000;
/** The directory's tables, each with its key. */
const DIRECTORY_TABLES = [
  ['organisations', 'id'],
  ['positions', 'id'],
  ['users', 'id'],
  ['position_assignments', 'id'],
  ['cards', 'id'],
  ['certificates', 'serial'],
] as const;

const made: string[] = [];
const opened: Db[] = [];
async function seededFile(options: { users?: number; seed?: number; personas?: boolean } = {}): Promise<string> {
  const file = tempDbFile('cis-seed-');
  made.push(file);
  await seedDatabase(file, { users: options.users ?? USERS, seed: options.seed ?? 7, asOf: AS_OF, personas: options.personas ?? true });
  return file;
}

async function open(file: string): Promise<Db> {
  const db = await openDatabase(file);
  opened.push(db);
  return db;
}

/** Every directory row, in key order, hashed: equal hashes mean identical directories. */
async function directoryHash(file: string): Promise<string> {
  const db = await open(file);
  const hash = createHash('sha256');
  for (const [table, key] of DIRECTORY_TABLES) {
    for (const row of (await sql`SELECT * FROM ${sql.table(table)} ORDER BY ${sql.ref(key)}`.execute(db)).rows) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

/** A count (the query names it n) on `on`, by default the seeded directory. */
async function count(query: RawBuilder<{ n: number }>, on: Db = db): Promise<number> {
  return Number((await query.execute(on)).rows[0]?.n);
}

/** The store's index names, from its engine's catalogue. */
async function indexNames(on: Db): Promise<string[]> {
  const query =
    testEngine() === 'sqlite'
      ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`
      : sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`;
  return (await query.execute(on)).rows.map((r) => r.name);
}

/** Whether the planner has statistics on the users table. */
async function usersAnalysed(on: Db): Promise<boolean> {
  const query =
    testEngine() === 'sqlite'
      ? sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'users'`
      : sql<{ n: number }>`SELECT count(*) AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'users'`;
  return (await count(query, on)) > 0;
}

/** `days` after `date` (YYYY-MM-DD). */
const daysAfter = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

interface OrgRow {
  id: number;
  code: string;
  name: string;
  name_norm: string;
  kind: string;
  parent_id: number | null;
  path: string;
}

let file: string;
let db: Db;
let orgs: OrgRow[];
const byId = new Map<number, OrgRow>();

beforeAll(async () => {
  file = await seededFile();
  db = await open(file);
  orgs = await db.selectFrom('organisations').selectAll().orderBy('id').execute();
  for (const o of orgs) byId.set(o.id, o);
});

afterAll(async () => {
  for (const d of opened.splice(0)) await d.destroy();
  for (const f of made.splice(0)) if (!f.startsWith('postgres')) rmSync(dirname(f), { recursive: true, force: true });
});

describe('seed: reproducible', () => {
  it('rule: the same seed and reference day write an identical directory, row for row', async () => {
    expect(await directoryHash(await seededFile())).toBe(await directoryHash(file));
  });

  it('a different seed writes a different directory of the same size', async () => {
    const other = await seededFile({ seed: 8 });
    expect(await directoryHash(other)).not.toBe(await directoryHash(file));
    expect(await count(sql`SELECT count(*) AS n FROM users`, await open(other))).toBe(USERS + PERSONAS.length);
  });

  it('writes the same directory into an existing empty database (on SQLite journalled instead of in bulk)', async () => {
    const existing = tempDbFile('cis-seed-');
    made.push(existing);
    await (await openDatabase(existing)).destroy();
    const report = await seedDatabase(existing, { users: USERS, seed: 7, asOf: AS_OF, personas: true });
    // PostgreSQL's bulk mode gives up no safety, so it is always taken (seed/seed-file.ts).
    expect(report.bulk).toBe(testEngine() === 'postgres');
    expect(await directoryHash(existing)).toBe(await directoryHash(file));
  });

  it('rule: a database that already has a directory is refused and left as it was', async () => {
    const before = await directoryHash(file);
    await expect(seedDatabase(file, { users: 10, seed: 1, asOf: AS_OF })).rejects.toThrow(SeedError);
    expect(await directoryHash(file)).toBe(before);
  });

  it('rule: after a bulk seed the database refuses rows that break a foreign key, as the service expects', async () => {
    const rw = await open(file);
    await expect(rw.insertInto('position_assignments').values({ user_id: 99_999_999, position_id: 1, start_date: AS_OF }).execute()).rejects.toThrow(/foreign key/i);
    await expect(rw.insertInto('cards').values({ uuid: 'x', serial: 1, user_id: 99_999_999, status: 'active', algorithm: 'p256', created_at: AS_OF }).execute()).rejects.toThrow(/foreign key/i);
  });

  it('rule: after a bulk seed the search indexes are back, with statistics for the planner', async () => {
    const fresh = tempDbFile('cis-seed-');
    made.push(fresh);
    const empty = await open(fresh);
    expect(await indexNames(db)).toEqual(await indexNames(empty));
    expect(await indexNames(db)).toEqual(expect.arrayContaining(['users_name_search', 'users_given_search', 'users_home_org_search', 'assignments_position_active']));
    expect(await usersAnalysed(db)).toBe(true);
  });
});

describe('seed: organisation tree', () => {
  it('rule: every organisation is reachable from the one national root, and paths follow parent_id', () => {
    const roots = orgs.filter((o) => o.parent_id === null);
    expect(roots.map((o) => o.code)).toEqual(['X24']);
    const children = new Map<number, number[]>();
    for (const o of orgs) if (o.parent_id !== null) children.set(o.parent_id, [...(children.get(o.parent_id) ?? []), o.id]);
    const reached = new Set<number>();
    const queue = [roots[0]!.id];
    while (queue.length) {
      const id = queue.shift()!;
      reached.add(id);
      queue.push(...(children.get(id) ?? []));
    }
    expect(reached.size).toBe(orgs.length);
    for (const o of orgs) {
      const parentPath = o.parent_id === null ? '/' : byId.get(o.parent_id)!.path;
      expect(o.path).toBe(`${parentPath}${o.id}/`);
    }
  });

  it('is national root > regions > integrated care boards > trusts > sites > directorates, with practices and pharmacies under the boards', () => {
    const depth = (o: OrgRow): number => o.path.split('/').filter(Boolean).length - 1;
    const synthetic = orgs.filter((o) => !TRAINING_ORGANISATIONS.some((t) => t.code === o.code));
    const depthsOf = (pick: (o: OrgRow) => boolean): number[] => [...new Set(synthetic.filter(pick).map(depth))];
    expect(depthsOf((o) => /^Y\d\d$/.test(o.code))).toEqual([1]);
    expect(depthsOf((o) => /^Q/.test(o.code))).toEqual([2]);
    expect(depthsOf((o) => o.kind === 'trust')).toEqual([3]);
    expect(depthsOf((o) => o.kind === 'site')).toEqual([4]);
    expect(depthsOf((o) => o.kind === 'directorate')).toEqual([5]);
    expect(depthsOf((o) => o.kind === 'gp-practice' || o.kind === 'pharmacy')).toEqual([3]);
    expect(Math.max(...orgs.map(depth))).toBe(5);
    for (const kind of ['trust', 'site', 'directorate', 'gp-practice', 'pharmacy']) expect(synthetic.filter((o) => o.kind === kind).length).toBeGreaterThan(3);
  });

  it('rule: organisation codes have the ODS shapes (trust RXX, site RXX01, practice A81001, pharmacy FXXXX) and are unique', () => {
    const shapes: Record<string, RegExp> = {
      trust: /^R[A-Z0-9]{2}$/,
      site: /^R[A-Z0-9]{2}\d{2}$/,
      'gp-practice': /^[A-Z]\d{5}$/,
      pharmacy: /^F[A-Z0-9]{4}$/,
    };
    for (const o of orgs) if (shapes[o.kind]) expect(o.code, `${o.kind} ${o.code}`).toMatch(shapes[o.kind]!);
    for (const o of orgs.filter((x) => x.kind === 'site')) expect(o.code.slice(0, 3)).toBe(byId.get(o.parent_id!)!.code);
    expect(new Set(orgs.map((o) => o.code)).size).toBe(orgs.length);
  });

  it('stores each organisation name with its search form (name_norm)', () => {
    for (const o of orgs) expect(o.name_norm).toBe(normaliseName(o.name));
  });
});

describe('seed: people', () => {
  it('rule: National Insurance numbers are unique and valid in form', async () => {
    const numbers = (await db.selectFrom('users').select('ni_number').execute()).map((r) => r.ni_number as string);
    expect(numbers).toHaveLength(USERS + PERSONAS.length);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const ni of numbers) expect(NiNumber.parse(ni)).toBe(ni);
    // Prefixes HMRC never issues.
    expect(numbers.filter((ni) => /^(BG|GB|KN|NK|NT|TN|ZZ)|^.O/.test(ni))).toEqual([]);
  });

  it('has British names including accents, apostrophes, hyphens and spaces, each with its search form', async () => {
    const names = await db
      .selectFrom('users')
      .select(['given_name as given', 'family_name as family', 'given_name_norm as givenNorm', 'family_name_norm as familyNorm'])
      .execute();
    for (const n of names) {
      expect(n.familyNorm).toBe(normaliseName(n.family));
      expect(n.givenNorm).toBe(normaliseName(n.given));
    }
    expect(names.some((n) => n.family.includes("'"))).toBe(true);
    expect(names.some((n) => /^[^ ]+-[^ ]+$/.test(n.family))).toBe(true);
    expect(names.some((n) => n.family.includes(' '))).toBe(true);
    // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
    expect(names.some((n) => /[^\x00-\x7f]/.test(n.given + n.family))).toBe(true);
  });

  it('gives most users an @nhs.net address (unique) and many a mobile in the range kept for drama', async () => {
    const emails = (await db.selectFrom('users').select('email').where('email', 'is not', null).execute()).map((r) => r.email as string);
    expect(emails.filter((e) => e.endsWith('@nhs.net')).length / USERS).toBeGreaterThan(0.8);
    expect(new Set(emails).size).toBe(emails.length);
    const mobiles = (await db.selectFrom('users').select('mobile').where('mobile', 'is not', null).execute()).map((r) => r.mobile as string);
    expect(mobiles.length / USERS).toBeGreaterThan(0.5);
    for (const m of mobiles) expect(m).toMatch(/^07700900\d{3}$/);
  });

  it('rule: every user has an active position assignment at their home organisation; some have two', async () => {
    const active = sql`pa.removed_at IS NULL AND pa.start_date <= ${AS_OF} AND (pa.end_date IS NULL OR pa.end_date >= ${AS_OF})`;
    expect(
      await count(sql`SELECT count(*) AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM position_assignments pa JOIN positions p ON p.id = pa.position_id
               WHERE pa.user_id = u.id AND p.org_id = u.home_org_id AND ${active})`),
    ).toBe(0);
    const twoOrMore = await count(
      sql`SELECT count(*) AS n FROM (SELECT pa.user_id FROM position_assignments pa WHERE ${active} GROUP BY pa.user_id HAVING count(*) >= 2) holders`,
    );
    expect(twoOrMore / USERS).toBeGreaterThan(0.04);
    expect(twoOrMore / USERS).toBeLessThan(0.2);
    // Some assignments have ended: those no longer count for scope.
    expect(await count(sql`SELECT count(*) AS n FROM position_assignments WHERE end_date < ${AS_OF}`)).toBeGreaterThan(0);
  });

  it('rule: RA staff are few and sponsors more numerous, as in a real directory', async () => {
    // Role codes are upper case, as stored: LIKE's case rules do not come into it.
    const holders = (role: string): Promise<number> =>
      count(
        sql`SELECT count(DISTINCT pa.user_id) AS n FROM position_assignments pa JOIN positions p ON p.id = pa.position_id
          WHERE (',' || p.roles || ',') LIKE ${`%,${role},%`} AND (pa.end_date IS NULL OR pa.end_date >= ${AS_OF})`,
      );
    const ra = (await holders('RAM')) + (await holders('RAA(A)')) + (await holders('RAA'));
    const sponsors = await holders('S');
    expect(await holders('RAM')).toBeGreaterThan(0);
    expect(ra / USERS).toBeLessThan(0.01);
    expect(sponsors).toBeGreaterThan(5 * ra);
    expect(sponsors / USERS).toBeLessThan(0.12);
    expect(await holders('LSA')).toBeGreaterThan(0);
    expect(await holders('IDC')).toBeGreaterThan(0);
    // RA positions are kept by the RA team: a sponsor may not hand them out.
    expect(await count(sql`SELECT count(*) AS n FROM positions WHERE assignable = 1 AND (roles LIKE '%RA%' OR roles LIKE '%IDC%')`)).toBe(0);
  });
});

describe('seed: cards and certificates', () => {
  it('rule: every seeded user has exactly one card with one certificate record', async () => {
    expect(await count(sql`SELECT count(*) AS n FROM cards`)).toBe(USERS);
    expect(await count(sql`SELECT count(DISTINCT user_id) AS n FROM cards`)).toBe(USERS);
    expect(await count(sql`SELECT count(*) AS n FROM certificates`)).toBe(USERS);
    expect(await count(sql`SELECT count(DISTINCT card_id) AS n FROM certificates`)).toBe(USERS);
    expect(await count(sql`SELECT count(DISTINCT uuid) AS n FROM cards`)).toBe(USERS);
  });

  it('has about 2% of cards locked, a few revoked, the rest active; closed profiles have revoked cards', async () => {
    const share = async (status: string): Promise<number> => (await count(sql`SELECT count(*) AS n FROM cards WHERE status = ${status}`)) / USERS;
    expect(await share('locked')).toBeGreaterThan(0.01);
    expect(await share('locked')).toBeLessThan(0.035);
    expect(await share('revoked')).toBeGreaterThan(0);
    expect(await share('revoked')).toBeLessThan(0.02);
    expect(await share('active')).toBeGreaterThan(0.95);
    expect(await count(sql`SELECT count(*) AS n FROM users u JOIN cards c ON c.user_id = u.id WHERE u.status = 'closed' AND c.status <> 'revoked'`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM cards c JOIN certificates t ON t.card_id = c.id WHERE c.status = 'revoked' AND t.revoked_at IS NULL`)).toBe(0);
  });

  it('rule: expiries spread over the next three years, so some fall within the 90-day renewal window and a few have expired', async () => {
    const within90 = (await count(sql`SELECT count(*) AS n FROM certificates WHERE not_after >= ${AS_OF} AND not_after < ${daysAfter(AS_OF, 90)}`)) / USERS;
    const expired = (await count(sql`SELECT count(*) AS n FROM certificates WHERE not_after < ${AS_OF}`)) / USERS;
    expect(within90).toBeGreaterThan(0.04);
    expect(within90).toBeLessThan(0.13);
    expect(expired).toBeGreaterThan(0.005);
    expect(expired).toBeLessThan(0.06);
    // Three years on and a day: 2028-06-02.
    expect(await count(sql`SELECT count(*) AS n FROM certificates WHERE not_after > ${'2028-06-02'}`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM certificates WHERE not_before > ${AS_OF}`)).toBe(0);
  });

  it('writes no certificate DER and no card secrets for seeded cards', async () => {
    expect(await count(sql`SELECT count(*) AS n FROM certificates WHERE der IS NOT NULL`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM cards WHERE puk_sealed IS NOT NULL OR management_key_sealed IS NOT NULL OR management_key_algorithm IS NOT NULL`)).toBe(0);
    expect(await count(sql`SELECT count(DISTINCT serial) AS n FROM certificates`)).toBe(USERS);
  });
});

describe('seed: training personas', () => {
  it('puts the training trust, its site and its child GP practice under the national root', () => {
    const code = (c: string): OrgRow => orgs.find((o) => o.code === c)!;
    expect(byId.get(code('RZZ').parent_id!)!.code).toBe('X24');
    expect(code('RZZ01').parent_id).toBe(code('RZZ').id);
    expect(code('Y99901').parent_id).toBe(code('RZZ').id);
    expect(code('Y99901').kind).toBe('gp-practice');
  });

  it('rule: each persona has their fixed UUID, an NHS email, and a position carrying exactly their RA roles at their organisation', async () => {
    expect(PERSONAS.map((p) => p.roleLabel)).toEqual([
      'Clinician',
      'Sponsor',
      'Local Smartcard Administrator',
      'RA Agent',
      'RA Manager',
      'Card near expiry',
      'Locked card',
      'Card expired',
      'ID Checker',
    ]);
    for (const p of PERSONAS) {
      const row = await db
        .selectFrom('users as u')
        .innerJoin('position_assignments as pa', 'pa.user_id', 'u.id')
        .innerJoin('positions as p', 'p.id', 'pa.position_id')
        .innerJoin('organisations as o', 'o.id', 'p.org_id')
        .select(['u.given_name as given', 'u.family_name as family', 'u.email as email', 'u.ni_number as ni', 'p.roles as roles', 'o.code as code'])
        .where('u.uuid', '=', p.uuid)
        .execute();
      expect(row, p.key).toHaveLength(1);
      expect(row[0]).toEqual({ given: p.givenName, family: p.familyName, email: p.email, ni: p.niNumber, roles: p.roles.join(','), code: p.orgCode });
      expect(isSelfServiceEmail(p.email)).toBe(true);
      expect(NiNumber.parse(p.niNumber)).toBe(p.niNumber);
    }
    const roles = Object.fromEntries(PERSONAS.map((p) => [p.key, p.roles.join(',')]));
    expect(roles).toEqual({ clinician: '', sponsor: 'S', lsa: 'LSA', 'ra-agent': 'RAA', 'ra-manager': 'RAM', 'card-near-expiry': '', 'locked-card': '', 'card-expired': '', 'id-checker': 'IDC' });
  });

  it('gives the personas no cards (the card factory makes those)', async () => {
    expect(
      await count(
        sql`SELECT count(*) AS n FROM cards c JOIN users u ON u.id = c.user_id WHERE u.uuid IN (${sql.join(PERSONAS.map((p) => p.uuid))})`,
      ),
    ).toBe(0);
  });

  const users = async (on: Db): Promise<number> => count(sql`SELECT count(*) AS n FROM users`, on);
  const organisations = async (on: Db): Promise<number> => count(sql`SELECT count(*) AS n FROM organisations`, on);

  /** Takes a persona out as if the database had been seeded before they existed. */
  async function withoutPersona(on: Db, uuid: string): Promise<void> {
    const { id } = await on.selectFrom('users').select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow();
    await on.deleteFrom('position_assignments').where('user_id', '=', id).execute();
    await on.deleteFrom('users').where('id', '=', id).execute();
  }

  it('seeds the personas alone into an empty database, and finding them again changes nothing', async () => {
    const rw = await open(await seededFile({ users: 0, personas: true }));
    const codes = (await rw.selectFrom('organisations').select('code').orderBy('id').execute()).map((r) => r.code);
    expect(codes).toEqual(TRAINING_ORGANISATIONS.map((o) => o.code));
    expect((await rw.selectFrom('organisations').select('parent_id').where('code', '=', 'RZZ').executeTakeFirstOrThrow()).parent_id).toBeNull();
    const first = await seedPersonas(rw);
    const again = await seedPersonas(rw);
    expect(again).toEqual(first);
    expect(await users(rw)).toBe(PERSONAS.length);
  });

  it('refuses a database holding only some of the personas', async () => {
    const rw = await open(await seededFile({ users: 0, personas: true }));
    await withoutPersona(rw, PERSONAS[0]!.uuid);
    await expect(seedPersonas(rw)).rejects.toThrow(/only 8 of the 9/);
  });

  it('adds the personas introduced since to a database seeded with the older seven', async () => {
    const rw = await open(await seededFile({ users: 0, personas: true }));
    const newest = PERSONAS.at(-1)!;
    await withoutPersona(rw, newest.uuid);
    await rw.deleteFrom('positions').where('title', '=', newest.positionTitle).execute();
    const organisationsBefore = await organisations(rw);
    const seeded = await seedPersonas(rw);
    expect(seeded.map((s) => s.persona.key)).toEqual(PERSONAS.map((p) => p.key));
    expect(await users(rw)).toBe(PERSONAS.length);
    expect(await organisations(rw)).toBe(organisationsBefore);
    expect(await seedPersonas(rw)).toEqual(seeded);
  });
});
