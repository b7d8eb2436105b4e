import { parseArgs } from 'node:util';
import type { AgentState } from '../src-shared/api/agent-api.js';
import { personaByKey } from '../src-service/seed/personas.js';
import { cardReadIn, nextState, screenIs, signInFromPrompt } from '../test/support/agent-states.js';
import { runUnlockCrashSweep, sweepTable } from '../test/support/unlock-crash-sweep.js';
import { latestCodeFor } from '../test/support/unlock-rig.js';
import { PCSC_STATE_MS, quickack, READER_0 } from './support/pcsc-card.js';
import { runIfMain } from './support/run-main.js';
import { measure, pull, READER_1, report, reportSweep, serveCard, startWorkstation, timed, type Round, type ServedCard, type Workstation } from './support/two-reader-workstation.js';

// Unlocking a locked smartcard as people meet it: `npx tsx bench/unlock.ts` [--rounds 5]
// [--no-sweep]. Self-service (locked card in vpcd slot 0) and a sponsor's "Service smartcard"
// (sponsor's card in slot 0, the locked card in slot 1), through the real pcscd, the PC/SC
// reader driver, the agent and the embedded identity service over HTTP on loopback. Each round
// uses a fresh factory card, locked. Measured: from the holder's "Continue" on the new passcode
// (unlock.setPasscode, which starts the card operation) to the agent showing the card unlocked
// (after the service's commit), and the APDUs the locked card received in that time.
// Then the crash-safety sweep (in-process readers) and its table.

const NEW_PASSCODE = '24681357';

/** From the new passcode's "Continue" to `unlocked`: the part of a round that is measured. */
async function newPasscodeTo(ws: Workstation, card: ServedCard, unlocked: (s: AgentState) => boolean): Promise<Round> {
  return timed(card, async () => {
    await ws.agent.handle('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    await nextState(ws.agent, unlocked, 'unlocked', PCSC_STATE_MS);
  });
}

async function selfRound(ws: Workstation): Promise<Round> {
  const card = await serveCard(ws, 'locked-card', 0, { algorithm: 'p256', locked: true });
  await card.vpcd.insert();
  await nextState(ws.agent, screenIs('locked-card'), 'the locked card', PCSC_STATE_MS);
  await ws.agent.handle('unlock.begin', {});
  await ws.agent.handle('unlock.sendCode', {});
  await ws.agent.handle('unlock.submitCode', { code: await latestCodeFor(ws.service, personaByKey('locked-card').email) });
  const round = await newPasscodeTo(ws, card, (s) => s.screen.kind === 'self-unlock' && s.screen.unlock.step.step === 'done');
  await ws.agent.handle('unlock.close', {});
  await pull(ws.driver, card, READER_0);
  return round;
}

async function sponsorRound(ws: Workstation): Promise<Round> {
  const card = await serveCard(ws, 'locked-card', 1, { algorithm: 'p256', locked: true });
  await ws.agent.handle('serviceCard.begin', {});
  await card.vpcd.insert();
  await nextState(ws.agent, cardReadIn(READER_1, card.cardUuid), 'the locked card read', PCSC_STATE_MS);
  await ws.agent.handle('serviceCard.continue', {});
  await ws.agent.handle('serviceCard.unlock', {});
  await ws.agent.handle('serviceCard.confirm', {});
  const round = await newPasscodeTo(ws, card, (s) => s.screen.kind === 'signed-in' && s.screen.serviceCard?.step.step === 'done');
  await ws.agent.handle('unlock.close', {});
  await pull(ws.driver, card, READER_1);
  return round;
}

export async function benchUnlock(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '5' }, 'no-sweep': { type: 'boolean', default: false } } });
  const rounds = Number(values.rounds);
  const ws = await startWorkstation('unlock', { unlockCodesPerHour: 100 });
  const quick = quickack('on');
  console.log(`# Smartcard unlock over pcscd + vpcd (p256 cards, embedded service over HTTP, quickack ${quick ? 'on' : 'unchanged: not root'}), ${rounds} rounds each after one warm-up`);
  ws.driver.start();
  const sponsor = await serveCard(ws, 'sponsor', 0, { algorithm: 'p256' });
  try {
    await ws.ready();
    report('self-service: new passcode -> unlocked', await measure(rounds, () => selfRound(ws)));
    await sponsor.vpcd.insert();
    await signInFromPrompt(ws.agent, 'sponsor', '123456', PCSC_STATE_MS);
    report('sponsor (Service smartcard): -> unlocked', await measure(rounds, () => sponsorRound(ws)));
  } finally {
    await ws.close([[sponsor, READER_0]]);
  }

  if (values['no-sweep']) return;
  await reportSweep('card pulled at each command, agent kept or restarted, then the user retries', () => runUnlockCrashSweep(), sweepTable, 'failed');
}

runIfMain(import.meta.url, benchUnlock);
