import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AsymmetricAlgorithm } from '../src-shared/card/virtual-card-state.js';
import { blankCardState } from '../src-main/virtual-card/blank-card.js';
import { PivCardEngine, type CommandRecord } from '../src-main/virtual-card/piv-card-engine.js';
import { saveCardState } from '../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../src-main/virtual-card/vpcd-card.js';
import { personaByKey } from '../src-service/seed/personas.js';
import { signInFromPrompt } from '../test/support/agent-states.js';
import { commandNames } from '../test/support/unlock-rig.js';
import { cardSeenIn, clearThroughAgent, issueThroughAgent, type JobEnd } from '../test/support/smartcard-job-steps.js';
import { PCSC_STATE_MS, quickack, READER_0 } from './support/pcsc-card.js';
import { runIfMain } from './support/run-main.js';
import { pull, READER_1, report, serveCard, startWorkstation, timed, type Round, type ServedCard, type Workstation } from './support/two-reader-workstation.js';

// Issuing and clearing smartcards as RA staff meet it: `npx tsx bench/card-issuance.ts`
// [--rounds 5]. The RA agent's card in vpcd slot 0, signed in; each round a BLANK card (factory
// defaults) goes into slot 1 and is issued (RSA-2048 or P-256) to the clinician, then cleared,
// through the real pcscd, the PC/SC reader driver, the agent's smartcard jobs and the embedded
// identity service over HTTP on loopback. Measured: issuance from "Continue" (smartcard.inspect)
// through "Issue smartcard" to the job's "Smartcard issued successfully", and clearing from
// "Continue" to "Smartcard cleared successfully", each with the APDUs the card received.

const RA_PASSCODE = '123456';
const CHOSEN = '24681357';

/** A factory-fresh card served in vpcd slot 1 from a state file (not yet inserted); it has no card UUID yet. */
function serveBlankCard(ws: Workstation, round: string): ServedCard {
  const state = blankCardState();
  const path = join(ws.dir, `blank-${round}.json`);
  saveCardState(path, state);
  const log: CommandRecord[] = [];
  const engine = new PivCardEngine(state, { onPersist: (s) => saveCardState(path, s), onCommand: (r) => log.push(r) });
  return { vpcd: new VpcdCard({ engine, port: VPCD_BASE_PORT + 1 }), log, cardUuid: '' };
}

function ended(end: JobEnd, message: string): string {
  if (end.progress.status !== 'done' || end.progress.message !== message || end.progress.cardUuid === null) {
    throw new Error(`the smartcard job did not end with "${message}": ${JSON.stringify(end.progress)}`);
  }
  return end.progress.cardUuid;
}

/**
 * Waits until the card has had no command for a while: the agent reads every card as it goes in,
 * and that read is the insertion's, not the issue's. Nobody clicks "Continue" faster than this.
 */
async function quiet(log: readonly CommandRecord[], ms = 300): Promise<void> {
  for (let seen = -1; seen !== log.length; ) {
    seen = log.length;
    await new Promise((r) => setTimeout(r, ms));
  }
}

/** The Yubico instructions the lifecycle uses, by name. */
const YUBICO_INS: Readonly<Record<number, string>> = { 0xf8: 'GET SERIAL', 0xfd: 'GET VERSION', 0xff: 'SET MANAGEMENT KEY', 0xfb: 'RESET' };

/** The commands in order, a run of the same one counted ("GET DATA ×4"). */
function commandRuns(commands: readonly CommandRecord[]): string {
  const runs: { name: string; n: number }[] = [];
  for (const name of commands.map((c) => YUBICO_INS[c.ins] ?? commandNames([c]).join(''))) {
    const last = runs.at(-1);
    if (last?.name === name) last.n++;
    else runs.push({ name, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.name} ×${r.n}` : r.name)).join(', ');
}

interface CardRound {
  readonly issue: Round;
  readonly clear: Round;
  /** What the card received while issued, then while cleared. */
  readonly issueCommands: readonly CommandRecord[];
  readonly clearCommands: readonly CommandRecord[];
}

/** One blank card: issued (measured), cleared (measured), taken out. */
async function round(ws: Workstation, algorithm: AsymmetricAlgorithm, n: number): Promise<CardRound> {
  const card = serveBlankCard(ws, `${algorithm}-${n}`);
  await card.vpcd.insert();
  await cardSeenIn(ws.agent, READER_1, PCSC_STATE_MS);
  await quiet(card.log);
  let cardUuid = '';
  const start = card.log.length;
  const issue = await timed(card, async () => {
    cardUuid = ended(await issueThroughAgent(ws.agent, { userUuid: personaByKey('clinician').uuid, algorithm, passcode: CHOSEN }), 'Smartcard issued successfully');
  });
  const clear = await timed(card, async () => ended(await clearThroughAgent(ws.agent, cardUuid), 'Smartcard cleared successfully'));
  await pull(ws.driver, card, READER_1);
  const issued = start + issue.apdus;
  return { issue, clear, issueCommands: card.log.slice(start, issued), clearCommands: card.log.slice(issued, issued + clear.apdus) };
}

export async function benchCardIssuance(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '5' } } });
  const rounds = Number(values.rounds);
  const ws = await startWorkstation('card-issuance');
  const quick = quickack('on');
  console.log(`# Issuing and clearing a smartcard over pcscd + vpcd (embedded service over HTTP, quickack ${quick ? 'on' : 'unchanged: not root'}), ${rounds} rounds each after one warm-up`);
  ws.driver.start();
  const ra = await serveCard(ws, 'ra-agent', 0, { algorithm: 'p256', validDays: 1000 });
  try {
    await ws.ready();
    await ra.vpcd.insert();
    await signInFromPrompt(ws.agent, 'RA agent', RA_PASSCODE, PCSC_STATE_MS);
    for (const algorithm of ['rsa2048', 'p256'] as const) {
      const kept: CardRound[] = [];
      for (let i = 0; i <= rounds; i++) {
        const r = await round(ws, algorithm, i);
        // The first round warms up (JIT, connections, the CA's first signatures): not kept.
        if (i > 0) kept.push(r);
      }
      report(`issue ${algorithm}: Continue -> issued`, kept.map((r) => r.issue));
      report(`clear (${algorithm} card): Continue -> cleared`, kept.map((r) => r.clear));
      const last = kept.at(-1);
      if (last) console.log(`  issue: ${commandRuns(last.issueCommands)}\n  clear: ${commandRuns(last.clearCommands)}`);
    }
  } finally {
    await ws.close([[ra, READER_0]]);
  }
}

runIfMain(import.meta.url, benchCardIssuance);
