import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PositionRequestPage, RequestablePositions } from '../../../../src-shared/api/cim-positions.js';
import { personaByKey, seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingPositions, TRAINING_POSITIONS } from '../../../../src-service/seed/training-positions.js';
import { sessionFor } from '../../../support/service-fixtures.js';
import { startHarness, type Harness } from '../cim/cim-harness.js';

// Training mode gives trainees positions to request and requests to decide.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function sessionOf(key: Parameters<typeof personaByKey>[0]): Promise<string> {
  const seeded = (await seedPersonas(h.db)).find((s) => s.persona.key === key);
  if (!seeded) throw new Error(`no ${key}`);
  return sessionFor(h.db, seeded.userId, seeded.positionId);
}

describe('training positions', () => {
  it('rule: the RA agent and the sponsor each find waiting requests to decide, and writing the seed again adds nothing', async () => {
    await seedPersonas(h.db);
    await seedTrainingPositions(h.db, h.service.ctx.now());
    await seedTrainingPositions(h.db, h.service.ctx.now());
    const positions = await h.db.selectFrom('positions').select('title').where('title', 'in', TRAINING_POSITIONS.map((p) => p.title)).execute();
    expect(positions).toHaveLength(TRAINING_POSITIONS.length);
    const agent = PositionRequestPage.parse((await h.call('GET', '/v1/position-requests', { token: await sessionOf('ra-agent') })).body);
    expect(agent.total).toBe(5);
    const sponsor = PositionRequestPage.parse((await h.call('GET', '/v1/position-requests', { token: await sessionOf('sponsor') })).body);
    expect(sponsor.total).toBeGreaterThan(0);
    expect(sponsor.requests.some((r) => r.requestedBy.name === 'Grace Okafor')).toBe(true);
  });

  it('rule: the sponsor is offered open positions for a colleague, some assignable and some not, and never a closed one', async () => {
    const res = await h.call('GET', `/v1/users/${personaByKey('clinician').uuid}/requestable-positions`, { token: await sessionOf('sponsor') });
    const offered = RequestablePositions.parse(res.body);
    expect(offered.positions.some((p) => p.assignable)).toBe(true);
    expect(offered.positions.some((p) => !p.assignable)).toBe(true);
    expect(offered.positions.map((p) => p.title)).not.toContain('Night Sister (old rota)');
  });
});
