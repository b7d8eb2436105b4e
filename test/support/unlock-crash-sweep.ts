import { personaByKey } from '../../src-service/seed/personas.js';
import type { PivCardEngine } from '../../src-main/virtual-card/piv-card-engine.js';
import { cardReadIn, nextState, screenIs, signInFromPrompt } from './agent-states.js';
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
  VANISH_MODES,
  type RunningAgent,
  type SweepCard,
  type SweepCase,
  type SweepEnv,
  type SweepFlow,
  type SweepRow as BaseSweepRow,
} from './crash-sweep-env.js';
import { cardHolds, cardPukIs, latestCodeFor, pukAttemptsSpent } from './unlock-rig.js';

// The unlock's crash-safety sweep, shared by the unit test and the bench (so no test runner in
// here). For both flows, for every command of the unlock's card operation and both ways a card
// can vanish (before the card acts on the command, or after it has acted and saved but before
// the answer arrives), the card is pulled there; in half the cases the agent is also killed
// (closed, and a fresh one started on the same service and card). Then the user retries as they
// would: a card still locked is unlocked again (a new security code for self-service; the
// sponsor inserts it again); an unlocked one is used to sign in with the new passcode.
// The card must end unlocked, with the PUK the service holds as current (or as pending when no
// unlock after the crash committed), and no more than one PUK attempt spent finding out which.

export type { SweepCase, SweepEnv, SweepFlow };

/** The unlock card operation, command by command (unlock-card.ts). */
export const UNLOCK_COMMANDS = ['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE (witness)', 'GENERAL AUTHENTICATE (challenge)', 'RESET RETRY COUNTER', 'CHANGE REFERENCE DATA'] as const;

export interface SweepRow extends BaseSweepRow {
  readonly pukAttemptsSpent: number;
}

export function sweepCases(flows: readonly SweepFlow[] = ['self', 'sponsor']): SweepCase[] {
  return vanishCases(flows, UNLOCK_COMMANDS.length);
}

const FIRST_PASSCODE = '24681357';
const RETRY_PASSCODE = '13572468';
const HOLDER = personaByKey('locked-card');

export const startSweepEnv = (): Promise<SweepEnv> => startSweepService('unlock', { unlockCodesPerHour: 100 });

const WORKSTATION = 'ws-sweep';

async function signInSponsor(a: RunningAgent, sponsor: PivCardEngine): Promise<void> {
  a.readers.insert(R1, sponsor);
  await signInFromPrompt(a.agent, 'sponsor');
}

/** The self-service flow from the locked-card screen up to (not including) the new passcode. */
async function selfUpToPasscode(env: SweepEnv, a: RunningAgent, locked: PivCardEngine): Promise<void> {
  a.readers.insert(R1, locked);
  await nextState(a.agent, screenIs('locked-card'), 'the locked card');
  await a.agent.handle('unlock.begin', {});
  await a.agent.handle('unlock.sendCode', {});
  await a.agent.handle('unlock.submitCode', { code: await latestCodeFor(env.service, HOLDER.email) });
}

/** Service smartcard up to the new passcode, the sponsor already signed in. */
async function sponsorUpToPasscode(a: RunningAgent, locked: PivCardEngine, cardUuid: string): Promise<void> {
  const screen = a.agent.state().screen;
  if (screen.kind !== 'signed-in') throw new Error('the sponsor is not signed in');
  // After a pulled card the flow is still open, waiting for it again.
  if (screen.serviceCard === null) await a.agent.handle('serviceCard.begin', {});
  a.readers.insert(R2, locked);
  await nextState(a.agent, cardReadIn(R2, cardUuid), 'the locked card read');
  await a.agent.handle('serviceCard.continue', {});
  await a.agent.handle('serviceCard.unlock', {});
  await a.agent.handle('serviceCard.confirm', {});
}

/** Up to the new passcode, whichever the flow; the sponsor signed in first if need be. */
async function upToPasscode(env: SweepEnv, a: RunningAgent, flow: SweepFlow, locked: SweepCard, sponsor?: PivCardEngine): Promise<void> {
  if (sponsor && a.agent.state().screen.kind !== 'signed-in') await signInSponsor(a, sponsor);
  if (flow === 'self') await selfUpToPasscode(env, a, locked.engine);
  else await sponsorUpToPasscode(a, locked.engine, locked.cardUuid);
}

/** Signs in with `passcode` on a fresh agent: what a holder does with an unlocked card. */
async function signsIn(env: SweepEnv, engine: PivCardEngine, passcode: string): Promise<boolean> {
  const a = startSweepAgent(env, WORKSTATION);
  try {
    a.readers.insert(R1, engine);
    await nextState(a.agent, screenIs('passcode'), 'the passcode prompt');
    await a.agent.handle('agent.submitPasscode', { passcode });
    await nextState(a.agent, screenIs('choose-position'), 'the positions');
    return true;
  } catch {
    return false;
  } finally {
    await a.close();
  }
}

/** Three wrong passcodes on a fresh agent: the card is locked again. */
async function lockAgain(env: SweepEnv, engine: PivCardEngine, passcode: string): Promise<void> {
  const wrong = passcode === '99999999' ? '88888888' : '99999999';
  const a = startSweepAgent(env, WORKSTATION);
  try {
    a.readers.insert(R1, engine);
    await nextState(a.agent, screenIs('passcode'), 'the passcode prompt');
    for (let i = 0; i < 3; i++) await failureOf(a.agent.handle('agent.submitPasscode', { passcode: wrong }));
    await nextState(a.agent, screenIs('locked-card'), 'the card locked again');
  } finally {
    await a.close();
  }
}

/**
 * How the card ended, after the user's last unlock with `passcode`: the PUK it holds goes into
 * the story; still locked, without that passcode, a PUK `pukProblems` finds wrong, or not
 * signing in with it are problems. Returns which PUK.
 */
async function judgeUnlocked(
  env: SweepEnv,
  locked: SweepCard,
  passcode: string,
  story: string[],
  problems: string[],
  pukProblems: (puk: Awaited<ReturnType<typeof cardPukIs>>) => string[],
): Promise<Awaited<ReturnType<typeof cardPukIs>>> {
  const state = locked.engine.snapshot();
  const puk = await cardPukIs(env.service, locked.cardUuid, state);
  story.push(`PUK ${puk}`);
  if (state.pin.triesLeft === 0) problems.push('the card is still locked');
  if (!cardHolds(state, 'pin', passcode)) problems.push('the card does not hold the passcode the holder set last');
  problems.push(...pukProblems(puk));
  const signedIn = await signsIn(env, locked.engine, passcode);
  story.push(signedIn ? 'signs in' : 'cannot sign in');
  if (!signedIn) problems.push('the holder cannot sign in with the new passcode');
  return puk;
}

export async function runSweepCase(env: SweepEnv, c: SweepCase): Promise<SweepRow> {
  const problems: string[] = [];
  const locked = await sweepCard(env, 'locked-card', { locked: true });
  const sponsor = c.flow === 'sponsor' ? await sweepCard(env, 'sponsor') : undefined;
  const reader = c.flow === 'self' ? R1 : R2;
  let a = startSweepAgent(env, WORKSTATION);
  const story: string[] = [];
  try {
    await upToPasscode(env, a, c.flow, locked, sponsor?.engine);

    // The card vanishes at command n.
    a.readers.faults(reader).vanishAfter(c.n, c.mode);
    const failed = await failureOf(a.agent.handle('unlock.setPasscode', { next: FIRST_PASSCODE, confirm: FIRST_PASSCODE }));
    if (failed !== 'card-removed') problems.push(`the interrupted unlock ended with ${failed}, not card-removed`);
    if (a.readers.cardIn(reader)) problems.push('the card was not pulled');

    if (c.agent === 'restarted') {
      await a.close();
      a = startSweepAgent(env, WORKSTATION);
      if (sponsor) await signInSponsor(a, sponsor.engine);
    }

    // The user retries: is the card still locked?
    const stillLocked = locked.engine.snapshot().pin.triesLeft === 0;
    let passcode = FIRST_PASSCODE;
    if (stillLocked) {
      story.push('still locked');
      await upToPasscode(env, a, c.flow, locked, sponsor?.engine);
      await a.agent.handle('unlock.setPasscode', { next: RETRY_PASSCODE, confirm: RETRY_PASSCODE });
      const screen = a.agent.state().screen;
      const step = screen.kind === 'self-unlock' ? screen.unlock.step.step : screen.kind === 'signed-in' ? screen.serviceCard?.step.step : undefined;
      if (step !== 'done') problems.push(`the retried unlock ended at ${step ?? screen.kind}`);
      passcode = RETRY_PASSCODE;
      story.push('unlocked again');
    } else {
      story.push('already unlocked');
    }
    await a.close();

    const puk = await judgeUnlocked(env, locked, passcode, story, problems, (p) => [
      ...(p === 'neither' ? ['the card holds neither PUK the service has'] : []),
      ...(stillLocked && p !== 'current' ? ['the retried unlock committed, yet the card PUK is not the current one'] : []),
    ]);

    if (puk === 'pending') {
      // The rotation never committed: the next unlock (the card locked again some day) finds
      // the card's PUK with at most one attempt, and commits it.
      await lockAgain(env, locked.engine, passcode);
      a = startSweepAgent(env, WORKSTATION);
      await upToPasscode(env, a, c.flow, locked, sponsor?.engine);
      await a.agent.handle('unlock.setPasscode', { next: RETRY_PASSCODE, confirm: RETRY_PASSCODE });
      await a.close();
      const later = await cardPukIs(env.service, locked.cardUuid, locked.engine.snapshot());
      story.push(`locked again later: unlocked, PUK ${later}`);
      if (later !== 'current') problems.push('the later unlock did not leave the card on the current PUK');
      if (!cardHolds(locked.engine.snapshot(), 'pin', RETRY_PASSCODE)) problems.push('the later unlock did not set the passcode');
    }
  } catch (err) {
    problems.push(`the sweep itself failed: ${err instanceof Error ? err.message : String(err)}`);
    await a.close().catch(() => undefined);
  }
  const spent = pukAttemptsSpent(locked.commands);
  if (spent > 1) problems.push(`${spent} PUK attempts were spent`);
  return { ...sweepRow(c, `${c.n} ${UNLOCK_COMMANDS[c.n]} ${c.mode}`, story, problems), pukAttemptsSpent: spent };
}

// The double fault. An unlock cut short after the card took the next PUK leaves the card on it,
// unlocked, the rotation pending; some day the card is locked again. The reconciling unlock then
// reads the PUK's counter (full), tries the current PUK (refused: one attempt), tells the service
// the card holds the pending one, and resets with that. Here that reconciling unlock is cut short too, at each of its commands
// and both ways, then the user retries cleanly. The card must end unlocked on the current PUK;
// the PUK attempts spent over the whole story are counted (see the unit test for the limit).

/** The reconciling unlock's card operation (rotation pending, the card on the next PUK). */
export const RECONCILING_COMMANDS = [
  'SELECT',
  'VERIFY',
  'GENERAL AUTHENTICATE (witness)',
  'GENERAL AUTHENTICATE (challenge)',
  'GET METADATA (PUK counter)',
  'RESET RETRY COUNTER (current PUK)',
  'RESET RETRY COUNTER (next PUK)',
] as const;

export function doubleFaultCases(flows: readonly SweepFlow[] = ['self', 'sponsor']): SweepCase[] {
  const cases: SweepCase[] = [];
  for (const flow of flows)
    for (let n = 0; n < RECONCILING_COMMANDS.length; n++) for (const mode of VANISH_MODES) cases.push({ flow, n, mode, agent: 'kept' });
  return cases;
}

export async function runDoubleFaultCase(env: SweepEnv, c: SweepCase): Promise<SweepRow> {
  const problems: string[] = [];
  const story: string[] = [];
  const locked = await sweepCard(env, 'locked-card', { locked: true });
  const sponsor = c.flow === 'sponsor' ? (await sweepCard(env, 'sponsor')).engine : undefined;
  const reader = c.flow === 'self' ? R1 : R2;
  let a = startSweepAgent(env, WORKSTATION);
  try {
    // The first fault: pulled once the card has acted on CHANGE REFERENCE DATA.
    await upToPasscode(env, a, c.flow, locked, sponsor);
    a.readers.faults(reader).vanishAfter(UNLOCK_COMMANDS.length - 1, 'after-processing');
    await failureOf(a.agent.handle('unlock.setPasscode', { next: FIRST_PASSCODE, confirm: FIRST_PASSCODE }));
    await a.close();
    if (await cardPukIs(env.service, locked.cardUuid, locked.engine.snapshot()) !== 'pending') problems.push('the first fault did not leave the card on the pending PUK');
    await lockAgain(env, locked.engine, FIRST_PASSCODE);
    story.push('on the pending PUK, locked again');

    // The second: the reconciling unlock pulled at command n.
    a = startSweepAgent(env, WORKSTATION);
    await upToPasscode(env, a, c.flow, locked, sponsor);
    a.readers.faults(reader).vanishAfter(c.n, c.mode);
    const failed = await failureOf(a.agent.handle('unlock.setPasscode', { next: FIRST_PASSCODE, confirm: FIRST_PASSCODE }));
    if (failed !== 'card-removed') problems.push(`the reconciling unlock ended with ${failed}, not card-removed`);

    let passcode = FIRST_PASSCODE;
    if (locked.engine.snapshot().pin.triesLeft === 0) {
      story.push('still locked');
      await upToPasscode(env, a, c.flow, locked, sponsor);
      await a.agent.handle('unlock.setPasscode', { next: RETRY_PASSCODE, confirm: RETRY_PASSCODE });
      passcode = RETRY_PASSCODE;
      story.push('unlocked again');
    } else {
      story.push('already unlocked');
    }
    await a.close();

    await judgeUnlocked(env, locked, passcode, story, problems, (puk) => (puk !== 'current' ? [`the card is on the ${puk} PUK, not the current one`] : []));
  } catch (err) {
    problems.push(`the sweep itself failed: ${err instanceof Error ? err.message : String(err)}`);
    await a.close().catch(() => undefined);
  }
  return { ...sweepRow(c, `reconciling: ${c.n} ${RECONCILING_COMMANDS[c.n]} ${c.mode}`, story, problems), pukAttemptsSpent: pukAttemptsSpent(locked.commands) };
}

/** Every case, one after the other (they share the service), then the double faults. */
export async function runUnlockCrashSweep(flows?: readonly SweepFlow[]): Promise<SweepRow[]> {
  const env = await startSweepEnv();
  try {
    const rows: SweepRow[] = [];
    for (const c of sweepCases(flows)) rows.push(await runSweepCase(env, c));
    for (const c of doubleFaultCases(flows)) rows.push(await runDoubleFaultCase(env, c));
    return rows;
  } finally {
    await env.close();
  }
}

/** The rows as a text table (the bench prints it). */
export function sweepTable(rows: readonly SweepRow[]): string {
  const head = ['flow', 'step (command, vanish mode)', 'agent', 'outcome', 'PUK tries spent', 'ok'];
  return textTable(head, rows.map((r) => [r.flow, r.step, r.agent, r.outcome, String(r.pukAttemptsSpent), r.ok ? 'yes' : `NO: ${r.problems.join('; ')}`]));
}
