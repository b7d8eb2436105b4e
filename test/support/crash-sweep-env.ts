import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { makeCard } from '../../src-service/ca/card-factory.js';
import { personaByKey, seedPersonas, type PersonaKey } from '../../src-service/seed/personas.js';
import { startService, type RunningService, type StartServiceOptions } from '../../src-service/start-service.js';
import { createAgent } from '../../src-main/agent/create-agent.js';
import { AgentFailure, type Agent } from '../../src-main/agent/agent-types.js';
import type { VanishMode } from '../../src-main/virtual-card/fault-plan.js';
import { InProcessReaderDriver } from '../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine, type CommandRecord } from '../../src-main/virtual-card/piv-card-engine.js';

// What the crash-safety sweeps (unlock, renewal) share: a service with the training personas,
// agents started and killed on in-process readers, factory cards, the cases (each command of a
// card operation, both vanish modes, the agent kept or restarted) and the text table the benches
// print. No test runner in here: the benches run the sweeps too.

export const R1 = 'Reader 1';
export const R2 = 'Reader 2';

export type SweepFlow = 'self' | 'sponsor';

export interface SweepCase {
  readonly flow: SweepFlow;
  /** Index of the command at which the card vanishes. */
  readonly n: number;
  readonly mode: VanishMode;
  /** The agent carries on, or is killed and a fresh one started. */
  readonly agent: 'kept' | 'restarted';
}

/** One case's end, as the table shows it. */
export interface SweepRow extends SweepCase {
  /** The command and vanish mode, in words. */
  readonly step: string;
  /** What the user saw and did, and how the card ended. */
  readonly outcome: string;
  readonly ok: boolean;
  readonly problems: readonly string[];
}

/** The row of case `c`, cut at `step`, after `story`; ok when nothing went into `problems`. */
export const sweepRow = (c: SweepCase, step: string, story: readonly string[], problems: readonly string[]): SweepRow => ({
  ...c,
  step,
  outcome: story.join(', '),
  ok: problems.length === 0,
  problems,
});

export const VANISH_MODES = ['before-processing', 'after-processing'] as const;

/** Every flow, command (of `commands` in the operation), vanish mode and agent fate. */
export function vanishCases(flows: readonly SweepFlow[], commands: number): SweepCase[] {
  const cases: SweepCase[] = [];
  for (const flow of flows)
    for (let n = 0; n < commands; n++) for (const mode of VANISH_MODES) for (const agent of ['kept', 'restarted'] as const) cases.push({ flow, n, mode, agent });
  return cases;
}

export interface SweepEnv {
  readonly service: RunningService;
  close(): Promise<void>;
}

/** A service on a fresh SQLite file in a temporary folder named after `name`, personas seeded. */
export async function startSweepService(name: string, options: Omit<StartServiceOptions, 'dbFile'> = {}): Promise<SweepEnv> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-sweep-`));
  // One workstation driving hundreds of flows a minute: the request limits are not what a sweep
  // checks. Unlock sweeps read the security codes from the outbox.
  const service = await startService({ dbFile: join(dir, 'service.sqlite'), outbox: true, rateLimitPerClient: 1_000_000, rateLimitGlobal: 100_000_000, ...options });
  await seedPersonas(service.ctx.db);
  return {
    service,
    close: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningAgent {
  readonly agent: Agent;
  readonly readers: InProcessReaderDriver;
  close(): Promise<void>;
}

/**
 * An agent on two in-process readers. On `dataDir` when given (a restarted agent finds the
 * journal its predecessor left; the caller removes it); otherwise on a folder of its own,
 * removed as it closes.
 */
export function startSweepAgent(env: SweepEnv, workstationId: string, dataDir?: string): RunningAgent {
  const readers = new InProcessReaderDriver([R1, R2]);
  const ownDir = dataDir === undefined ? mkdtempSync(join(tmpdir(), `${workstationId}-agent-`)) : undefined;
  const agent = createAgent({
    readers,
    serviceUrl: env.service.url,
    workstationId,
    removalMode: 'normal',
    dataDir: dataDir ?? (ownDir as string),
    serviceMonitor: { firstRetryMs: 100, maxRetryMs: 200 },
  });
  readers.start();
  return {
    agent,
    readers,
    close: async () => {
      await agent.close();
      await readers.close();
      if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

export interface SweepCard {
  readonly engine: PivCardEngine;
  readonly cardUuid: string;
  /** Every command the card received. */
  readonly commands: CommandRecord[];
}

/** A fresh P-256 factory card for persona `key`, in memory. */
export async function sweepCard(env: SweepEnv, key: PersonaKey, o: { validDays?: number; locked?: boolean } = {}): Promise<SweepCard> {
  const made = await makeCard(env.service.ctx, { userUuid: personaByKey(key).uuid, algorithm: 'p256', ...(o.validDays !== undefined ? { validDays: o.validDays } : {}) });
  const state: VirtualCardState = structuredClone(made.state);
  if (o.locked) state.pin.triesLeft = 0;
  const commands: CommandRecord[] = [];
  return { engine: new PivCardEngine(state, { onCommand: (r) => commands.push(r) }), cardUuid: made.cardUuid, commands };
}

/** The agent failure's code a request ended with ('no failure' when it did not fail). */
export async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'no failure';
  } catch (err) {
    return err instanceof AgentFailure ? err.code : String(err);
  }
}

/** Rows as a text table under `head`, columns padded to their widest cell. */
export function textTable(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n');
}
