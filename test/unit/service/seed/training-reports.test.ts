import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingReports, TRAINING_REPORT_PEOPLE } from '../../../../src-service/seed/training-reports.js';
import { sessionFor } from '../../../support/service-fixtures.js';
import { NOW, startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';

// Training mode's reports have something to show the RA manager persona: cards expiring within
// 30 days, locked cards, self-service and sponsor unlocks, renewals, pending requests, more
// people than one page holds. Written once: a restart adds nothing.

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness();
  const seeded = await seedPersonas(h.db);
  await seedTrainingReports(h.db, NOW);
  const manager = seeded.find((s) => s.persona.key === 'ra-manager');
  if (!manager) throw new Error('no RA manager persona');
  token = await sessionFor(h.db, manager.userId, manager.positionId);
});
afterAll(async () => {
  await h.close();
});

const run = async (report: string, query = '') => {
  const res = await h.call('GET', `/v1/reports/${report}?pageSize=100${query}`, { token });
  expect(res.status).toBe(200);
  return res.body as { total: number; rows: Record<string, unknown>[] };
};

describe('the training reports seed', () => {
  it('rule: every pinned report has rows for the training RA manager, and the users report runs to more than one page', async () => {
    expect((await run('users-positions')).total).toBeGreaterThan(25 + TRAINING_REPORT_PEOPLE / 2);
    expect((await run('cards-expiring', '&days=30')).total).toBeGreaterThan(3);
    expect((await run('cards-locked')).total).toBeGreaterThan(2);
    const events = (await run('card-unlocks-renewals')).rows.map((r) => `${String(r.event)} ${String(r.by)}`);
    expect(new Set(events)).toEqual(new Set(['Unlocked Self-service', 'Unlocked Sponsor', 'Renewed Self-service']));
    expect((await run('position-requests', '&state=pending')).total).toBeGreaterThan(0);
  });

  it('rule: seeding again adds nothing', async () => {
    const before = await tableCounts(h.db);
    await seedTrainingReports(h.db, NOW);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
