import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualCardState } from '../../../../src-shared/card/virtual-card-state.js';
import { makeCard } from '../../../../src-service/ca/card-factory.js';
import { personaByKey, seedPersonas } from '../../../../src-service/seed/personas.js';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import { createAgent } from '../../../../src-main/agent/create-agent.js';
import { AgentFailure, type Agent } from '../../../../src-main/agent/agent-types.js';
import type { VanishMode } from '../../../../src-main/virtual-card/fault-plan.js';
import { InProcessReaderDriver } from '../../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine } from '../../../../src-main/virtual-card/piv-card-engine.js';
import { cardReadIn, nextState, screenIs, signInFromPrompt } from '../../../support/agent-states.js';
import { cardCertificate, normSerial, renewalOf, serviceCertificates } from './renewal-rig.js';

// The renewal's crash-safety sweep, shared by the unit test and the bench (so no test runner in
// here). For self and sponsor renewal, for every command of the renewal's card operation and
// both ways a card can vanish (before the card acts on the command, or after it has acted and
// saved but before the answer arrives), the card is pulled there; in half the cases the agent
// is also killed (closed, and a fresh one started on the same data folder, so its journal
// survives). Then the card goes back in, where it was: whatever the agent offers is done (the
// recovery finishes, asking for the passcode if the card must make its key again). The card
// must end usable: it signs in with its passcode, the certificate on it is the one the service
// holds live, and the service holds exactly one live certificate for it.

export type RenewalSweepFlow = 'self' | 'sponsor';

/** The renewal card operation, command by command (card-renewal.ts). */
export const RENEWAL_COMMANDS = [
  'SELECT',
  'VERIFY',
  'GENERAL AUTHENTICATE (witness)',
  'GENERAL AUTHENTICATE (challenge)',
  'GENERATE 9A',
  'ATTEST 9A',
  'GENERAL AUTHENTICATE 9A (sign request)',
  'PUT DATA 5FC105',
] as const;

export interface RenewalSweepCase {
  readonly flow: RenewalSweepFlow;
  readonly n: number;
  readonly mode: VanishMode;
  readonly agent: 'kept' | 'restarted';
}

export interface RenewalSweepRow extends RenewalSweepCase {
  readonly step: string;
  readonly outcome: string;
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export function renewalSweepCases(flows: readonly RenewalSweepFlow[] = ['self', 'sponsor']): RenewalSweepCase[] {
  const cases: RenewalSweepCase[] = [];
  for (const flow of flows)
    for (let n = 0; n < RENEWAL_COMMANDS.length; n++)
      for (const mode of ['before-processing', 'after-processing'] as const) for (const agent of ['kept', 'restarted'] as const) cases.push({ flow, n, mode, agent });
  return cases;
}

const R1 = 'Reader 1';
const R2 = 'Reader 2';
const PASSCODE = '123456';

export interface RenewalSweepEnv {
  readonly service: RunningService;
  close(): Promise<void>;
}

export async function startRenewalSweepEnv(): Promise<RenewalSweepEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-sweep-'));
  const service = await startService({ dbFile: join(dir, 'service.sqlite') });
  seedPersonas(service.ctx.db);
  return {
    service,
    close: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface RunningAgent {
  readonly agent: Agent;
  readonly readers: InProcessReaderDriver;
  close(): Promise<void>;
}

function startSweepAgent(env: RenewalSweepEnv, dataDir: string): RunningAgent {
  const readers = new InProcessReaderDriver([R1, R2]);
  const agent = createAgent({ readers, serviceUrl: env.service.url, workstationId: 'ws-renewal-sweep', removalMode: 'normal', dataDir, serviceMonitor: { firstRetryMs: 100, maxRetryMs: 200 } });
  readers.start();
  return {
    agent,
    readers,
    close: async () => {
      await agent.close();
      await readers.close();
    },
  };
}

interface SweepCard {
  readonly engine: PivCardEngine;
  readonly cardUuid: string;
}

function card(env: RenewalSweepEnv, key: 'clinician' | 'sponsor', validDays: number): SweepCard {
  const made = makeCard(env.service.ctx, { userUuid: personaByKey(key).uuid, algorithm: 'p256', validDays });
  const state: VirtualCardState = structuredClone(made.state);
  return { engine: new PivCardEngine(state), cardUuid: made.cardUuid };
}

async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'no failure';
  } catch (err) {
    return err instanceof AgentFailure ? err.code : String(err);
  }
}

/** Up to the renewal's passcode: self from the notification; sponsor through Service smartcard. */
async function upToPasscode(a: RunningAgent, flow: RenewalSweepFlow, holder: SweepCard, sponsor?: SweepCard): Promise<void> {
  if (flow === 'self') {
    a.readers.insert(R1, holder.engine);
    await signInFromPrompt(a.agent, 'holder', PASSCODE);
    await a.agent.handle('renewal.start', {});
    return;
  }
  if (!sponsor) throw new Error('no sponsor card');
  a.readers.insert(R1, sponsor.engine);
  await signInFromPrompt(a.agent, 'sponsor', PASSCODE);
  await a.agent.handle('serviceCard.begin', {});
  a.readers.insert(R2, holder.engine);
  await nextState(a.agent, cardReadIn(R2, holder.cardUuid), 'the card in reader 2');
  await a.agent.handle('serviceCard.continue', {});
  await a.agent.handle('serviceCard.renew', {});
}

/**
 * The card goes back in: a recovery, if the agent starts one, is followed to its end (with the
 * passcode when asked). Says what happened.
 */
async function reinsert(a: RunningAgent, reader: string, holder: SweepCard, problems: string[]): Promise<string> {
  a.readers.insert(reader, holder.engine);
  const read = await nextState(a.agent, cardReadIn(reader, holder.cardUuid), 'the card read again');
  let r = renewalOf(read);
  if (r?.mode !== 'recovery') return 'nothing to finish';
  const idle = (s: Parameters<typeof renewalOf>[0]): boolean => {
    const x = renewalOf(s);
    return x === null || x.mode !== 'recovery' || !x.busy;
  };
  const settled = await nextState(a.agent, idle, 'the recovery to settle');
  r = renewalOf(settled);
  let story = 'recovered';
  if (r?.step.step === 'passcode') {
    await a.agent.handle('renewal.submitPasscode', { passcode: PASSCODE });
    story = 'recovered with the passcode (new key)';
    r = renewalOf(a.agent.state());
  } else if (r?.step.step === 'done') {
    story = 'recovered without the passcode (certificate written)';
  }
  if (r?.step.step !== 'done') problems.push(`the recovery ended at ${JSON.stringify(r?.step)}`);
  else await a.agent.handle('renewal.close', {});
  return story;
}

/** Signs in with the card on a fresh agent: what its holder does next. */
async function signsIn(env: RenewalSweepEnv, engine: PivCardEngine): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-sweep-check-'));
  const a = startSweepAgent(env, dir);
  try {
    a.readers.insert(R1, engine);
    await signInFromPrompt(a.agent, 'holder', PASSCODE);
    return true;
  } catch {
    return false;
  } finally {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runRenewalSweepCase(env: RenewalSweepEnv, c: RenewalSweepCase): Promise<RenewalSweepRow> {
  const problems: string[] = [];
  const story: string[] = [];
  const holder = card(env, 'clinician', 30);
  const sponsor = c.flow === 'sponsor' ? card(env, 'sponsor', 1000) : undefined;
  const reader = c.flow === 'self' ? R1 : R2;
  const dataDir = mkdtempSync(join(tmpdir(), 'renewal-sweep-agent-'));
  let a = startSweepAgent(env, dataDir);
  try {
    await upToPasscode(a, c.flow, holder, sponsor);
    a.readers.faults(reader).vanishAfter(c.n, c.mode);
    const failed = await failureOf(a.agent.handle('renewal.submitPasscode', { passcode: PASSCODE }));
    if (failed !== 'card-removed') problems.push(`the interrupted renewal ended with ${failed}, not card-removed`);
    if (a.readers.cardIn(reader)) problems.push('the card was not pulled');

    if (c.agent === 'restarted') {
      await a.close();
      a = startSweepAgent(env, dataDir);
      if (sponsor) {
        a.readers.insert(R1, sponsor.engine);
        await signInFromPrompt(a.agent, 'sponsor', PASSCODE);
      }
    }
    story.push(await reinsert(a, reader, holder, problems));
    await a.close();

    const signedIn = await signsIn(env, holder.engine);
    story.push(signedIn ? 'signs in' : 'cannot sign in');
    if (!signedIn) problems.push('the holder cannot sign in with their passcode');
    const certificates = serviceCertificates(env.service, holder.cardUuid);
    const onCard = normSerial(cardCertificate(holder.engine));
    if (certificates.live.length !== 1) problems.push(`${certificates.live.length} live certificates`);
    if (!certificates.live.includes(onCard)) problems.push("the card's certificate is not the service's live one");
    story.push(certificates.revoked.length > 0 ? 'renewed (old revoked)' : 'old certificate kept');
  } catch (err) {
    problems.push(`the sweep itself failed: ${err instanceof Error ? err.message : String(err)}`);
    await a.close().catch(() => undefined);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { ...c, step: `${c.n} ${RENEWAL_COMMANDS[c.n]} ${c.mode}`, outcome: story.join(', '), ok: problems.length === 0, problems };
}

export async function runRenewalCrashSweep(flows?: readonly RenewalSweepFlow[]): Promise<RenewalSweepRow[]> {
  const env = await startRenewalSweepEnv();
  try {
    const rows: RenewalSweepRow[] = [];
    for (const c of renewalSweepCases(flows)) rows.push(await runRenewalSweepCase(env, c));
    return rows;
  } finally {
    await env.close();
  }
}

/** The rows as a text table (the bench prints it). */
export function renewalSweepTable(rows: readonly RenewalSweepRow[]): string {
  const head = ['flow', 'step (command, vanish mode)', 'agent', 'outcome', 'ok'];
  const body = rows.map((r) => [r.flow, r.step, r.agent, r.outcome, r.ok ? 'yes' : `NO: ${r.problems.join('; ')}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n');
}
