import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seenBodies, startServiceRig, type ServiceRig } from '../support/card-login-rig.js';
import { cardSecrets, forms, runSecretFlows, type SecretFlows } from '../support/login-secret-flows.js';

// Secrets never reach an API response or the audit log: card PUKs and management keys, session
// tokens and login tickets (beyond the one response that hands each out), the service's data
// key. (What the SQLite file holds on disk: login-secrets.sqlite.test.ts.)

let rig: ServiceRig;
let flows: SecretFlows;

beforeAll(async () => {
  rig = await startServiceRig();
  flows = await runSecretFlows(rig);
});
afterAll(async () => rig.close());

describe('secrets stay secret', () => {
  it('the flows ran: two sign-ins, each with a ticket and a token', () => {
    expect(flows.tokens).toHaveLength(2);
    expect(flows.tickets).toHaveLength(2);
    expect(seenBodies.length).toBeGreaterThanOrEqual(20);
  });

  it('no response body carries a PUK, a management key or the data key', async () => {
    for (const card of flows.cards) {
      const { puk, managementKey } = await cardSecrets(rig, card);
      expect(puk).toMatch(/^\d{8}$/);
      for (const body of seenBodies) {
        for (const form of [...forms(puk), ...forms(managementKey), ...forms(rig.service.ctx.dataKey)]) expect(body).not.toContain(form);
      }
    }
  });

  it('a session token appears only in the SessionResponse that hands it out; a login ticket only in its VerifyResponse', () => {
    for (const secret of [...flows.tokens, ...flows.tickets]) {
      const carriers = seenBodies.filter((b) => b.includes(secret));
      expect(carriers).toHaveLength(1);
      expect(flows.handOuts.has(carriers[0] as string)).toBe(true);
    }
  });

  it('the audit log holds no token, ticket, PUK or key', async () => {
    const log = JSON.stringify(await rig.db.selectFrom('audit_log').selectAll().execute());
    expect(log).toContain('login.succeeded');
    expect(log).toContain('session.refused');
    // Refusals that proved nothing (a bad signature, a spent nonce) are counted, not logged one by one.
    const tallies = JSON.stringify(await rig.db.selectFrom('refusal_tallies').selectAll().execute());
    expect(tallies).toContain('login.failed:signature-invalid');
    for (const secret of [...flows.tokens, ...flows.tickets]) expect(tallies).not.toContain(secret);
    for (const card of flows.cards) {
      const { puk, managementKey } = await cardSecrets(rig, card);
      for (const form of [...forms(puk), ...forms(managementKey)]) expect(log).not.toContain(form);
    }
    for (const secret of [...flows.tokens, ...flows.tickets, ...forms(rig.service.ctx.dataKey)]) expect(log).not.toContain(secret);
  });
});
