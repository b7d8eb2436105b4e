import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchReport, BatchResult } from '../../../../src-shared/api/cim-batch.js';
import { seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingPositions } from '../../../../src-service/seed/training-positions.js';
import { batchExampleCsv } from '../../../../src-renderer/cim/batch/batch-example.js';
import { sessionFor } from '../../../support/service-fixtures.js';
import { startHarness, TODAY, type Harness } from './cim-harness.js';

// The example file the batch page offers trainees works against the training directory: the RA
// manager persona uploads it unchanged, sees its one deliberately bad row, and applies the rest.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('the training example file', () => {
  it("rule: the example checks against the training directory with exactly its one bad row, and the RA manager's Apply makes its three changes", async () => {
    const seeded = await seedPersonas(h.db);
    // Seeding twice (training mode does it on every start) adds nothing.
    await seedPersonas(h.db);
    await seedTrainingPositions(h.db, h.service.ctx.now());
    const manager = seeded.find((s) => s.persona.key === 'ra-manager');
    if (!manager) throw new Error('no RA manager persona');
    const token = await sessionFor(h.db, manager.userId, manager.positionId);

    const res = await h.call('POST', '/v1/assignment-batches', { token, json: { csv: batchExampleCsv(TODAY), fileName: 'example.csv' } });
    expect(res.status).toBe(201);
    const report = BatchReport.parse(res.body);
    expect(report).toMatchObject({ rows: 4, valid: 3, adds: 2, changes: 1, removals: 0 });
    expect(report.errors).toEqual([{ row: 5, message: 'no user has National Insurance number JX123456C' }]);

    const applied = await h.call('POST', `/v1/assignment-batches/${report.batchId}/apply`, { token });
    expect(BatchResult.parse(applied.body)).toMatchObject({ applied: 3, skipped: 1, notApplied: 0 });
    const positions = await h.db
      .selectFrom('positions')
      .select('title')
      .where('title', 'in', ['Healthcare Assistant', 'Ward Clerk'])
      .execute();
    expect(positions.map((p) => p.title).sort()).toEqual(['Healthcare Assistant', 'Ward Clerk']);
  });
});
