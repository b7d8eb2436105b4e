import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeCard } from '../src-service/ca/card-factory.js';
import { personaByKey, seedPersonas } from '../src-service/seed/personas.js';
import { startService } from '../src-service/start-service.js';
import { createAgent } from '../src-main/agent/create-agent.js';
import { PcscReaderDriver } from '../src-main/pcsc/pcsc-reader-driver.js';
import { PivCardEngine } from '../src-main/virtual-card/piv-card-engine.js';
import { saveCardState } from '../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../src-main/virtual-card/vpcd-card.js';
import { nextState, screenIs } from '../test/support/agent-states.js';
import { PCSC_STATE_MS, quickack, READER_0 } from './support/pcsc-card.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// The Identity Agent's login as a user meets it: `npx tsx bench/agent-login.ts` [--rounds 20]
// [--algorithm rsa2048|p256] (`npm run bench:agent` adds --expose-gc for the idle RSS figure).
// A factory card for the training clinician, served into vpcd slot 0 behind the real pcscd; the
// agent on the PC/SC reader driver; the identity service embedded in this process over HTTP on
// loopback, as the agent runs it by default. Each round: insert -> passcode prompt, passcode ->
// organisation list, choose -> signed in, removal -> signed out (screen), and the service's
// session ended. Times are from the action to the agent's state showing its result.

export async function benchAgentLogin(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '20' }, algorithm: { type: 'string', default: 'rsa2048' } } });
  const rounds = Number(values.rounds);
  const algorithm = values.algorithm === 'p256' ? 'p256' : 'rsa2048';
  const dir = mkdtempSync(join(tmpdir(), 'bench-agent-'));
  // One workstation signing in as fast as it can: the request limits are not what is measured.
  const service = await startService({ dbFile: join(dir, 'service.sqlite'), rateLimitPerClient: 1_000_000, rateLimitGlobal: 100_000_000 });
  await seedPersonas(service.ctx.db);
  const made = await makeCard(service.ctx, { userUuid: personaByKey('clinician').uuid, algorithm });
  const statePath = join(dir, 'card.json');
  saveCardState(statePath, made.state);
  const engine = new PivCardEngine(made.state, { onPersist: (s) => saveCardState(statePath, s) });
  const vpcd = new VpcdCard({ engine, port: VPCD_BASE_PORT });
  const driver = new PcscReaderDriver();
  const agent = createAgent({ readers: driver, serviceUrl: service.url, workstationId: 'ws-bench', removalMode: 'normal', dataDir: join(dir, 'agent') });
  const liveSessions = async (): Promise<number> =>
    Number((await service.ctx.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).where('ended_at', 'is', null).executeTakeFirstOrThrow()).n);
  const quick = quickack('on');
  console.log(`# Identity Agent login over pcscd + vpcd (${algorithm} card, embedded service over HTTP, quickack ${quick ? 'on' : 'unchanged: not root'}), ${rounds} rounds`);
  driver.start();
  try {
    await nextState(agent, (s) => s.readers.some((r) => r.name === READER_0) && s.service.status === 'connected', 'the reader and the service', PCSC_STATE_MS);
    const phases = {
      'insert -> passcode prompt': [] as number[],
      '  of which pcscd noticing the card': [] as number[],
      'passcode -> organisation list': [] as number[],
      'choose -> signed in': [] as number[],
      'removal -> signed out': [] as number[],
      '  of which pcscd noticing removal': [] as number[],
      'removal -> service session ended': [] as number[],
    };
    // When pcscd told the driver, to separate the daemon's presence polling from the agent's work.
    let seenIn = 0;
    let seenOut = 0;
    driver.on('card-inserted', (name) => name === READER_0 && (seenIn = performance.now()));
    driver.on('card-removed', (name) => name === READER_0 && (seenOut = performance.now()));
    for (let round = 0; round <= rounds; round++) {
      const t0 = performance.now();
      const prompt = nextState(agent, screenIs('passcode'), 'the passcode prompt', PCSC_STATE_MS);
      await vpcd.insert();
      await prompt;
      const t1 = performance.now();
      await agent.handle('agent.submitPasscode', { passcode: '123456' });
      const list = await nextState(agent, screenIs('choose-position'), 'the organisation list', PCSC_STATE_MS);
      const t2 = performance.now();
      const positionId = list.screen.kind === 'choose-position' ? list.screen.positions[0]?.positionId : undefined;
      await agent.handle('agent.choosePosition', { positionId, remember: false });
      await nextState(agent, screenIs('signed-in'), 'signed in', PCSC_STATE_MS);
      const t3 = performance.now();
      const out = nextState(agent, screenIs('no-card'), 'signed out', PCSC_STATE_MS);
      await vpcd.remove();
      await out;
      const t4 = performance.now();
      while ((await liveSessions()) > 0) await new Promise((r) => setTimeout(r, 1));
      const t5 = performance.now();
      if (round === 0) continue; // warm-up: first TLS-free connection, JIT, certificate parsing
      phases['insert -> passcode prompt'].push(t1 - t0);
      phases['  of which pcscd noticing the card'].push(seenIn - t0);
      phases['passcode -> organisation list'].push(t2 - t1);
      phases['choose -> signed in'].push(t3 - t2);
      phases['removal -> signed out'].push(t4 - t3);
      phases['  of which pcscd noticing removal'].push(seenOut - t3);
      phases['removal -> service session ended'].push(t5 - t3);
    }
    for (const [label, samples] of Object.entries(phases)) {
      console.log(`${label.padEnd(36)} median ${fmt(median(samples)).padStart(10)}  p95 ${fmt(percentile(samples, 95)).padStart(10)}`);
    }

    // Idle: no card in, signed out, a moment for sockets and timers to settle.
    await new Promise((r) => setTimeout(r, 500));
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      gc();
    }
    const rss = process.memoryUsage().rss / (1024 * 1024);
    console.log(`agent process RSS when idle: ${rss.toFixed(1)} MiB (${gc ? 'after GC' : 'no GC: run with --expose-gc'}; includes the embedded service, the virtual card and tsx)`);
  } finally {
    await agent.close();
    const gone = new Promise<void>((resolve) => {
      if (!driver.readers().some((r) => r.name === READER_0 && r.cardPresent)) return resolve();
      driver.on('card-removed', (name) => name === READER_0 && resolve());
    });
    await vpcd.remove();
    await gone;
    await driver.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, benchAgentLogin);
