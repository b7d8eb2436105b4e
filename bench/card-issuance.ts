import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AsymmetricAlgorithm } from '../src-shared/card/virtual-card-state.js';
import { blankCardState } from '../src-main/virtual-card/blank-card.js';
import { PivCardEngine, type CommandRecord } from '../src-main/virtual-card/piv-card-engine.js';
import { saveCardState } from '../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../src-main/virtual-card/vpcd-card.js';
import { personaByKey } from '../src-service/seed/personas.js';
import { signInFromPrompt } from '../test/support/agent-states.js';
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

/** One blank card: issued (measured), cleared (measured), taken out. */
async function round(ws: Workstation, algorithm: AsymmetricAlgorithm, n: number): Promise<{ issue: Round; clear: Round }> {
  const card = serveBlankCard(ws, `${algorithm}-${n}`);
  await card.vpcd.insert();
  await cardSeenIn(ws.agent, READER_1, PCSC_STATE_MS);
  let cardUuid = '';
  const issue = await timed(card, async () => {
    cardUuid = ended(await issueThroughAgent(ws.agent, { userUuid: personaByKey('clinician').uuid, algorithm, passcode: CHOSEN }), 'Smartcard issued successfully');
  });
  const clear = await timed(card, async () => ended(await clearThroughAgent(ws.agent, cardUuid), 'Smartcard cleared successfully'));
  await pull(ws.driver, card, READER_1);
  return { issue, clear };
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
      const issued: Round[] = [];
      const cleared: Round[] = [];
      for (let i = 0; i <= rounds; i++) {
        const r = await round(ws, algorithm, i);
        // The first round warms up (JIT, connections, the CA's first signatures): not kept.
        if (i === 0) continue;
        issued.push(r.issue);
        cleared.push(r.clear);
      }
      report(`issue ${algorithm}: Continue -> issued`, issued);
      report(`clear (${algorithm} card): Continue -> cleared`, cleared);
    }
  } finally {
    await ws.close([[ra, READER_0]]);
  }
}

runIfMain(import.meta.url, benchCardIssuance);
