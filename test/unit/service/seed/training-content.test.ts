import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingContent } from '../../../../src-service/seed/training-content.js';
import { startHarness, type Harness } from '../cim/cim-harness.js';

// Training mode's whole directory, written as a start writes it: every step together.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function counts(): Promise<Record<string, number>> {
  const tables = ['users', 'positions', 'position_assignments', 'position_requests', 'workgroups', 'esr_requests', 'profile_status_requests'] as const;
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return out;
}

describe('training content', () => {
  it('rule: no organisation has two open positions of one title, so a position named by organisation and title is never ambiguous', async () => {
    await seedPersonas(h.db);
    await seedTrainingContent(h.db, h.service.ctx.now());
    const twice = await h.db
      .selectFrom('positions')
      .select(['org_id', 'title', (eb) => eb.fn.countAll().as('n')])
      .where('closed', '=', 0)
      .groupBy(['org_id', 'title'])
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(twice).toEqual([]);
  });

  it('rule: a second start writes nothing more', async () => {
    await seedPersonas(h.db);
    await seedTrainingContent(h.db, h.service.ctx.now());
    const before = await counts();
    expect(before.users).toBeGreaterThan(300);
    await seedPersonas(h.db);
    await seedTrainingContent(h.db, h.service.ctx.now());
    expect(await counts()).toEqual(before);
  });
});
