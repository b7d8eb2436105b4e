import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUsers, nameReadings } from '../../../../src-service/cim/find-users.js';
import { seededRandom } from '../../../../src-service/seed/prng.js';
import { seedDatabase } from '../../../../src-service/seed/seed-file.js';
import { openDatabase, type Db } from '../../../../src-service/store/database.js';
import { tempDbFile } from '../../../support/service-fixtures.js';

// findUsers against a seeded directory, checked against a plain in-memory reading of the rules:
// whichever way a scoped search walks (the name index, or the subtree's organisations), it must
// return exactly the users the rules pick, in family-then-given-name order, with truncated right.

const TODAY = '2025-06-01';
const USERS = 3_000;

interface Person {
  id: number;
  uuid: string;
  family: string;
  familyNorm: string;
  givenNorm: string;
  homePath: string;
  /** Paths of organisations where an assignment runs today (not removed, not ended). */
  activePaths: string[];
}

let file: string;
let db: Db;
let people: Person[];
let scopes: { label: string; path: string }[];

const utf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function expected(name: string, scope: string | undefined, limit: number): { uuids: string[]; truncated: boolean } {
  const readings = nameReadings(name);
  const hits = people
    .filter((p) => readings.some((r) => p.familyNorm.startsWith(r.family) && (r.given === undefined || p.givenNorm.startsWith(r.given))))
    .filter((p) => scope === undefined || p.homePath.startsWith(scope) || p.activePaths.some((path) => path.startsWith(scope)))
    .sort((a, b) => utf8(a.familyNorm, b.familyNorm) || utf8(a.givenNorm, b.givenNorm) || a.id - b.id);
  return { uuids: hits.slice(0, limit).map((p) => p.uuid), truncated: hits.length > limit };
}

beforeAll(async () => {
  file = tempDbFile('cis-find-walks-');
  await seedDatabase(file, { users: USERS, seed: 11, asOf: TODAY, personas: true });
  db = await openDatabase(file);
  const found = await db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.home_org_id')
    .select(['u.id as id', 'u.uuid as uuid', 'u.family_name as family', 'u.family_name_norm as familyNorm', 'u.given_name_norm as givenNorm', 'o.path as homePath'])
    .execute();
  const active = await db
    .selectFrom('position_assignments as pa')
    .innerJoin('positions as p', 'p.id', 'pa.position_id')
    .innerJoin('organisations as o', 'o.id', 'p.org_id')
    .select(['pa.user_id as userId', 'o.path as path'])
    .where('pa.removed_at', 'is', null)
    .where((eb) => eb.or([eb('pa.end_date', 'is', null), eb('pa.end_date', '>=', TODAY)]))
    .execute();
  const byId = new Map(found.map((p) => [p.id, { ...p, activePaths: [] as string[] }]));
  for (const a of active) byId.get(a.userId)?.activePaths.push(a.path);
  people = [...byId.values()];
  const first = async (kind: 'trust' | 'site' | 'directorate' | 'gp-practice' | undefined, code?: string): Promise<string> => {
    let query = db.selectFrom('organisations').select('path').orderBy('id').limit(1);
    if (kind) query = query.where('kind', '=', kind);
    if (code) query = query.where('code', '>=', code).where('code', '<', `${code}\u{10FFFF}`);
    return (await query.executeTakeFirstOrThrow()).path;
  };
  scopes = [
    { label: 'trust', path: await first('trust') },
    { label: 'site', path: await first('site') },
    { label: 'directorate', path: await first('directorate') },
    { label: 'gp practice', path: await first('gp-practice') },
    { label: 'board', path: await first(undefined, 'Q') },
    { label: 'national root', path: (await db.selectFrom('organisations').select('path').where('code', '=', 'X24').executeTakeFirstOrThrow()).path },
  ];
});

afterAll(async () => {
  await db.destroy();
  if (!file.startsWith('postgres')) rmSync(dirname(file), { recursive: true, force: true });
});

/** Searches people could type, taken from the directory: surname prefixes and both two-name forms. */
function searches(count: number): string[] {
  const random = seededRandom(5);
  return Array.from({ length: count }, (_, i) => {
    const p = people[random.int(people.length)]!;
    const family = p.family.slice(0, 1 + random.int(p.family.length));
    const given = p.givenNorm.slice(0, 1 + random.int(3));
    return [family, `${given} ${family}`, `${family}, ${given}`][i % 3]!;
  });
}

describe('findUsers on a seeded directory', () => {
  it('rule: name searches return exactly the matching users in family-then-given order, with truncated right', async () => {
    for (const name of searches(150)) {
      for (const limit of [5, 25]) {
        const got = await findUsers(db, { name, limit, today: TODAY });
        const want = expected(name, undefined, limit);
        expect({ uuids: got.results.map((r) => r.uuid), truncated: got.truncated }, `${name} / ${limit}`).toEqual(want);
      }
    }
  });

  it('rule: "only my organisations" returns the same users whether the search walks names or the subtree', async () => {
    let nonEmpty = 0;
    for (const name of searches(60)) {
      for (const scope of scopes) {
        const want = expected(name, scope.path, 25);
        if (want.uuids.length > 0) nonEmpty++;
        for (const walk of ['names', 'subtree', undefined] as const) {
          const got = await findUsers(db, { name, limit: 25, today: TODAY, withinOrgPath: scope.path, walk });
          expect({ uuids: got.results.map((r) => r.uuid), truncated: got.truncated }, `${name} in ${scope.label}, walking ${walk ?? 'auto'}`).toEqual(want);
        }
      }
    }
    // The comparison is only worth something if many of the scoped searches find people.
    expect(nonEmpty).toBeGreaterThan(100);
  });

  it('rule: a user based elsewhere is in scope through a running assignment, and out of it once that has ended', async () => {
    const visitor = people.find((p) => p.activePaths.some((path) => !path.startsWith(p.homePath) && !p.homePath.startsWith(path)))!;
    const away = visitor.activePaths.find((path) => !path.startsWith(visitor.homePath))!;
    const search = { name: `${visitor.givenNorm} ${visitor.familyNorm}`, limit: 100, today: TODAY, withinOrgPath: away };
    expect((await findUsers(db, search)).results.map((r) => r.uuid)).toContain(visitor.uuid);
    await db
      .updateTable('position_assignments')
      .set({ end_date: '2025-05-31' })
      .where('user_id', '=', visitor.id)
      .where('position_id', 'in', (eb) =>
        eb.selectFrom('positions as p').innerJoin('organisations as o', 'o.id', 'p.org_id').select('p.id').where('o.path', '>=', away).where('o.path', '<', `${away}\u{10FFFF}`),
      )
      .execute();
    for (const walk of ['names', 'subtree'] as const) {
      expect((await findUsers(db, { ...search, walk })).results.map((r) => r.uuid), walk).not.toContain(visitor.uuid);
    }
  });
});
