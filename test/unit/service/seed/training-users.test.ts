import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingUsers, TRAINING_CLOSE_REQUESTED_USER, TRAINING_CLOSED_USER } from '../../../../src-service/seed/training-users.js';
import { sessionFor } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';

// Training mode's user-profile examples: the RA agent finds a closed profile to reopen and a
// sponsor's close request waiting, through the same endpoints as anywhere else.

let h: Harness;
let raAgent: string;
beforeAll(async () => {
  h = await startHarness();
  const seeded = await seedPersonas(h.db);
  await seedTrainingUsers(h.db);
  const priya = seeded.find((s) => s.persona.key === 'ra-agent');
  if (!priya) throw new Error('no RA agent persona');
  raAgent = await sessionFor(h.db, priya.userId, priya.positionId);
});
afterAll(async () => {
  await h.close();
});

describe('training users', () => {
  it("rule: the RA agent sees the sponsor's pending close request on Daniel Moss's profile", async () => {
    const res = await h.call('GET', `/v1/users/${TRAINING_CLOSE_REQUESTED_USER.uuid}/status-request`, { token: raAgent });
    expect(res.status).toBe(200);
    expect(res.body.pending).toMatchObject({ action: 'close', requestedBy: 'Grace Okafor', reason: 'Left the hospital at the end of his contract.' });
    expect((await h.call('GET', `/v1/users/${TRAINING_CLOSE_REQUESTED_USER.uuid}`, { token: raAgent })).body.status).toBe('open');
  });

  it("rule: Oliver Grant's profile is closed, and is the existing profile for his NI number and date of birth", async () => {
    expect((await h.call('GET', `/v1/users/${TRAINING_CLOSED_USER.uuid}`, { token: raAgent })).body.status).toBe('closed');
    const again = await h.call('POST', '/v1/users', {
      token: raAgent,
      json: { givenName: 'Oliver', familyName: 'Grant', dateOfBirth: TRAINING_CLOSED_USER.dateOfBirth, niNumber: TRAINING_CLOSED_USER.niNumber, homeOrganisationCode: 'RZZ01' },
    });
    expect(again.status).toBe(409);
    expect(again.body.existing).toEqual({ uuid: TRAINING_CLOSED_USER.uuid, name: 'Oliver Grant' });
  });

  it('rule: seeding again on the next start adds nothing', async () => {
    const before = await tableCounts(h.db);
    await seedTrainingUsers(h.db);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it("rule: the RA agent reopens Oliver Grant's profile", async () => {
    const res = await h.call('POST', `/v1/users/${TRAINING_CLOSED_USER.uuid}/reopen`, { token: raAgent, json: { reason: 'Rejoined the hospital' } });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('reopened');
  });
});
