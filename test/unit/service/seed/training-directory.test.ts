import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingDirectory } from '../../../../src-service/seed/training-directory.js';
import type { Db } from '../../../../src-service/store/database.js';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';

// The training directory around the personas: an organisation tree under the Training NHS
// Trust, a few hundred people in positions, workgroups, and one profile with 50 assignments.

let first: Harness;
let second: Harness;
beforeAll(async () => {
  [first, second] = await Promise.all([startHarness(), startHarness()]);
  for (const h of [first, second]) {
    await seedPersonas(h.db);
    await seedTrainingDirectory(h.db);
  }
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
});

const people = (db: Db) => db.selectFrom('users').select(['uuid', 'given_name', 'family_name', 'ni_number']).orderBy('id').execute();

describe('the training directory', () => {
  it('rule: the trust has sites, directorates and GP practices below it, each path inside the trust', async () => {
    const trust = await first.db.selectFrom('organisations').select(['id', 'path']).where('code', '=', 'RZZ').executeTakeFirstOrThrow();
    const below = await first.db.selectFrom('organisations').select(['code', 'kind', 'path']).where('path', 'like', `${trust.path}%`).where('id', '!=', trust.id).execute();
    expect(new Set(below.map((o) => o.kind))).toEqual(new Set(['site', 'directorate', 'gp-practice']));
    expect(below.length).toBeGreaterThanOrEqual(12);
    expect(below.map((o) => o.code)).toContain('RZZ01MED');
  });

  it('rule: a few hundred people, the same ones on every start, none sharing a persona surname or an NI number', async () => {
    const [a, b] = [await people(first.db), await people(second.db)];
    expect(a.length).toBeGreaterThan(300);
    expect(a).toEqual(b);
    const personaSurnames = ['Hart', 'Okafor', 'Bradley', 'Patel', "O'Connor", 'Smith-Jones', 'Evans', 'Roberts'];
    expect(a.filter((p) => personaSurnames.includes(p.family_name))).toHaveLength(8);
    expect(new Set(a.map((p) => p.ni_number)).size).toBe(a.length);
  });

  it('rule: one bank nurse has 50 assignments, three of them still running', async () => {
    const nurse = await first.db.selectFrom('users').select('id').where('family_name', '=', 'Adeyemi-Ward').executeTakeFirstOrThrow();
    const rows = await first.db.selectFrom('position_assignments').select(['end_date']).where('user_id', '=', nurse.id).execute();
    expect(rows).toHaveLength(50);
    expect(rows.filter((r) => r.end_date === null)).toHaveLength(3);
  });

  it('rule: workgroups have members', async () => {
    const members = await first.db.selectFrom('workgroup_assignments').select('user_id').execute();
    expect(members.length).toBeGreaterThan(30);
  });

  it('rule: seeding again on the next start adds nothing', async () => {
    const before = await tableCounts(first.db);
    await seedTrainingDirectory(first.db);
    expect(await tableCounts(first.db)).toEqual(before);
  });
});
