import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, vi } from 'vitest';
import { AgentState, type Screen } from '../../../../src-shared/api/agent-api.js';
import type { VirtualCardState } from '../../../../src-shared/card/virtual-card-state.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { seedPersonas, type PersonaKey, type SeededPersona } from '../../../../src-service/seed/personas.js';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import type { ServiceConfigInput } from '../../../../src-service/config.js';
import type { Db } from '../../../../src-service/store/database.js';
import { createAgent } from '../../../../src-main/agent/create-agent.js';
import { AgentFailure, type Agent, type AgentOptions, type TrainingCards } from '../../../../src-main/agent/agent-types.js';
import { InProcessReaderDriver } from '../../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine, type CommandRecord } from '../../../../src-main/virtual-card/piv-card-engine.js';
import { nextState } from '../../../support/agent-states.js';
import { WorkstationKey } from '../../../../src-main/service-client/workstation-key.js';
import { proofHeaders, tempDbFile } from '../../../support/service-fixtures.js';

// The agent's test rig: the real identity service on a temp SQLite file with the training
// personas, factory-made cards for them in the software PIV card, the in-process readers, and
// an agent whose every emitted state is recorded and checked against the AgentState schema.
// (Not a test file: vitest only collects *.test.ts.)

export const R1 = 'Reader 1';
export const R2 = 'Reader 2';

export interface TestCard {
  readonly engine: PivCardEngine;
  readonly made: MadeCard;
  readonly cardUuid: string;
  /** Every command the card processed (header, length and status; never data). */
  readonly commands: CommandRecord[];
  /** The card's own passcode counter. */
  triesLeft(): number;
}

export interface CardOptions {
  readonly algorithm?: 'rsa2048' | 'p256';
  readonly validDays?: number;
  /** Exact certificate end (expiry boundaries). */
  readonly notAfter?: Date;
  /** Made by a factory whose clock is this many days back (an expired card: with validDays). */
  readonly issuedDaysAgo?: number;
  readonly passcode?: string;
  readonly locked?: boolean;
}

export interface ServiceRig {
  readonly service: RunningService;
  readonly db: Db;
  readonly dbFile: string;
  readonly personas: ReadonlyMap<PersonaKey, SeededPersona>;
  card(key: PersonaKey, options?: CardOptions): Promise<TestCard>;
  /** Live sessions in the service's database (not ended, not expired). */
  liveSessions(): Promise<number>;
  close(): Promise<void>;
}

export interface ServiceRigOptions {
  readonly dbFile?: string;
  readonly port?: number;
  /** The service's clock (security code expiry). */
  readonly now?: () => Date;
  /** Self-service security codes per card and hour (the sweep asks for many). */
  readonly unlockCodesPerHour?: number;
  /** Requests without a session this workstation may make per minute. */
  readonly rateLimitPerClient?: number;
  /** false: a service with no way to send codes (the embedded one outside training). */
  readonly outbox?: boolean;
  /** Relying parties of the service's OpenID Connect provider. */
  readonly oidcClients?: ServiceConfigInput['oidcClients'];
}

export async function startServiceRig(options: ServiceRigOptions = {}): Promise<ServiceRig> {
  const dbFile = options.dbFile ?? tempDbFile('cis-agent-');
  const service = await startService({
    dbFile,
    // The tests read the security codes the service "sent", as a trainee does.
    outbox: options.outbox ?? true,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.unlockCodesPerHour !== undefined ? { unlockCodesPerHour: options.unlockCodesPerHour } : {}),
    ...(options.rateLimitPerClient !== undefined ? { rateLimitPerClient: options.rateLimitPerClient } : {}),
    ...(options.oidcClients ? { oidcClients: options.oidcClients } : {}),
  });
  const seeded = await seedPersonas(service.ctx.db);
  return rigFor(service, dbFile, new Map(seeded.map((s) => [s.persona.key, s])), options.dbFile === undefined);
}

function rigFor(service: RunningService, dbFile: string, personas: Map<PersonaKey, SeededPersona>, ownsDb: boolean): ServiceRig {
  const db = service.ctx.db;
  return {
    service,
    db,
    dbFile,
    personas,
    card: async (key, o = {}) => {
      const persona = personas.get(key);
      if (!persona) throw new Error(`no persona ${key}`);
      const issuedAt = o.issuedDaysAgo === undefined ? undefined : new Date(service.ctx.now().getTime() - o.issuedDaysAgo * 86_400_000);
      const made = await makeCard(issuedAt ? { ...service.ctx, now: () => issuedAt } : service.ctx, {
        userUuid: persona.persona.uuid,
        algorithm: o.algorithm ?? 'p256',
        ...(o.validDays !== undefined ? { validDays: o.validDays } : {}),
        ...(o.notAfter !== undefined ? { notAfter: o.notAfter } : {}),
        ...(o.passcode !== undefined ? { passcode: o.passcode } : {}),
      });
      const state: VirtualCardState = structuredClone(made.state);
      if (o.locked) state.pin.triesLeft = 0;
      const commands: CommandRecord[] = [];
      const engine = new PivCardEngine(state, { onCommand: (r) => commands.push(r) });
      return { engine, made, cardUuid: made.cardUuid, commands, triesLeft: () => engine.snapshot().pin.triesLeft };
    },
    liveSessions: async () =>
      Number(
        (await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('ended_at', 'is', null).where('expires_at', '>', Date.now()).executeTakeFirstOrThrow()).n,
      ),
    close: async () => {
      await service.close();
      if (ownsDb) rmSync(dirname(dbFile), { recursive: true, force: true });
    },
  };
}

export interface AgentRig {
  readonly agent: Agent;
  readonly readers: InProcessReaderDriver;
  readonly dataDir: string;
  /** Every state the agent emitted, in order. */
  readonly states: AgentState[];
  /** Every handle() outcome: results, and failures as { code, message }. */
  readonly outcomes: unknown[];
  call(channel: string, payload?: unknown): Promise<unknown>;
  /** Runs `channel` expecting an AgentFailure, and returns it. */
  failure(channel: string, payload?: unknown): Promise<AgentFailure>;
  until(predicate: (s: AgentState) => boolean, what: string, ms?: number): Promise<AgentState>;
  untilScreen<K extends Screen['kind']>(kind: K, ms?: number): Promise<Extract<Screen, { kind: K }>>;
  screen(): Screen;
  close(): Promise<void>;
}

export type AgentRigOptions = Partial<Omit<AgentOptions, 'readers' | 'serviceUrl' | 'training'>> & {
  /** Training mode's panel, made over the rig's readers. */
  readonly training?: (readers: InProcessReaderDriver) => TrainingCards;
};

export function startAgent(serviceUrl: string, options: AgentRigOptions = {}): AgentRig {
  const readers = new InProcessReaderDriver([R1, R2]);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'agent-data-'));
  const agent = createAgent({
    readers,
    serviceUrl,
    workstationId: options.workstationId ?? 'ws-agent-test',
    removalMode: options.removalMode ?? 'normal',
    ...(options.signInStyle ? { signInStyle: options.signInStyle } : {}),
    dataDir,
    ...(options.training ? { training: options.training(readers) } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.mobility ? { mobility: options.mobility } : {}),
    serviceMonitor: options.serviceMonitor ?? { firstRetryMs: 200, maxRetryMs: 400 },
  });
  const states: AgentState[] = [];
  const outcomes: unknown[] = [];
  let lastVersion = agent.state().version;
  agent.onState((s) => {
    // Every state the agent emits fits the contract, and versions only go up.
    expect(AgentState.safeParse(s).success, JSON.stringify(AgentState.safeParse(s).error?.issues)).toBe(true);
    expect(s.version).toBeGreaterThan(lastVersion);
    lastVersion = s.version;
    states.push(s);
  });
  readers.start();
  const call = async (channel: string, payload?: unknown): Promise<unknown> => {
    try {
      const result = await agent.handle(channel, payload);
      outcomes.push(result);
      return result;
    } catch (err) {
      if (err instanceof AgentFailure) outcomes.push({ code: err.code, message: err.message });
      throw err;
    }
  };
  const until = (predicate: (s: AgentState) => boolean, what: string, ms?: number): Promise<AgentState> => nextState(agent, predicate, what, ms);
  return {
    agent,
    readers,
    dataDir,
    states,
    outcomes,
    call,
    failure: async (channel, payload) => {
      const err = await call(channel, payload).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AgentFailure);
      return err as AgentFailure;
    },
    until,
    untilScreen: async <K extends Screen['kind']>(kind: K, ms?: number) =>
      (await until((s) => s.screen.kind === kind, `the ${kind} screen`, ms)).screen as Extract<Screen, { kind: K }>,
    screen: () => agent.state().screen,
    close: async () => {
      await agent.close();
      await readers.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Inserts `card` in `reader`, enters `passcode`, picks the first (or given) position: signed in. */
export async function signIn(rig: AgentRig, card: TestCard, o: { reader?: string; passcode?: string; positionId?: number; remember?: boolean } = {}): Promise<void> {
  rig.readers.insert(o.reader ?? R1, card.engine);
  await rig.untilScreen('passcode');
  await rig.call('agent.submitPasscode', { passcode: o.passcode ?? '123456' });
  const choose = await rig.untilScreen('choose-position');
  await rig.call('agent.choosePosition', { positionId: o.positionId ?? choose.positions[0]?.positionId, remember: o.remember ?? false });
  await rig.untilScreen('signed-in');
}

/**
 * A new agent on `service`'s identity service (kept in `agents` for the test file to close) with
 * the clinician persona's card signed in, its passcode `passcode`.
 */
export async function signedInClinician(service: ServiceRig, agents: AgentRig[], passcode = '123456'): Promise<{ a: AgentRig; card: TestCard }> {
  const a = startAgent(service.service.url);
  agents.push(a);
  await a.until((s) => s.service.status === 'connected', 'the service');
  const card = await service.card('clinician', { passcode });
  await signIn(a, card, { passcode });
  return { a, card };
}

/**
 * Records the session tokens and login tickets the service hands out, read off the wire (the
 * agent has no way to give them out): for checking that they never reach the renderer and that
 * a token stops working once the agent ends its session.
 */
export function watchServiceSecrets(): { tokens: string[]; tickets: string[]; restore(): void } {
  const tokens: string[] = [];
  const tickets: string[] = [];
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await real(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if (response.ok && (url.endsWith('/v1/login/session') || url.endsWith('/v1/login/verify'))) {
      const body = (await response.clone().json()) as { token?: string; loginTicket?: string };
      if (body.token) tokens.push(body.token);
      if (body.loginTicket) tickets.push(body.loginTicket);
    }
    return response;
  });
  return { tokens, tickets, restore: () => spy.mockRestore() };
}

/**
 * GET /v1/session with `token`, straight to the service, proved with the workstation key in
 * `dataDir` (the agent's own, so only the session decides): 200 while the session lives.
 */
export async function sessionStatus(service: RunningService, token: string, dataDir: string): Promise<number> {
  const res = await fetch(`${service.url}/v1/session`, { headers: await proofHeaders(service, 'GET', '/v1/session', token, WorkstationKey.loadOrCreate(dataDir)) });
  await res.text();
  return res.status;
}
