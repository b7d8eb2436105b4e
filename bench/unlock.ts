import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { VirtualCardState } from '../src-shared/card/virtual-card-state.js';
import { makeCard } from '../src-service/ca/card-factory.js';
import { personaByKey, seedPersonas, type PersonaKey } from '../src-service/seed/personas.js';
import { startService, type RunningService } from '../src-service/start-service.js';
import { createAgent } from '../src-main/agent/create-agent.js';
import type { Agent } from '../src-main/agent/agent-types.js';
import { PcscReaderDriver } from '../src-main/pcsc/pcsc-reader-driver.js';
import { PivCardEngine, type CommandRecord } from '../src-main/virtual-card/piv-card-engine.js';
import { saveCardState } from '../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../src-main/virtual-card/vpcd-card.js';
import { cardReadIn, nextState, screenIs, signInFromPrompt } from '../test/support/agent-states.js';
import { runUnlockCrashSweep, sweepTable } from '../test/unit/agent/support/unlock-crash-sweep.js';
import { latestCodeFor } from '../test/unit/agent/support/unlock-rig.js';
import { PCSC_STATE_MS, quickack, READER_0 } from './support/pcsc-card.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// Unlocking a locked smartcard as people meet it: `npx tsx bench/unlock.ts` [--rounds 5]
// [--no-sweep]. Self-service (locked card in vpcd slot 0) and a sponsor's "Service smartcard"
// (sponsor's card in slot 0, the locked card in slot 1), through the real pcscd, the PC/SC
// reader driver, the agent and the embedded identity service over HTTP on loopback. Each round
// uses a fresh factory card, locked. Measured: from the holder's "Continue" on the new passcode
// (unlock.setPasscode, which starts the card operation) to the agent showing the card unlocked
// (after the service's commit), and the APDUs the locked card received in that time.
// Then the crash-safety sweep (in-process readers) and its table.

const READER_1 = 'Virtual PCD 00 01';

interface ServedCard {
  readonly vpcd: VpcdCard;
  readonly log: CommandRecord[];
  readonly cardUuid: string;
}

function serveCard(service: RunningService, dir: string, key: PersonaKey, slot: 0 | 1, locked: boolean): ServedCard {
  const made = makeCard(service.ctx, { userUuid: personaByKey(key).uuid, algorithm: 'p256' });
  const state: VirtualCardState = structuredClone(made.state);
  if (locked) state.pin.triesLeft = 0;
  const path = join(dir, `${made.cardUuid}.json`);
  saveCardState(path, state);
  const log: CommandRecord[] = [];
  const engine = new PivCardEngine(state, { onPersist: (s) => saveCardState(path, s), onCommand: (r) => log.push(r) });
  return { vpcd: new VpcdCard({ engine, port: VPCD_BASE_PORT + slot }), log, cardUuid: made.cardUuid };
}

async function pull(driver: PcscReaderDriver, card: ServedCard, reader: string): Promise<void> {
  const present = driver.readers().some((r) => r.name === reader && r.cardPresent);
  const gone = present
    ? new Promise<void>((resolve) => {
        const off = (name: string): void => {
          if (name !== reader) return;
          driver.off('card-removed', off);
          resolve();
        };
        driver.on('card-removed', off);
      })
    : Promise.resolve();
  await card.vpcd.remove();
  await gone;
}

interface Round {
  readonly ms: number;
  readonly apdus: number;
}

async function selfRound(service: RunningService, dir: string, driver: PcscReaderDriver, agent: Agent): Promise<Round> {
  const card = serveCard(service, dir, 'locked-card', 0, true);
  await card.vpcd.insert();
  await nextState(agent, screenIs('locked-card'), 'the locked card', PCSC_STATE_MS);
  await agent.handle('unlock.begin', {});
  await agent.handle('unlock.sendCode', {});
  await agent.handle('unlock.submitCode', { code: latestCodeFor(service, personaByKey('locked-card').email) });
  const before = card.log.length;
  const t0 = performance.now();
  await agent.handle('unlock.setPasscode', { next: '24681357', confirm: '24681357' });
  await nextState(agent, (s) => s.screen.kind === 'self-unlock' && s.screen.unlock.step.step === 'done', 'unlocked', PCSC_STATE_MS);
  const round = { ms: performance.now() - t0, apdus: card.log.length - before };
  await agent.handle('unlock.close', {});
  await pull(driver, card, READER_0);
  return round;
}

async function sponsorRound(service: RunningService, dir: string, driver: PcscReaderDriver, agent: Agent): Promise<Round> {
  const card = serveCard(service, dir, 'locked-card', 1, true);
  await agent.handle('serviceCard.begin', {});
  await card.vpcd.insert();
  await nextState(agent, cardReadIn(READER_1, card.cardUuid), 'the locked card read', PCSC_STATE_MS);
  await agent.handle('serviceCard.continue', {});
  await agent.handle('serviceCard.unlock', {});
  await agent.handle('serviceCard.confirm', {});
  const before = card.log.length;
  const t0 = performance.now();
  await agent.handle('unlock.setPasscode', { next: '24681357', confirm: '24681357' });
  await nextState(agent, (s) => s.screen.kind === 'signed-in' && s.screen.serviceCard?.step.step === 'done', 'unlocked', PCSC_STATE_MS);
  const round = { ms: performance.now() - t0, apdus: card.log.length - before };
  await agent.handle('unlock.close', {});
  await pull(driver, card, READER_1);
  return round;
}

function report(label: string, rounds: readonly Round[]): void {
  const ms = rounds.map((r) => r.ms);
  const apdus = [...new Set(rounds.map((r) => r.apdus))].join('/');
  console.log(`${label.padEnd(44)} APDUs ${apdus.padStart(3)}  median ${fmt(median(ms)).padStart(10)}  p95 ${fmt(percentile(ms, 95)).padStart(10)}`);
}

export async function benchUnlock(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '5' }, 'no-sweep': { type: 'boolean', default: false } } });
  const rounds = Number(values.rounds);
  const dir = mkdtempSync(join(tmpdir(), 'bench-unlock-'));
  const service = await startService({ dbFile: join(dir, 'service.sqlite'), unlockCodesPerHour: 100 });
  seedPersonas(service.ctx.db);
  const driver = new PcscReaderDriver();
  const agent = createAgent({ readers: driver, serviceUrl: service.url, workstationId: 'ws-bench', removalMode: 'normal', dataDir: join(dir, 'agent') });
  const quick = quickack('on');
  console.log(`# Smartcard unlock over pcscd + vpcd (p256 cards, embedded service over HTTP, quickack ${quick ? 'on' : 'unchanged: not root'}), ${rounds} rounds each after one warm-up`);
  driver.start();
  const sponsor = serveCard(service, dir, 'sponsor', 0, false);
  try {
    await nextState(agent, (s) => s.readers.some((r) => r.name === READER_1) && s.service.status === 'connected', 'the readers and the service', PCSC_STATE_MS);
    const self: Round[] = [];
    for (let i = 0; i <= rounds; i++) {
      const r = await selfRound(service, dir, driver, agent);
      if (i > 0) self.push(r);
    }
    report('self-service: new passcode -> unlocked', self);

    await sponsor.vpcd.insert();
    await signInFromPrompt(agent, 'sponsor', '123456', PCSC_STATE_MS);
    const sponsored: Round[] = [];
    for (let i = 0; i <= rounds; i++) {
      const r = await sponsorRound(service, dir, driver, agent);
      if (i > 0) sponsored.push(r);
    }
    report('sponsor (Service smartcard): -> unlocked', sponsored);
  } finally {
    await agent.close();
    await pull(driver, sponsor, READER_0);
    await driver.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }

  if (values['no-sweep']) return;
  console.log('\n# Crash-safety sweep (in-process readers): card pulled at each command, agent kept or restarted, then the user retries');
  const t0 = performance.now();
  const rows = await runUnlockCrashSweep();
  console.log(sweepTable(rows));
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`${rows.length} cases, ${failed} failed, ${fmt(performance.now() - t0)}`);
  if (failed > 0) process.exitCode = 1;
}

runIfMain(import.meta.url, benchUnlock);
