import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSelfServiceEmail, NiNumber } from '../../../src-shared/api/service-common.js';
import { normaliseName } from '../../../src-service/cim/normalise-name.js';
import { PERSONAS, seedPersonas, TRAINING_ORGANISATIONS } from '../../../src-service/seed/personas.js';
import { SeedError } from '../../../src-service/seed/seed-error.js';
import { seedDatabaseFile } from '../../../src-service/seed/seed-file.js';
import { openDatabase, type Db } from '../../../src-service/store/database.js';
import { tempDbFile } from '../../support/service-fixtures.js';

// The synthetic directory at a small size: reproducible from its seed, shaped like the national
// directory (a tree of organisations with ODS-shaped codes, staff with positions, cards and
// certificates in realistic proportions), and carrying the training personas.

const AS_OF = '2025-06-01';
const USERS = 2_000;
const DIRECTORY_TABLES = ['organisations', 'positions', 'users', 'position_assignments', 'cards', 'certificates'];

const made: string[] = [];
function seededFile(options: { users?: number; seed?: number; personas?: boolean } = {}): string {
  const file = tempDbFile('cis-seed-');
  made.push(file);
  seedDatabaseFile(file, { users: options.users ?? USERS, seed: options.seed ?? 7, asOf: AS_OF, personas: options.personas ?? true });
  return file;
}

/** Every directory row, in key order, hashed: equal hashes mean identical directories. */
function directoryHash(file: string): string {
  const db = openDatabase(file, { readonly: true });
  const hash = createHash('sha256');
  for (const table of DIRECTORY_TABLES) {
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).iterate()) hash.update(JSON.stringify(row));
  }
  db.close();
  return hash.digest('hex');
}

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
const count = (sql: string, ...params: unknown[]): number => db.prepare(sql).pluck().get(...params) as number;

beforeAll(() => {
  file = seededFile();
  db = openDatabase(file, { readonly: true });
  orgs = db.prepare('SELECT * FROM organisations ORDER BY id').all() as OrgRow[];
  for (const o of orgs) byId.set(o.id, o);
});

afterAll(() => {
  db.close();
  for (const f of made.splice(0)) rmSync(dirname(f), { recursive: true, force: true });
});

describe('seed: reproducible', () => {
  it('rule: the same seed and reference day write an identical directory, row for row', () => {
    expect(directoryHash(seededFile())).toBe(directoryHash(file));
  });

  it('a different seed writes a different directory of the same size', () => {
    const other = seededFile({ seed: 8 });
    expect(directoryHash(other)).not.toBe(directoryHash(file));
    const o = openDatabase(other, { readonly: true });
    expect(o.prepare('SELECT count(*) FROM users').pluck().get()).toBe(USERS + PERSONAS.length);
    o.close();
  });

  it('writes the same directory into an existing empty database, journalled instead of in bulk', () => {
    const existing = tempDbFile('cis-seed-');
    made.push(existing);
    openDatabase(existing).close();
    const report = seedDatabaseFile(existing, { users: USERS, seed: 7, asOf: AS_OF, personas: true });
    expect(report.bulk).toBe(false);
    expect(directoryHash(existing)).toBe(directoryHash(file));
  });

  it('rule: a database that already has a directory is refused and left as it was', () => {
    const before = directoryHash(file);
    expect(() => seedDatabaseFile(file, { users: 10, seed: 1, asOf: AS_OF })).toThrow(SeedError);
    expect(directoryHash(file)).toBe(before);
  });

  it('leaves the file in the service mode: WAL journal, foreign keys consistent', () => {
    const rw = openDatabase(file);
    expect(rw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(rw.pragma('foreign_key_check')).toEqual([]);
    expect(rw.pragma('integrity_check', { simple: true })).toBe('ok');
    rw.close();
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
  it('rule: National Insurance numbers are unique and valid in form', () => {
    const numbers = db.prepare('SELECT ni_number FROM users').pluck().all() as string[];
    expect(numbers).toHaveLength(USERS + PERSONAS.length);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const ni of numbers) expect(NiNumber.parse(ni)).toBe(ni);
    // Prefixes HMRC never issues.
    expect(numbers.filter((ni) => /^(BG|GB|KN|NK|NT|TN|ZZ)|^.O/.test(ni))).toEqual([]);
  });

  it('has British names including accents, apostrophes, hyphens and spaces, each with its search form', () => {
    const names = db.prepare('SELECT given_name AS given, family_name AS family, given_name_norm AS givenNorm, family_name_norm AS familyNorm FROM users').all() as {
      given: string;
      family: string;
      givenNorm: string;
      familyNorm: string;
    }[];
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

  it('gives most users an @nhs.net address (unique) and many a mobile in the range kept for drama', () => {
    const emails = db.prepare('SELECT email FROM users WHERE email IS NOT NULL').pluck().all() as string[];
    expect(emails.filter((e) => e.endsWith('@nhs.net')).length / USERS).toBeGreaterThan(0.8);
    expect(new Set(emails).size).toBe(emails.length);
    const mobiles = db.prepare('SELECT mobile FROM users WHERE mobile IS NOT NULL').pluck().all() as string[];
    expect(mobiles.length / USERS).toBeGreaterThan(0.5);
    for (const m of mobiles) expect(m).toMatch(/^07700900\d{3}$/);
  });

  it('rule: every user has an active position assignment at their home organisation; some have two', () => {
    const active = `pa.removed_at IS NULL AND pa.start_date <= @asOf AND (pa.end_date IS NULL OR pa.end_date >= @asOf)`;
    expect(
      count(`SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM position_assignments pa JOIN positions p ON p.id = pa.position_id
               WHERE pa.user_id = u.id AND p.org_id = u.home_org_id AND ${active.replace(/@asOf/g, `'${AS_OF}'`)})`),
    ).toBe(0);
    const twoOrMore = count(
      `SELECT count(*) FROM (SELECT pa.user_id FROM position_assignments pa WHERE ${active.replace(/@asOf/g, `'${AS_OF}'`)} GROUP BY pa.user_id HAVING count(*) >= 2)`,
    );
    expect(twoOrMore / USERS).toBeGreaterThan(0.04);
    expect(twoOrMore / USERS).toBeLessThan(0.2);
    // Some assignments have ended: those no longer count for scope.
    expect(count('SELECT count(*) FROM position_assignments WHERE end_date < ?', AS_OF)).toBeGreaterThan(0);
  });

  it('rule: RA staff are few and sponsors more numerous, as in a real directory', () => {
    const holders = (role: string): number =>
      count(
        `SELECT count(DISTINCT pa.user_id) FROM position_assignments pa JOIN positions p ON p.id = pa.position_id
          WHERE (',' || p.roles || ',') LIKE ? AND (pa.end_date IS NULL OR pa.end_date >= ?)`,
        `%,${role},%`,
        AS_OF,
      );
    const ra = holders('RAM') + holders('RAA(A)') + holders('RAA');
    const sponsors = holders('S');
    expect(holders('RAM')).toBeGreaterThan(0);
    expect(ra / USERS).toBeLessThan(0.01);
    expect(sponsors).toBeGreaterThan(5 * ra);
    expect(sponsors / USERS).toBeLessThan(0.12);
    expect(holders('LSA')).toBeGreaterThan(0);
    expect(holders('IDC')).toBeGreaterThan(0);
    // RA positions are kept by the RA team: a sponsor may not hand them out.
    expect(count("SELECT count(*) FROM positions WHERE assignable = 1 AND (roles LIKE '%RA%' OR roles LIKE '%IDC%')")).toBe(0);
  });
});

describe('seed: cards and certificates', () => {
  it('rule: every seeded user has exactly one card with one certificate record', () => {
    expect(count('SELECT count(*) FROM cards')).toBe(USERS);
    expect(count('SELECT count(DISTINCT user_id) FROM cards')).toBe(USERS);
    expect(count('SELECT count(*) FROM certificates')).toBe(USERS);
    expect(count('SELECT count(DISTINCT card_id) FROM certificates')).toBe(USERS);
    expect(count('SELECT count(DISTINCT uuid) FROM cards')).toBe(USERS);
  });

  it('has about 2% of cards locked, a few revoked, the rest active; closed profiles have revoked cards', () => {
    const share = (status: string): number => count('SELECT count(*) FROM cards WHERE status = ?', status) / USERS;
    expect(share('locked')).toBeGreaterThan(0.01);
    expect(share('locked')).toBeLessThan(0.035);
    expect(share('revoked')).toBeGreaterThan(0);
    expect(share('revoked')).toBeLessThan(0.02);
    expect(share('active')).toBeGreaterThan(0.95);
    expect(count("SELECT count(*) FROM users u JOIN cards c ON c.user_id = u.id WHERE u.status = 'closed' AND c.status <> 'revoked'")).toBe(0);
    expect(count("SELECT count(*) FROM cards c JOIN certificates t ON t.card_id = c.id WHERE c.status = 'revoked' AND t.revoked_at IS NULL")).toBe(0);
  });

  it('rule: expiries spread over the next three years, so some fall within the 90-day renewal window and a few have expired', () => {
    const within90 = count("SELECT count(*) FROM certificates WHERE not_after >= ? AND not_after < date(?, '+90 days')", AS_OF, AS_OF) / USERS;
    const expired = count('SELECT count(*) FROM certificates WHERE not_after < ?', AS_OF) / USERS;
    expect(within90).toBeGreaterThan(0.04);
    expect(within90).toBeLessThan(0.13);
    expect(expired).toBeGreaterThan(0.005);
    expect(expired).toBeLessThan(0.06);
    expect(count("SELECT count(*) FROM certificates WHERE not_after > date(?, '+3 years', '+1 day')", AS_OF)).toBe(0);
    expect(count('SELECT count(*) FROM certificates WHERE not_before > ?', AS_OF)).toBe(0);
  });

  it('writes no certificate DER and no card secrets for seeded cards', () => {
    expect(count('SELECT count(*) FROM certificates WHERE der IS NOT NULL')).toBe(0);
    expect(count('SELECT count(*) FROM cards WHERE puk_sealed IS NOT NULL OR management_key_sealed IS NOT NULL OR management_key_algorithm IS NOT NULL')).toBe(0);
    expect(count('SELECT count(DISTINCT serial) FROM certificates')).toBe(USERS);
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

  it('rule: each persona has their fixed UUID, an NHS email, and a position carrying exactly their RA roles at their organisation', () => {
    expect(PERSONAS.map((p) => p.roleLabel)).toEqual([
      'Clinician',
      'Sponsor',
      'Local Smartcard Administrator',
      'RA Agent',
      'RA Manager',
      'Card near expiry',
      'Locked card',
      'Card expired',
    ]);
    for (const p of PERSONAS) {
      const row = db
        .prepare(
          `SELECT u.given_name AS given, u.family_name AS family, u.email, u.ni_number AS ni, p.roles, o.code
             FROM users u JOIN position_assignments pa ON pa.user_id = u.id JOIN positions p ON p.id = pa.position_id JOIN organisations o ON o.id = p.org_id
            WHERE u.uuid = ?`,
        )
        .all(p.uuid) as { given: string; family: string; email: string; ni: string; roles: string; code: string }[];
      expect(row, p.key).toHaveLength(1);
      expect(row[0]).toEqual({ given: p.givenName, family: p.familyName, email: p.email, ni: p.niNumber, roles: p.roles.join(','), code: p.orgCode });
      expect(isSelfServiceEmail(p.email)).toBe(true);
      expect(NiNumber.parse(p.niNumber)).toBe(p.niNumber);
    }
    const roles = Object.fromEntries(PERSONAS.map((p) => [p.key, p.roles.join(',')]));
    expect(roles).toEqual({ clinician: '', sponsor: 'S', lsa: 'LSA', 'ra-agent': 'RAA', 'ra-manager': 'RAM', 'card-near-expiry': '', 'locked-card': '', 'card-expired': '' });
  });

  it('gives the personas no cards (the card factory makes those)', () => {
    expect(count(`SELECT count(*) FROM cards c JOIN users u ON u.id = c.user_id WHERE u.uuid IN (${PERSONAS.map(() => '?').join(',')})`, ...PERSONAS.map((p) => p.uuid))).toBe(0);
  });

  it('seeds the personas alone into an empty database, and finding them again changes nothing', () => {
    const alone = seededFile({ users: 0, personas: true });
    const rw = openDatabase(alone);
    const codes = rw.prepare('SELECT code FROM organisations ORDER BY id').pluck().all();
    expect(codes).toEqual(TRAINING_ORGANISATIONS.map((o) => o.code));
    expect(rw.prepare("SELECT parent_id FROM organisations WHERE code = 'RZZ'").pluck().get()).toBeNull();
    const first = seedPersonas(rw);
    const again = seedPersonas(rw);
    expect(again).toEqual(first);
    expect(rw.prepare('SELECT count(*) FROM users').pluck().get()).toBe(PERSONAS.length);
    rw.close();
  });

  it('refuses a database holding only some of the personas', () => {
    const alone = seededFile({ users: 0, personas: true });
    const rw = openDatabase(alone);
    rw.pragma('foreign_keys = OFF');
    rw.prepare('DELETE FROM position_assignments WHERE user_id = (SELECT id FROM users WHERE uuid = ?)').run(PERSONAS[0]!.uuid);
    rw.prepare('DELETE FROM users WHERE uuid = ?').run(PERSONAS[0]!.uuid);
    expect(() => seedPersonas(rw)).toThrow(/only 7 of the 8/);
    rw.close();
  });

  it('adds the personas introduced since to a database seeded with the older seven', () => {
    const alone = seededFile({ users: 0, personas: true });
    const rw = openDatabase(alone);
    const newest = PERSONAS.at(-1)!;
    rw.pragma('foreign_keys = OFF');
    rw.prepare('DELETE FROM position_assignments WHERE user_id = (SELECT id FROM users WHERE uuid = ?)').run(newest.uuid);
    rw.prepare('DELETE FROM users WHERE uuid = ?').run(newest.uuid);
    rw.prepare('DELETE FROM positions WHERE title = ?').run(newest.positionTitle);
    rw.pragma('foreign_keys = ON');
    const organisations = rw.prepare('SELECT count(*) FROM organisations').pluck().get();
    const seeded = seedPersonas(rw);
    expect(seeded.map((s) => s.persona.key)).toEqual(PERSONAS.map((p) => p.key));
    expect(rw.prepare('SELECT count(*) FROM users').pluck().get()).toBe(PERSONAS.length);
    expect(rw.prepare('SELECT count(*) FROM organisations').pluck().get()).toBe(organisations);
    expect(seedPersonas(rw)).toEqual(seeded);
    rw.close();
  });
});
