import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE_ENV, loadConfig, readClientsFile, type ServiceConfig, type ServiceConfigInput } from '../../src-service/config.js';
import { startService, type RunningService } from '../../src-service/start-service.js';
import type { Agent, AgentOptions } from '../agent/agent-types.js';
import { startAgentBridge } from '../bridge/bridge-server.js';
import { PcscReaderDriver } from '../pcsc/pcsc-reader-driver.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import { startTrainingClinicalApps, type TrainingClinicalApps } from '../training/clinical-app/training-clinical-apps.js';
import { startTraining } from '../training/start-training.js';
import { resolveDataDir, type PlatformFacts } from './data-dir.js';
import type { LaunchOptions } from './launch-options.js';
import { identityServiceUrl } from './identity-service-url.js';
import { EMBEDDED_CONFIG_FILE, EMBEDDED_DB_FILE, guardDataFolder } from './private-data.js';

// Builds the agent both shells host, from the launch options: the readers (pcscd, or training's
// in-process readers and persona cards), the identity service (configured, or embedded on
// loopback with its SQLite file in the data folder), then the agent core over them. Closing
// takes everything down in the reverse order.
//
// The embedded service reads the standalone service's configuration (the file CIS_CONFIG names,
// else service-config.json in the data folder, then CIS_* variables), so a workstation can send
// codes through SMTP or GOV.UK Notify; where it listens and its database are the agent's to say.
// Its outbox (codes kept in clear) is on only in training, or when that configuration asks. A
// training service reads no configuration: its people are synthetic and nothing leaves it.

type CreateAgent = (options: AgentOptions) => Agent | Promise<Agent>;

export interface LaunchDeps {
  readonly createAgent: CreateAgent;
  /** Replaced in tests; the embedded service otherwise. */
  readonly startService?: typeof startService;
  /** Replaced in tests (which must not touch the machine's pcscd); PC/SC otherwise. */
  readonly pcscReaders?: () => StartableReaders;
  readonly platform?: PlatformFacts;
  /** The environment the embedded service's CIS_* settings come from; the process's otherwise. */
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  /** Where a bridge that cannot start says so (the agent runs on without it); stderr otherwise. */
  readonly warn?: (message: string) => void;
}

export interface LaunchedAgent {
  readonly agent: Agent;
  readonly dataDir: string;
  readonly serviceUrl: string;
  /** The OpenID Connect issuer apps sign in with (printed at start as `identity service: <url>`). */
  readonly identityServiceUrl: string;
  readonly training: boolean;
  /** The bridge apps' sign-in pages call (http://127.0.0.1:<port>); null when it could not start. */
  readonly bridgeUrl: string | null;
  /** Closes the agent, the readers and the embedded service; removes a temporary training folder. */
  close(): Promise<void>;
}

/** What the embedded service runs with: the standalone settings, on loopback, in the data folder. */
function embeddedServiceConfig(dataDir: string, training: TrainingClinicalApps | undefined, env: NodeJS.ProcessEnv, clientsFile: string | undefined): ServiceConfig {
  // Apps from --oidc-clients are checked like the configuration's own (a bad one stops the launch, naming the field).
  const apps = clientsFile !== undefined ? (readClientsFile(clientsFile) as ServiceConfigInput['oidcClients']) : undefined;
  const place = { host: '127.0.0.1', port: 0, dbFile: join(dataDir, EMBEDDED_DB_FILE), secretFile: undefined };
  // Training registers its own clinical apps beside any from --oidc-clients.
  if (training) return loadConfig({ overrides: { ...place, outbox: true, oidcClients: [...(apps ?? []), ...training.apps.map((app) => app.metadata)] } });
  const local = join(dataDir, EMBEDDED_CONFIG_FILE);
  const file = env[CONFIG_FILE_ENV] || (existsSync(local) ? local : undefined);
  const config = loadConfig({ ...(file ? { file } : {}), env, overrides: place });
  // Beside the apps the configuration already names.
  return apps ? loadConfig({ ...(file ? { file } : {}), env, overrides: { ...place, oidcClients: [...config.oidcClients, ...(apps ?? [])] } }) : config;
}

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
    guardDataFolder(dataDir.path);
    let serviceUrl = options.serviceUrl;
    let service: RunningService | undefined;
    // Training's clinical apps listen first: the embedded service registers them as its clients.
    const clinicalApps = options.training ? await startTrainingClinicalApps() : undefined;
    if (clinicalApps) cleanups.push(() => clinicalApps.close());
    if (serviceUrl === undefined) {
      const config = embeddedServiceConfig(dataDir.path, clinicalApps, deps.env ?? process.env, options.oidcClientsFile);
      service = await (deps.startService ?? startService)({ ...config, ...(deps.now ? { now: deps.now } : {}) });
      const running = service;
      cleanups.push(() => running.close());
      serviceUrl = service.url;
      for (const app of clinicalApps?.apps ?? []) app.useIssuer(running.ctx.oidcIssuer);
    }

    let readers: StartableReaders;
    let training: Awaited<ReturnType<typeof startTraining>> | undefined;
    if (options.training) {
      // parseLaunchOptions refuses --training with --service-url, so the service is ours here.
      if (!service) throw new Error('training mode needs the embedded service');
      training = await startTraining(service.ctx, dataDir.path, clinicalApps?.apps);
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
      mobility: options.mobility,
      signInStyle: options.signInStyle,
      dataDir: dataDir.path,
      ...(training ? { training: training.deck } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
    cleanups.push(() => agent.close());
    // The drivers announce readers and cards only once asked, so the agent hears every one.
    readers.start();

    // Sign-in for other apps: only the service's own pages, from its public origin, may ask.
    let bridgeUrl: string | null = null;
    try {
      const bridge = await startAgentBridge({
        port: options.bridgePort,
        allowedOrigin: service ? service.ctx.publicOrigin : serviceUrl,
        signIn: (request) => agent.signInForApp(request),
      });
      cleanups.push(() => bridge.close());
      bridgeUrl = bridge.url;
      // The embedded service's sign-in pages call this agent's bridge, wherever it listens.
      if (service) service.ctx.agentBridgeUrl = bridge.url;
    } catch (err) {
      // Another agent on this computer holds the port: this one works, but apps cannot use its card.
      const why = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${options.bridgePort} on 127.0.0.1 is in use` : (err as Error).message;
      (deps.warn ?? console.error)(`Sign-in for other apps is off: the Identity Agent's bridge could not start (${why}). Choose another port with --bridge-port.`);
    }

    let closing: Promise<void> | undefined;
    return {
      agent,
      dataDir: dataDir.path,
      serviceUrl,
      identityServiceUrl: await identityServiceUrl(serviceUrl, service?.ctx.oidcIssuer),
      training: options.training,
      bridgeUrl,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}
