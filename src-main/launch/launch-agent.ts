import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startService, type RunningService } from '../../src-service/start-service.js';
import type { Agent, AgentOptions } from '../agent/agent-types.js';
import { PcscReaderDriver } from '../pcsc/pcsc-reader-driver.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import { startTraining } from '../training/start-training.js';
import { resolveDataDir, type PlatformFacts } from './data-dir.js';
import type { LaunchOptions } from './launch-options.js';

// Builds the agent both shells host, from the launch options: the readers (pcscd, or training's
// in-process readers and persona cards), the identity service (configured, or embedded on
// loopback with its SQLite file in the data folder), then the agent core over them. Closing
// takes everything down in the reverse order.

export type CreateAgent = (options: AgentOptions) => Agent | Promise<Agent>;

export interface LaunchDeps {
  readonly createAgent: CreateAgent;
  /** Replaced in tests; the embedded service otherwise. */
  readonly startService?: typeof startService;
  /** Replaced in tests (which must not touch the machine's pcscd); PC/SC otherwise. */
  readonly pcscReaders?: () => StartableReaders;
  readonly platform?: PlatformFacts;
  readonly now?: () => Date;
}

export interface LaunchedAgent {
  readonly agent: Agent;
  readonly dataDir: string;
  readonly serviceUrl: string;
  readonly training: boolean;
  /** Closes the agent, the readers and the embedded service; removes a temporary training folder. */
  close(): Promise<void>;
}

export const EMBEDDED_DB_FILE = 'service.sqlite';

/** A driver that announces its readers once started (after the agent listens to it). */
export interface StartableReaders extends ReaderDriver {
  start(): void;
}

export async function launchAgent(options: LaunchOptions, deps: LaunchDeps): Promise<LaunchedAgent> {
  const dataDir = resolveDataDir(options, deps.platform);
  const cleanups: Array<() => Promise<void> | void> = [];
  if (dataDir.temporary) cleanups.push(() => rm(dataDir.path, { recursive: true, force: true }));
  const closeAll = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'Closing the agent did not finish cleanly.');
  };

  try {
    let serviceUrl = options.serviceUrl;
    let service: RunningService | undefined;
    if (serviceUrl === undefined) {
      service = await (deps.startService ?? startService)({
        host: '127.0.0.1',
        port: 0,
        dbFile: join(dataDir.path, EMBEDDED_DB_FILE),
        ...(deps.now ? { now: deps.now } : {}),
      });
      const running = service;
      cleanups.push(() => running.close());
      serviceUrl = service.url;
    }

    let readers: StartableReaders;
    let training: ReturnType<typeof startTraining> | undefined;
    if (options.training) {
      // parseLaunchOptions refuses --training with --service-url, so the service is ours here.
      if (!service) throw new Error('training mode needs the embedded service');
      training = startTraining(service.ctx, dataDir.path);
      readers = training.readers;
      const deck = training.deck;
      cleanups.push(() => deck.dispose());
    } else {
      readers = deps.pcscReaders ? deps.pcscReaders() : new PcscReaderDriver();
    }
    cleanups.push(() => readers.close());

    const agent = await deps.createAgent({
      readers,
      serviceUrl,
      workstationId: options.workstationId,
      removalMode: options.removalMode,
      dataDir: dataDir.path,
      ...(training ? { training: training.deck } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
    cleanups.push(() => agent.close());
    // The drivers announce readers and cards only once asked, so the agent hears every one.
    readers.start();

    let closing: Promise<void> | undefined;
    return {
      agent,
      dataDir: dataDir.path,
      serviceUrl,
      training: options.training,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}
