import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SmartcardJobProgress } from '../../src-shared/api/agent-api.js';
import { isBlankReadout } from '../../src-shared/api/cim-cards.js';
import { personaByKey } from '../../src-service/seed/personas.js';
import type { SmartcardJobs } from '../../src-main/agent/smartcard-jobs.js';
import type { VanishMode } from '../../src-main/virtual-card/fault-plan.js';
import { nextState, signInFromPrompt } from './agent-states.js';
import { R1, R2, startSweepAgent, startSweepService, sweepCard, textTable, VANISH_MODES, type RunningAgent, type SweepCard, type SweepEnv } from './crash-sweep-env.js';
import { commandNames } from './unlock-rig.js';
import { blankCard, runJob, serviceView, type BlankCard } from './smartcard-rig.js';

// The issue's crash-safety sweep at the agent (CARDS.md: "a card pulled at ANY command of
// issuance ends either fully issued or blank and issuable again, never unusable, never with a
// certificate live for a key the card does not hold"). An RA agent signed in on reader 1 issues
// the blank card in reader 2; the card vanishes at command n of the job (the readout and the
// issue: every command the job sends), before the card acts on it or after; the agent carries
// on, or is killed and a new one started on the same service and data folder (its journal
// survives) and the RA signs in again. Then the card goes back in reader 2 and is issued again.
// It must end issued: the holder signs in with the passcode chosen, the service holds exactly
// one live certificate for the card, for the key the card holds, and at no point a live
// certificate for a key the card does not hold. (No test runner in here: a bench can run it.)

export interface SmartcardSweepCase {
  /** Index of the command (of the whole job) at which the card vanishes. */
  readonly n: number;
  readonly mode: VanishMode;
  readonly agent: 'kept' | 'restarted';
}

export interface SmartcardSweepRow extends SmartcardSweepCase {
  /** How the interrupted job ended, what the next attempt did, and how the card ended. */
  readonly outcome: string;
  readonly ok: boolean;
  readonly problems: readonly string[];
}

const PASSCODE = '24681357';
const WORKSTATION = 'ws-smartcard-sweep';
const HOLDER = personaByKey('clinician');

export interface SmartcardSweepEnv extends SweepEnv {
  /** The RA agent's card, made once. */
  readonly ra: SweepCard;
  /** Commands one issue job sends to a blank card, and their names in order. */
  readonly commands: readonly string[];
}

const issueRequest = { userUuid: HOLDER.uuid, algorithm: 'p256', passcode: PASSCODE, confirm: PASSCODE };

async function raSignedIn(env: SweepEnv, ra: SweepCard, dataDir: string): Promise<RunningAgent> {
  const a = startSweepAgent(env, WORKSTATION, dataDir);
  a.readers.insert(R1, ra.engine);
  await signInFromPrompt(a.agent, 'RA agent', '123456');
  return a;
}

async function inReader2(a: RunningAgent, card: BlankCard): Promise<void> {
  a.readers.insert(R2, card.engine);
  await nextState(a.agent, (s) => s.readers.some((r) => r.name === R2 && r.card !== null), 'the card in reader 2');
}

/** The service with the personas, and one clean issue measured: how many commands it takes. */
export async function startSmartcardSweepEnv(): Promise<SmartcardSweepEnv> {
  const env = await startSweepService('smartcard');
  const ra = await sweepCard(env, 'ra-agent', { validDays: 1000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'smartcard-sweep-'));
  const a = await raSignedIn(env, ra, dataDir);
  try {
    const card = blankCard();
    await inReader2(a, card);
    const end = await runJob(a.agent, 'smartcard.issue', issueRequest);
    if (end.status !== 'done') throw new Error(`the measuring issue failed: ${end.message}`);
    return { ...env, ra, commands: commandNames(card.commands) };
  } finally {
    await a.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function smartcardSweepCases(commands: number): SmartcardSweepCase[] {
  const cases: SmartcardSweepCase[] = [];
  for (let n = 0; n < commands; n++) for (const mode of VANISH_MODES) for (const agent of ['kept', 'restarted'] as const) cases.push({ n, mode, agent });
  return cases;
}

const stepsOf = (a: RunningAgent, jobId: string): string[] =>
  (a.agent as unknown as { smartcardJobs: SmartcardJobs }).smartcardJobs.journal.entries(jobId).map((e) => e.step);

/** Signs in with the card on a fresh agent: what its holder does next. */
async function holderSignsIn(env: SweepEnv, card: BlankCard): Promise<boolean> {
  const h = startSweepAgent(env, `${WORKSTATION}-holder`);
  try {
    h.readers.insert(R1, card.engine);
    await nextState(h.agent, (s) => s.readers.some((r) => r.name === R1 && r.card !== null), 'the card');
    await signInFromPrompt(h.agent, 'holder', PASSCODE);
    return true;
  } catch {
    return false;
  } finally {
    await h.close();
  }
}

export async function runSmartcardSweepCase(env: SmartcardSweepEnv, c: SmartcardSweepCase): Promise<SmartcardSweepRow> {
  const problems: string[] = [];
  const story: string[] = [];
  const card = blankCard();
  const dataDir = mkdtempSync(join(tmpdir(), 'smartcard-sweep-agent-'));
  let a = await raSignedIn(env, env.ra, dataDir);
  try {
    await inReader2(a, card);
    a.readers.faults(R2).vanishAfter(c.n, c.mode);
    const first = await runJob(a.agent, 'smartcard.issue', issueRequest);
    if (first.status !== 'failed') problems.push(`the interrupted issue ended ${first.status}`);
    else if (!/removed/.test(first.message ?? '')) problems.push(`the interrupted issue said "${first.message}", not that the card was removed`);
    story.push(first.status === 'failed' ? 'failed: card removed' : `first issue ${first.status}`);
    if (a.readers.cardIn(R2)) problems.push('the card was not pulled');
    const between = await serviceView(env.service, card.serial, card.engine);
    if (between.live.length > 0) problems.push(`${between.live.length} live certificate(s) after the pull`);
    if (between.liveForOtherKeys > 0) problems.push('a live certificate for a key the card does not hold after the pull');

    if (c.agent === 'restarted') {
      await a.close();
      a = await raSignedIn(env, env.ra, dataDir);
    }
    await inReader2(a, card);
    const inspection = (await a.agent.handle('smartcard.inspect', {})) as { readout: Parameters<typeof isBlankReadout>[0]; summary: string };
    const blank = isBlankReadout(inspection.readout);
    story.push(blank ? 'card blank' : 'card left part-issued');
    // The journal (kept across the restart) lets the page say what the card is.
    if (!blank && !inspection.summary.startsWith('A smartcard whose issue was not finished')) problems.push(`a part-issued card inspected as "${inspection.summary}"`);
    const second: SmartcardJobProgress = await runJob(a.agent, 'smartcard.issue', issueRequest);
    if (second.status !== 'done') problems.push(`the next issue failed: ${second.message}`);
    story.push(second.status === 'done' ? (stepsOf(a, second.jobId).includes('resetting-card') ? 'reset and issued' : 'issued') : 'not issued');
    await a.close();

    const view = await serviceView(env.service, card.serial, card.engine);
    if (view.registered?.userUuid !== HOLDER.uuid) problems.push('the card is not registered to the holder');
    if (view.live.length !== 1) problems.push(`${view.live.length} live certificates`);
    if (view.liveForOtherKeys > 0) problems.push('a live certificate for a key the card does not hold');
    const signedIn = await holderSignsIn(env, card);
    story.push(signedIn ? 'holder signs in' : 'holder cannot sign in');
    if (!signedIn) problems.push('the holder cannot sign in with their passcode');
  } catch (err) {
    problems.push(`the sweep itself failed: ${err instanceof Error ? err.message : String(err)}`);
    await a.close().catch(() => undefined);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { ...c, outcome: story.join(', '), ok: problems.length === 0, problems };
}

/** The rows as a text table. */
export function smartcardSweepTable(env: Pick<SmartcardSweepEnv, 'commands'>, rows: readonly SmartcardSweepRow[]): string {
  const head = ['n', 'command', 'vanish', 'agent', 'outcome', 'ok'];
  return textTable(
    head,
    rows.map((r) => [String(r.n), env.commands[r.n] ?? '?', r.mode, r.agent, r.outcome, r.ok ? 'yes' : `NO: ${r.problems.join('; ')}`]),
  );
}
