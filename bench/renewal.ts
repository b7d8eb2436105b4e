import { parseArgs } from 'node:util';
import type { AsymmetricAlgorithm } from '../src-shared/card/virtual-card-state.js';
import { cardReadIn, nextState, signInFromPrompt } from '../test/support/agent-states.js';
import { renewalSweepTable, runRenewalCrashSweep } from '../test/support/renewal-crash-sweep.js';
import { renewalOf } from '../test/support/renewal-rig.js';
import { PCSC_STATE_MS, quickack, READER_0 } from './support/pcsc-card.js';
import { runIfMain } from './support/run-main.js';
import { measure, pull, READER_1, report, reportSweep, serveCard, startWorkstation, timed, type Round, type ServedCard, type Workstation } from './support/two-reader-workstation.js';

// Renewing a smartcard certificate as people meet it: `npx tsx bench/renewal.ts` [--rounds 5]
// [--no-sweep]. Self renewal from the Smartcard Expiry Notification (the holder's card in vpcd
// slot 0) and a sponsor's "Service smartcard" renewal (sponsor's card in slot 0, the holder's in
// slot 1), RSA-2048 and P-256, through the real pcscd, the PC/SC reader driver, the agent and the
// embedded identity service over HTTP on loopback. Each round uses a fresh factory card due for
// renewal. Measured: from the holder's passcode (renewal.submitPasscode, which opens the renewal
// for self, and runs the card operation) to the agent showing "renewed" (after the service's
// confirmation), and the APDUs the renewed card received in that time.
// Then the crash-safety sweep (in-process readers) and its table.

const PASSCODE = '123456';

const renewed = (s: Parameters<typeof renewalOf>[0]): boolean => renewalOf(s)?.step.step === 'done';

/** From the holder's passcode to "renewed": the part of a round that is measured. */
async function passcodeToRenewed(ws: Workstation, card: ServedCard): Promise<Round> {
  return timed(card, async () => {
    await ws.agent.handle('renewal.submitPasscode', { passcode: PASSCODE });
    await nextState(ws.agent, renewed, 'renewed', PCSC_STATE_MS);
  });
}

async function selfRound(ws: Workstation, algorithm: AsymmetricAlgorithm): Promise<Round> {
  const card = await serveCard(ws, 'clinician', 0, { algorithm, validDays: 30 });
  await card.vpcd.insert();
  await signInFromPrompt(ws.agent, 'holder', PASSCODE, PCSC_STATE_MS);
  await ws.agent.handle('renewal.start', {});
  const round = await passcodeToRenewed(ws, card);
  await ws.agent.handle('renewal.close', {});
  await ws.agent.handle('agent.logout', {});
  await pull(ws.driver, card, READER_0);
  return round;
}

async function sponsorRound(ws: Workstation, algorithm: AsymmetricAlgorithm): Promise<Round> {
  const card = await serveCard(ws, 'clinician', 1, { algorithm, validDays: 30 });
  await ws.agent.handle('serviceCard.begin', {});
  await card.vpcd.insert();
  await nextState(ws.agent, cardReadIn(READER_1, card.cardUuid), 'the holder card read', PCSC_STATE_MS);
  await ws.agent.handle('serviceCard.continue', {});
  await ws.agent.handle('serviceCard.renew', {});
  const round = await passcodeToRenewed(ws, card);
  await ws.agent.handle('renewal.close', {});
  await pull(ws.driver, card, READER_1);
  return round;
}

export async function benchRenewal(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '5' }, 'no-sweep': { type: 'boolean', default: false } } });
  const rounds = Number(values.rounds);
  const ws = await startWorkstation('renewal');
  const quick = quickack('on');
  console.log(`# Smartcard certificate renewal over pcscd + vpcd (embedded service over HTTP, quickack ${quick ? 'on' : 'unchanged: not root'}), ${rounds} rounds each after one warm-up`);
  ws.driver.start();
  const sponsor = await serveCard(ws, 'sponsor', 0, { algorithm: 'p256', validDays: 1000 });
  try {
    await ws.ready();
    for (const algorithm of ['rsa2048', 'p256'] as const) {
      report(`self ${algorithm}: passcode -> renewed`, await measure(rounds, () => selfRound(ws, algorithm)));
    }
    await sponsor.vpcd.insert();
    await signInFromPrompt(ws.agent, 'sponsor', PASSCODE, PCSC_STATE_MS);
    for (const algorithm of ['rsa2048', 'p256'] as const) {
      report(`sponsor ${algorithm}: passcode -> renewed`, await measure(rounds, () => sponsorRound(ws, algorithm)));
    }
  } finally {
    await ws.close([[sponsor, READER_0]]);
  }

  if (values['no-sweep']) return;
  await reportSweep('card pulled at each command, agent kept or restarted, then the card back in', () => runRenewalCrashSweep(), renewalSweepTable, 'unusable cards');
}

runIfMain(import.meta.url, benchRenewal);
