import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestsResponse } from '../../../../src-shared/api/cim-requests.js';
import { personaByKey, seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingRequests } from '../../../../src-service/seed/training-requests.js';
import { seedTrainingUsers } from '../../../../src-service/seed/training-users.js';
import { sessionFor } from '../../../support/service-fixtures.js';
import { startHarness, type Harness } from './cim-harness.js';

// Training mode's Requests (seed/training-requests.ts): the RA agent finds a change of details
// and the sample ESR file waiting, once however often training starts (and the close request
// the training users bring, seed/training-users.ts).

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('training requests', () => {
  it('rule: training seeds a detail-change request and the sample ESR file once; with the close request of the training users, the RA agent sees them by kind', async () => {
    const seeded = await seedPersonas(h.db);
    await seedTrainingUsers(h.db);
    await seedTrainingRequests(h.db);
    await seedTrainingRequests(h.db);
    const agent = seeded.find((s) => s.persona.key === 'ra-agent');
    if (!agent) throw new Error('no RA agent persona');
    const token = await sessionFor(h.db, agent.userId, agent.positionId);
    const res = await h.call('GET', '/v1/requests', { token });
    expect(res.status).toBe(200);
    const listed = RequestsResponse.parse(res.body);
    expect(listed.counts).toMatchObject({ 'detail-change': 1, 'profile-status': 1, esr: 4 });
    const esr = listed.requests.filter((r) => r.kind === 'esr');
    expect(esr.map((r) => r.subjectName)).toEqual(['Olivia Bennett', 'Daniel Okoye', 'Rhys Evans', 'Zoë Smith-Jones']);
    // The ESR file names a person who already has a profile: shown, and not acceptable.
    expect(esr[2]).toMatchObject({ existingProfile: { uuid: personaByKey('locked-card').uuid }, mayDecide: false });
    expect(esr[3]?.details).toContainEqual({ label: 'Mobile number', value: '07700900006 to 07700900106' });
  });
});
