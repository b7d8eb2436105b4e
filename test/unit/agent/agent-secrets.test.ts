import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMEMBERED_POSITIONS_FILE } from '../../../src-main/agent/remembered-positions.js';
import { WORKSTATION_KEY_FILE } from '../../../src-main/service-client/workstation-key.js';
import { R1, R2, startAgent, startServiceRig, watchServiceSecrets, type ServiceRig } from './support/agent-rig.js';
import { captureConsole, rendererSaw, secretForms } from './support/secret-scan.js';

// Secrets never reach the renderer, a log, an error message or the agent's files: the passcode
// (and a wrong one), the session token and the login ticket, in clear or in any base64 or hex
// form. Everything the renderer could receive during a whole working session is recorded:
// every AgentState emitted and every handle() result and failure.

let rig: ServiceRig;
beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

describe('secrets', () => {
  it('no passcode, session token or login ticket appears in any state, result, failure, log line or agent file during a full login and CIM work', async () => {
    const passcode = '80417263';
    const wrong = '80417264';
    const secrets = watchServiceSecrets();
    const { logged, restore: restoreConsole } = captureConsole();
    const a = startAgent(rig.service.url, { removalMode: 'session-lock' });
    try {
      const card = await rig.card('ra-manager', { passcode });
      const other = await rig.card('sponsor');
      await a.until((s) => s.service.status === 'connected', 'connected');
      a.readers.insert(R1, card.engine);
      await a.untilScreen('passcode');
      await a.failure('agent.submitPasscode', { passcode: wrong });
      await a.failure('agent.submitPasscode', { passcode: `${passcode}9` });
      await a.failure('agent.submitPasscode', { passcode: { value: passcode } });
      await a.call('agent.submitPasscode', { passcode });
      const choose = await a.untilScreen('choose-position');
      await a.call('agent.choosePosition', { positionId: choose.positions[0]?.positionId, remember: true });
      await a.call('agent.getState', {});
      await a.call('cim.myProfile', {});
      await a.call('cim.findUsers', { name: "O'Connor" });
      await a.call('cim.getProfile', { uuid: rig.personas.get('clinician')?.persona.uuid });
      await a.failure('cim.findUsers', {});
      a.readers.insert(R2, other.engine);
      a.readers.remove(R1);
      await a.untilScreen('session-locked');
      await a.failure('agent.submitPasscode', { passcode: wrong });
      await a.failure('agent.submitPasscode', { passcode });
      a.readers.remove(R2);
      a.readers.insert(R2, card.engine);
      await a.until((s) => s.screen.kind === 'session-locked' && s.screen.reader === R2, 'card back');
      await a.call('agent.submitPasscode', { passcode });
      await a.call('agent.lock', {});
      await a.call('agent.logout', {});
      await a.call('agent.getState', {});

      expect(secrets.tokens).toHaveLength(1);
      expect(secrets.tickets).toHaveLength(1);
      const forbidden = [passcode, wrong, ...secrets.tokens, ...secrets.tickets].flatMap(secretForms);
      const files = readdirSync(a.dataDir).map((f) => readFileSync(join(a.dataDir, f), 'utf8'));
      const seen = [...rendererSaw(a), ...logged, ...files];
      expect(a.states.length).toBeGreaterThan(15);
      expect(a.outcomes.length).toBeGreaterThan(15);
      // The remembered positions and the workstation key; neither holds a session secret.
      expect(readdirSync(a.dataDir).sort()).toEqual([REMEMBERED_POSITIONS_FILE, WORKSTATION_KEY_FILE].sort());
      for (const text of seen) for (const secret of forbidden) expect(text.includes(secret), `a secret in: ${text.slice(0, 120)}`).toBe(false);
      // The agent itself writes nothing to the console.
      expect(logged).toEqual([]);
    } finally {
      restoreConsole();
      secrets.restore();
      await a.close();
    }
  });
});
