import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState } from '../../../src-shared/api/agent-api.js';
import { createAgent } from '../../../src-main/agent/create-agent.js';
import type { Agent } from '../../../src-main/agent/agent-types.js';
import { startTraining, type TrainingSetup } from '../../../src-main/training/start-training.js';
import { personaByKey } from '../../../src-service/seed/personas.js';
import { startService, type RunningService } from '../../../src-service/start-service.js';
import { UNLOCK_CODE_SUBJECT } from '../../../src-service/notify/unlock-code-message.js';

// Training mode's panel shows the embedded service's outbox (DESIGN.md §6-7: the embedded
// default writes mail to an outbox the training panel can show), so a trainee at the locked
// card can read the security code "sent" to them and finish a self-service unlock.

let dataDir: string;
let service: RunningService;
let training: TrainingSetup;
let agent: Agent;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'training-outbox-'));
  service = await startService({ host: '127.0.0.1', port: 0, dbFile: join(dataDir, 'service.sqlite'), outbox: true });
  training = await startTraining(service.ctx, dataDir);
  agent = createAgent({ readers: training.readers, serviceUrl: service.url, workstationId: 'ws-training', removalMode: 'normal', dataDir, training: training.deck });
  training.readers.start();
});

afterAll(async () => {
  await agent.close();
  training.deck.dispose();
  await training.readers.close();
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function until(match: (s: AgentState) => boolean, what: string): Promise<AgentState> {
  return new Promise((resolve, reject) => {
    if (match(agent.state())) return resolve(agent.state());
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 8000);
    const off = agent.onState((s) => {
      if (!match(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

describe('the training panel outbox', () => {
  it('is empty at the start, then shows each security code as it is sent, newest first; the code shown unlocks the locked persona card', async () => {
    expect(agent.state().training?.outbox).toEqual([]);
    const rhys = personaByKey('locked-card');
    await agent.handle('training.insertCard', { persona: 'locked-card', reader: 'Reader 1' });
    await until((s) => s.screen.kind === 'locked-card', 'the locked card');
    await agent.handle('unlock.begin', {});
    await agent.handle('unlock.sendCode', {});
    const mailed = await until((s) => (s.training?.outbox.length ?? 0) === 1, 'the email in the panel');
    const email = mailed.training?.outbox[0];
    expect(email).toMatchObject({ channel: 'email', to: rhys.email });
    expect(email?.subject).toBe(UNLOCK_CODE_SUBJECT);

    await agent.handle('unlock.sendCode', { channel: 'sms' });
    const texted = await until((s) => (s.training?.outbox.length ?? 0) === 2, 'the text message in the panel');
    const [newest, older] = texted.training?.outbox ?? [];
    expect(newest).toMatchObject({ channel: 'sms', to: rhys.mobile, subject: null });
    expect(older?.id).toBe(email?.id);
    expect(newest?.id).toBeGreaterThan(email?.id ?? Infinity);

    const code = /\b(\d{6})\b/.exec(newest?.text ?? '')?.[1];
    expect(code).toBeDefined();
    await agent.handle('unlock.submitCode', { code });
    await agent.handle('unlock.setPasscode', { next: '11223344', confirm: '11223344' });
    await agent.handle('unlock.close', {});
    await until((s) => s.screen.kind === 'passcode', 'the passcode prompt');
    await agent.handle('agent.submitPasscode', { passcode: '11223344' });
    await until((s) => s.screen.kind === 'choose-position', 'the positions');
  });
});
