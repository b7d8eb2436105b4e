import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponse } from '../../../../src-shared/api/service-common.js';
import { testEngine } from '../../../support/service-fixtures.js';
import { startHarness, type Harness } from '../cim/cim-harness.js';

// GET /v1/health: what load balancers and the agent poll. It answers from the store (a service
// that has lost its database does not say "ok") and names the engine the store runs on, never
// where the store is.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('the health check', () => {
  it('rule: the health check reports the schema version and the engine the store runs on, and not where the store is', async () => {
    const res = await h.call('GET', '/v1/health');
    expect(res.status).toBe(200);
    const body = HealthResponse.parse(res.body);
    expect(body).toEqual({ status: 'ok', schemaVersion: expect.any(Number), database: testEngine() });
    expect(body.schemaVersion).toBeGreaterThan(0);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(h.service.ctx.config.dbFile);
    expect(text).not.toMatch(/postgres:\/\/|\.sqlite/);
  });
});
