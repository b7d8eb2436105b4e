import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AsymmetricAlgorithm, VirtualCardState } from '../src-shared/card/virtual-card-state.js';
import { makeCard } from '../src-service/ca/card-factory.js';
import { personaByKey, seedPersonas, type PersonaKey } from '../src-service/seed/personas.js';
import { startService, type RunningService } from '../src-service/start-service.js';
import { createAgent } from '../src-main/agent/create-agent.js';
import type { Agent } from '../src-main/agent/agent-types.js';
import { PcscReaderDriver } from '../src-main/pcsc/pcsc-reader-driver.js';
import { PivCardEngine, type CommandRecord } from '../src-main/virtual-card/piv-card-engine.js';
import { saveCardState } from '../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../src-main/virtual-card/vpcd-card.js';
import { cardReadIn, nextState, signInFromPrompt } from '../test/support/agent-states.js';
import { renewalSweepTable, runRenewalCrashSweep } from '../test/unit/agent/support/renewal-crash-sweep.js';
import { renewalOf } from '../test/unit/agent/support/renewal-rig.js';
import { PCSC_STATE_MS, quickack, READER_0 } from './support/pcsc-card.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// Renewing a smartcard certificate as people meet it: `npx tsx bench/renewal.ts` [--rounds 5]
// [--no-sweep]. Self renewal from the Smartcard Expiry Notification (the holder's card in vpcd
// slot 0) and a sponsor's "Service smartcard" renewal (sponsor's card in slot 0, the holder's in
// slot 1), RSA-2048 and P-256, through the real pcscd, the PC/SC reader driver, the agent and the
// embedded identity service over HTTP on loopback. Each round uses a fresh factory card due for
// renewal. Measured: from the holder's passcode (renewal.submitPasscode, which opens the renewal
// for self, and runs the card operation) to the agent showing "renewed" (after the service's
// confirmation), and the APDUs the renewed card received in that time.
// Then the crash-safety sweep (in-process readers) and its table.

const READER_1 = 'Virtual PCD 00 01';
const PASSCODE = '123456';

interface ServedCard {
  readonly vpcd: VpcdCard;
  readonly log: CommandRecord[];
  readonly cardUuid: string;
}

function serveCard(service: RunningService, dir: string, key: PersonaKey, slot: 0 | 1, algorithm: AsymmetricAlgorithm, validDays: number): ServedCard {
  const made = makeCard(service.ctx, { userUuid: personaByKey(key).uuid, algorithm, validDays });
  const state: VirtualCardState = structuredClone(made.state);
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

const renewed = (s: Parameters<typeof renewalOf>[0]): boolean => renewalOf(s)?.step.step === 'done';

async function selfRound(service: RunningService, dir: string, driver: PcscReaderDriver, agent: Agent, algorithm: AsymmetricAlgorithm): Promise<Round> {
  const card = serveCard(service, dir, 'clinician', 0, algorithm, 30);
  await card.vpcd.insert();
  await signInFromPrompt(agent, 'holder', PASSCODE, PCSC_STATE_MS);
  await agent.handle('renewal.start', {});
  const before = card.log.length;
  const t0 = performance.now();
  await agent.handle('renewal.submitPasscode', { passcode: PASSCODE });
  await nextState(agent, renewed, 'renewed', PCSC_STATE_MS);
  const round = { ms: performance.now() - t0, apdus: card.log.length - before };
  await agent.handle('renewal.close', {});
  await agent.handle('agent.logout', {});
  await pull(driver, card, READER_0);
  return round;
}

async function sponsorRound(service: RunningService, dir: string, driver: PcscReaderDriver, agent: Agent, algorithm: AsymmetricAlgorithm): Promise<Round> {
  const card = serveCard(service, dir, 'clinician', 1, algorithm, 30);
  await agent.handle('serviceCard.begin', {});
  await card.vpcd.insert();
  await nextState(agent, cardReadIn(READER_1, card.cardUuid), 'the holder card read', PCSC_STATE_MS);
  await agent.handle('serviceCard.continue', {});
  await agent.handle('serviceCard.renew', {});
  const before = card.log.length;
  const t0 = performance.now();
  await agent.handle('renewal.submitPasscode', { passcode: PASSCODE });
  await nextState(agent, renewed, 'renewed', PCSC_STATE_MS);
  const round = { ms: performance.now() - t0, apdus: card.log.length - before };
  await agent.handle('renewal.close', {});
  await pull(driver, card, READER_1);
  return round;
}

function report(label: string, rounds: readonly Round[]): void {
  const ms = rounds.map((r) => r.ms);
  const apdus = [...new Set(rounds.map((r) => r.apdus))].join('/');
  console.log(`${label.padEnd(44)} APDUs ${apdus.padStart(3)}  median ${fmt(median(ms)).padStart(10)}  p95 ${fmt(percentile(ms, 95)).padStart(10)}`);
}

async function measure(rounds: number, run: () => Promise<Round>): Promise<Round[]> {
  const out: Round[] = [];
  for (let i = 0; i <= rounds; i++) {
    const r = await run();
    if (i > 0) out.push(r);
  }
  return out;
}

export async function benchRenewal(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '5' }, 'no-sweep': { type: 'boolean', default: false } } });
  const rounds = Number(values.rounds);
  const dir = mkdtempSync(join(tmpdir(), 'bench-renewal-'));
  const service = await startService({ dbFile: join(dir, 'service.sqlite') });
  seedPersonas(service.ctx.db);
  const driver = new PcscReaderDriver();
  const agent = createAgent({ readers: driver, serviceUrl: service.url, workstationId: 'ws-bench', removalMode: 'normal', dataDir: join(dir, 'agent') });
  const quick = quickack('on');
  console.log(`# Smartcard certificate renewal over pcscd + vpcd (embedded service over HTTP, quickack ${quick ? 'on' : 'unchanged: not root'}), ${rounds} rounds each after one warm-up`);
  driver.start();
  const sponsor = serveCard(service, dir, 'sponsor', 0, 'p256', 1000);
  try {
    await nextState(agent, (s) => s.readers.some((r) => r.name === READER_1) && s.service.status === 'connected', 'the readers and the service', PCSC_STATE_MS);
    for (const algorithm of ['rsa2048', 'p256'] as const) {
      report(`self ${algorithm}: passcode -> renewed`, await measure(rounds, () => selfRound(service, dir, driver, agent, algorithm)));
    }
    await sponsor.vpcd.insert();
    await signInFromPrompt(agent, 'sponsor', PASSCODE, PCSC_STATE_MS);
    for (const algorithm of ['rsa2048', 'p256'] as const) {
      report(`sponsor ${algorithm}: passcode -> renewed`, await measure(rounds, () => sponsorRound(service, dir, driver, agent, algorithm)));
    }
  } finally {
    await agent.close();
    await pull(driver, sponsor, READER_0);
    await driver.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }

  if (values['no-sweep']) return;
  console.log('\n# Crash-safety sweep (in-process readers): card pulled at each command, agent kept or restarted, then the card back in');
  const t0 = performance.now();
  const rows = await runRenewalCrashSweep();
  console.log(renewalSweepTable(rows));
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`${rows.length} cases, ${failed} unusable cards, ${fmt(performance.now() - t0)}`);
  if (failed > 0) process.exitCode = 1;
}

runIfMain(import.meta.url, benchRenewal);
