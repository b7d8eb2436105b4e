import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS, seedPersonas } from '../../../../src-service/seed/personas.js';
import { seedTrainingAuthenticators } from '../../../../src-service/seed/training-authenticators.js';
import { actor } from '../../../support/service-fixtures.js';
import { NOW, startHarness, type Harness } from '../cim/cim-harness.js';

// The training security key: on the clinician's profile, issued by the RA agent, in History,
// written only once.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await seedPersonas(h.db);
});
afterAll(async () => {
  await h.close();
});

describe('training authenticators', () => {
  it("rule: training mode shows a security key on the clinician's Authenticators tab, issued by the RA agent, written only once", async () => {
    await seedTrainingAuthenticators(h.db, NOW);
    await seedTrainingAuthenticators(h.db, NOW);
    const trust = await h.db.selectFrom('organisations').select('id').where('code', '=', 'RZZ').executeTakeFirstOrThrow();
    const ra = await actor(h.db, trust.id, ['RAA']);
    const amelia = PERSONAS.find((p) => p.key === 'clinician')?.uuid as string;
    const list = await h.call('GET', `/v1/users/${amelia}/authenticators`, { token: ra.token });
    expect(list.body.authenticators.map((a: { kind: string; label: string; addedBy: { name: string } }) => [a.kind, a.label, a.addedBy.name])).toEqual([
      ['security-key', 'Security key', 'Priya Patel'],
    ]);
    const history = await h.call('GET', `/v1/users/${amelia}/history`, { token: ra.token });
    expect(history.body.entries.filter((e: { action: string }) => e.action === 'authenticator.added')).toHaveLength(1);
  });
});
