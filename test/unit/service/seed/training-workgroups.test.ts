import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPersonas, PERSONAS } from '../../../../src-service/seed/personas.js';
import { seedTrainingWorkgroups } from '../../../../src-service/seed/training-workgroups.js';
import { actor } from '../../../support/service-fixtures.js';
import { NOW, startHarness, type Harness } from '../cim/cim-harness.js';

// The training workgroups: written once after the personas, with personas as members and a
// history, and found (not written again) on every later start.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await seedPersonas(h.db);
});
afterAll(async () => {
  await h.close();
});

describe('training workgroups', () => {
  it('rule: training mode shows workgroups at the training organisations with personas as members, written only once', async () => {
    await seedTrainingWorkgroups(h.db, NOW);
    await seedTrainingWorkgroups(h.db, NOW);
    const trust = await h.db.selectFrom('organisations').select('id').where('code', '=', 'RZZ').executeTakeFirstOrThrow();
    const manager = await actor(h.db, trust.id, ['RAM']);
    const atTrust = await h.call('GET', '/v1/workgroups?organisationCode=RZZ&includeClosed=true', { token: manager.token });
    const atHospital = await h.call('GET', '/v1/workgroups?organisationCode=RZZ01', { token: manager.token });
    expect(atTrust.body.workgroups.map((w: { name: string; status: string }) => [w.name, w.status])).toEqual([
      ['Registration Authority team', 'open'],
      ['Winter vaccination team', 'closed'],
    ]);
    expect(atHospital.body.workgroups.map((w: { name: string; liveAssignments: number }) => [w.name, w.liveAssignments])).toEqual([
      ['Outpatient clinicians', 2],
      ['Ward 7 nursing team', 2],
    ]);
    const ward = await h.call('GET', `/v1/workgroups/${atHospital.body.workgroups[1].id}`, { token: manager.token });
    const names = (ward.body.members as { user: { name: string } }[]).map((m) => m.user.name).sort();
    expect(names).toEqual(['Grace Okafor', 'Rhys Evans']);
    expect(ward.body.history.map((e: { kind: string }) => e.kind)).toEqual(['created', 'assigned', 'assigned']);
    const priya = PERSONAS.find((p) => p.key === 'ra-agent')?.uuid as string;
    const hers = await h.call('GET', `/v1/users/${priya}/workgroups`, { token: manager.token });
    expect(hers.body.assignments.map((a: { workgroup: { name: string } }) => a.workgroup.name)).toEqual(['Registration Authority team']);
  });
});
