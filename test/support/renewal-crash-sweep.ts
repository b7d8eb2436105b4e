import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PivCardEngine } from '../../src-main/virtual-card/piv-card-engine.js';
import { cardReadIn, nextState, signInFromPrompt } from './agent-states.js';
import {
  failureOf,
  R1,
  R2,
  startSweepAgent,
  startSweepService,
  sweepCard,
  sweepRow,
  textTable,
  vanishCases,
  type RunningAgent,
  type SweepCard,
  type SweepCase,
  type SweepEnv,
  type SweepFlow,
  type SweepRow,
} from './crash-sweep-env.js';
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

export type RenewalSweepFlow = SweepFlow;

/** The renewal card operation, command by command (renewal-card.ts). */
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

export type RenewalSweepCase = SweepCase;

export type RenewalSweepRow = SweepRow;

export function renewalSweepCases(flows: readonly RenewalSweepFlow[] = ['self', 'sponsor']): RenewalSweepCase[] {
  return vanishCases(flows, RENEWAL_COMMANDS.length);
}

const PASSCODE = '123456';

export type RenewalSweepEnv = SweepEnv;

export const startRenewalSweepEnv = (): Promise<RenewalSweepEnv> => startSweepService('renewal');

const WORKSTATION = 'ws-renewal-sweep';

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
  const a = startSweepAgent(env, WORKSTATION);
  try {
    a.readers.insert(R1, engine);
    await signInFromPrompt(a.agent, 'holder', PASSCODE);
    return true;
  } catch {
    return false;
  } finally {
    await a.close();
  }
}

export async function runRenewalSweepCase(env: RenewalSweepEnv, c: RenewalSweepCase): Promise<RenewalSweepRow> {
  const problems: string[] = [];
  const story: string[] = [];
  const holder = await sweepCard(env, 'clinician', { validDays: 30 });
  const sponsor = c.flow === 'sponsor' ? await sweepCard(env, 'sponsor', { validDays: 1000 }) : undefined;
  const reader = c.flow === 'self' ? R1 : R2;
  const dataDir = mkdtempSync(join(tmpdir(), 'renewal-sweep-agent-'));
  let a = startSweepAgent(env, WORKSTATION, dataDir);
  try {
    await upToPasscode(a, c.flow, holder, sponsor);
    a.readers.faults(reader).vanishAfter(c.n, c.mode);
    const failed = await failureOf(a.agent.handle('renewal.submitPasscode', { passcode: PASSCODE }));
    if (failed !== 'card-removed') problems.push(`the interrupted renewal ended with ${failed}, not card-removed`);
    if (a.readers.cardIn(reader)) problems.push('the card was not pulled');

    if (c.agent === 'restarted') {
      await a.close();
      a = startSweepAgent(env, WORKSTATION, dataDir);
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
    const certificates = await serviceCertificates(env.service, holder.cardUuid);
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
  return sweepRow(c, `${c.n} ${RENEWAL_COMMANDS[c.n]} ${c.mode}`, story, problems);
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
  return textTable(head, rows.map((r) => [r.flow, r.step, r.agent, r.outcome, r.ok ? 'yes' : `NO: ${r.problems.join('; ')}`]));
}
