import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RENEWAL_JOURNAL_FILE } from '../../../src-main/agent/renewal-journal.js';
import { R1, R2, signIn, startAgent, startServiceRig, type ServiceRig } from './support/agent-rig.js';
import { captureConsole, rendererSaw, secretForms } from './support/secret-scan.js';

// Secrets of a renewal never reach the renderer, a log, an error message or the agent's files
// (its journal included): the passcodes (right and wrong), the session tokens, the login tickets
// and the renewal ids (each a capability at the service), in clear or in base64 or hex.

let rig: ServiceRig;
beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

/**
 * The tokens, tickets and renewal ids the service hands out, read off the wire (the agent has no
 * way to give them out).
 */
function watchServiceSecrets(): { tokens: string[]; tickets: string[]; ids: string[]; restore(): void } {
  const tokens: string[] = [];
  const tickets: string[] = [];
  const ids: string[] = [];
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await real(input, init);
    if (response.ok) {
      const body = (await response.clone().json()) as { token?: string; loginTicket?: string; renewalId?: string };
      if (body.token) tokens.push(body.token);
      if (body.loginTicket) tickets.push(body.loginTicket);
      if (body.renewalId) ids.push(body.renewalId);
    }
    return response;
  });
  return { tokens, tickets, ids, restore: () => spy.mockRestore() };
}

describe('renewal secrets', () => {
  it('no passcode, session token, login ticket or renewal id appears in any state, result, failure, log line or agent file (the journal included) through self, sponsor and recovered renewals', async () => {
    const passcode = '80417263';
    const holderPasscode = '71530846';
    const wrong = '80417264';
    const secrets = watchServiceSecrets();
    const { logged, restore: restoreConsole } = captureConsole();
    const a = startAgent(rig.service.url);
    try {
      await a.until((s) => s.service.status === 'connected', 'connected');
      // Self, with a wrong passcode first.
      const own = await rig.card('sponsor', { passcode, validDays: 30 });
      await signIn(a, own, { passcode });
      await a.call('renewal.start', {});
      await a.failure('renewal.submitPasscode', { passcode: wrong });
      await a.call('renewal.submitPasscode', { passcode });
      await a.call('renewal.close', {});
      // Sponsor, for a colleague, then cut short after GENERATE and recovered on reinsertion.
      const holder = await rig.card('clinician', { passcode: holderPasscode, validDays: 30 });
      await a.call('serviceCard.begin', {});
      a.readers.insert(R2, holder.engine);
      await a.until((s) => s.readers.find((r) => r.name === R2)?.card?.cardUuid === holder.cardUuid, 'read');
      await a.call('serviceCard.continue', {});
      await a.call('serviceCard.renew', {});
      a.readers.faults(R2).vanishAfter(4, 'after-processing');
      await a.failure('renewal.submitPasscode', { passcode: holderPasscode });
      a.readers.insert(R2, holder.engine);
      await a.until((s) => s.screen.kind === 'signed-in' && s.screen.renewal?.step.step === 'passcode', 'the recovery passcode');
      await a.failure('renewal.submitPasscode', { passcode: wrong });
      await a.call('renewal.submitPasscode', { passcode: holderPasscode });
      await a.call('renewal.close', {});
      await a.call('agent.logout', {});
      a.readers.remove(R1);

      expect(new Set(secrets.ids).size).toBe(3);
      expect(secrets.tokens.length).toBeGreaterThanOrEqual(1);
      const forbidden = [passcode, holderPasscode, wrong, ...secrets.tokens, ...secrets.tickets, ...secrets.ids].flatMap(secretForms);
      const names = readdirSync(a.dataDir);
      expect(names).toContain(RENEWAL_JOURNAL_FILE);
      const files = names.map((f) => readFileSync(join(a.dataDir, f)).toString('latin1'));
      const seen = [...rendererSaw(a), ...logged, ...files];
      for (const text of seen) for (const secret of forbidden) expect(text.includes(secret), `a secret in: ${text.slice(0, 120)}`).toBe(false);
      expect(logged).toEqual([]);
    } finally {
      restoreConsole();
      secrets.restore();
      await a.close();
    }
  });
});
