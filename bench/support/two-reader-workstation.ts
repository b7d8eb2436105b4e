import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { makeCard, type MakeCardOptions } from '../../src-service/ca/card-factory.js';
import { personaByKey, seedPersonas, type PersonaKey } from '../../src-service/seed/personas.js';
import { startService, type RunningService, type StartServiceOptions } from '../../src-service/start-service.js';
import { createAgent } from '../../src-main/agent/create-agent.js';
import type { Agent } from '../../src-main/agent/agent-types.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { PivCardEngine, type CommandRecord } from '../../src-main/virtual-card/piv-card-engine.js';
import { saveCardState } from '../../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../../src-main/virtual-card/vpcd-card.js';
import { nextState } from '../../test/support/agent-states.js';
import { PCSC_STATE_MS } from './pcsc-card.js';
import { fmt, median, percentile } from './stats.js';

// The two-reader workstation the card-flow benches (unlock, renewal) run on: the embedded
// identity service over HTTP on loopback with the training personas, the real pcscd through the
// PC/SC reader driver, and an agent on both vpcd readers. Factory cards are served from state
// files in either slot, and each round is timed with the APDUs its card received.

export const READER_1 = 'Virtual PCD 00 01';

export interface Workstation {
  readonly dir: string;
  readonly service: RunningService;
  readonly driver: PcscReaderDriver;
  readonly agent: Agent;
  /** Both readers seen and the service connected. */
  ready(): Promise<void>;
  /** Closes the agent, takes out `cardsLeftIn` (card, reader), then closes the rest. */
  close(cardsLeftIn?: readonly (readonly [ServedCard, string])[]): Promise<void>;
}

/** `name` names the temporary folder; the driver is not started yet (the bench says what it runs first). */
export async function startWorkstation(name: string, serviceOptions: Omit<StartServiceOptions, 'dbFile'> = {}): Promise<Workstation> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  // One workstation driving flows as fast as it can: the request limits are not what is measured.
  // Self-service rounds read their security codes from the outbox, as training does.
  const service = await startService({ dbFile: join(dir, 'service.sqlite'), outbox: true, rateLimitPerClient: 1_000_000, rateLimitGlobal: 100_000_000, ...serviceOptions });
  await seedPersonas(service.ctx.db);
  const driver = new PcscReaderDriver();
  const agent = createAgent({ readers: driver, serviceUrl: service.url, workstationId: 'ws-bench', removalMode: 'normal', dataDir: join(dir, 'agent') });
  return {
    dir,
    service,
    driver,
    agent,
    ready: async () => {
      await nextState(agent, (s) => s.readers.some((r) => r.name === READER_1) && s.service.status === 'connected', 'the readers and the service', PCSC_STATE_MS);
    },
    close: async (cardsLeftIn = []) => {
      await agent.close();
      for (const [card, reader] of cardsLeftIn) await pull(driver, card, reader);
      await driver.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServedCard {
  readonly vpcd: VpcdCard;
  readonly log: CommandRecord[];
  readonly cardUuid: string;
}

export type ServedCardOptions = Pick<MakeCardOptions, 'algorithm' | 'validDays'> & {
  /** The passcode blocked (no tries left). */
  readonly locked?: boolean;
};

/** A fresh factory card for persona `key`, its state kept in a file, served in vpcd `slot` (not yet inserted). */
export async function serveCard(ws: Workstation, key: PersonaKey, slot: 0 | 1, options: ServedCardOptions = {}): Promise<ServedCard> {
  const made = await makeCard(ws.service.ctx, {
    userUuid: personaByKey(key).uuid,
    ...(options.algorithm !== undefined ? { algorithm: options.algorithm } : {}),
    ...(options.validDays !== undefined ? { validDays: options.validDays } : {}),
  });
  const state: VirtualCardState = structuredClone(made.state);
  if (options.locked) state.pin.triesLeft = 0;
  const path = join(ws.dir, `${made.cardUuid}.json`);
  saveCardState(path, state);
  const log: CommandRecord[] = [];
  const engine = new PivCardEngine(state, { onPersist: (s) => saveCardState(path, s), onCommand: (r) => log.push(r) });
  return { vpcd: new VpcdCard({ engine, port: VPCD_BASE_PORT + slot }), log, cardUuid: made.cardUuid };
}

/** Takes the card out and waits until pcscd has seen it go, so the next round starts with an empty reader. */
export async function pull(driver: PcscReaderDriver, card: ServedCard, reader: string): Promise<void> {
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

export interface Round {
  readonly ms: number;
  readonly apdus: number;
}

/** Times `step` (the measured part of a round) and counts the commands `card` received during it. */
export async function timed(card: ServedCard, step: () => Promise<unknown>): Promise<Round> {
  const before = card.log.length;
  const t0 = performance.now();
  await step();
  return { ms: performance.now() - t0, apdus: card.log.length - before };
}

/** `rounds` rounds of `run` after one warm-up, which is not kept. */
export async function measure(rounds: number, run: () => Promise<Round>): Promise<Round[]> {
  const out: Round[] = [];
  for (let i = 0; i <= rounds; i++) {
    const r = await run();
    if (i > 0) out.push(r);
  }
  return out;
}

export function report(label: string, rounds: readonly Round[]): void {
  const ms = rounds.map((r) => r.ms);
  const apdus = [...new Set(rounds.map((r) => r.apdus))].join('/');
  console.log(`${label.padEnd(44)} APDUs ${apdus.padStart(3)}  median ${fmt(median(ms)).padStart(10)}  p95 ${fmt(percentile(ms, 95)).padStart(10)}`);
}

/** Runs a crash-safety sweep, prints its table and a summary; a row not ok fails the bench. */
export async function reportSweep<Row extends { readonly ok: boolean }>(heading: string, sweep: () => Promise<Row[]>, table: (rows: readonly Row[]) => string, notOk: string): Promise<void> {
  console.log(`\n# Crash-safety sweep (in-process readers): ${heading}`);
  const t0 = performance.now();
  const rows = await sweep();
  console.log(table(rows));
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`${rows.length} cases, ${failed} ${notOk}, ${fmt(performance.now() - t0)}`);
  if (failed > 0) process.exitCode = 1;
}
