import { clearCard } from '../../../../src-main/agent/card-clear.js';
import { issueCard } from '../../../../src-main/agent/card-issue.js';
import { readCardReadout } from '../../../../src-main/agent/card-readout.js';
import { CardError } from '../../../../src-main/card/card-error.js';
import type { VanishMode } from '../../../../src-main/virtual-card/fault-plan.js';
import type { CertificateAuthority } from '../../../../src-service/ca/certificate-authority.js';
import { isBlankReadout } from '../../../../src-shared/api/cim-cards.js';
import type { AsymmetricAlgorithm } from '../../../../src-shared/card/virtual-card-state.js';
import { textTable } from '../../../support/crash-sweep-env.js';
import { acceptsManagementKey, blankCardInReader, commandName, onCard, READER, signsWithPasscode, slot9a, type CardInReader } from './card-lifecycle-rig.js';
import { HOLDER_NAME, openIssue, serviceKeyRelay, type IssueOperation } from './card-service-stand-in.js';

// The card-level crash-safety sweep of issuing and clearing: for every command of the card
// operation and both ways a card can vanish (before the card acts on the command, or after it
// acted and saved but before its answer arrived), the card is pulled there and put back, and
// the operation is run again as the service would answer for that card: an issue again with
// resetFirst (the card is left by an issue that never finished), a clear again (relayed when
// the card is not blank, only read again when it is). Before the second run the pulled card
// must hold no certificate for a key it does not hold; after it, the card must be fully issued
// (signs with the passcode, its certificate is its key's, the service's management key) or
// blank (PIN 123456, factory key) and issuable again.

export type SweepOperation = 'issue' | 'clear';
const FIRST_PASSCODE = '24681357';
const SECOND_PASSCODE = '97531864';

export interface CardSweepRow {
  readonly operation: SweepOperation;
  readonly index: number;
  readonly command: string;
  readonly mode: VanishMode;
  /** The card as it was when pulled. */
  readonly pulled: string;
  readonly outcome: 'issued' | 'blank';
  /** Anything that broke the rule; empty when the case passed. */
  readonly problems: string[];
}

/** The commands of one undisturbed run, by name, from a fresh card (what the sweep's indices mean). */
export async function referenceCommands(ca: CertificateAuthority, operation: SweepOperation, algorithm: AsymmetricAlgorithm): Promise<string[]> {
  const card = operation === 'issue' ? blankCardInReader() : (await issuedCard(ca, algorithm)).card;
  try {
    const run = operation === 'issue' ? await issueRun(ca, card, algorithm, FIRST_PASSCODE, false) : clearRun(card, ops.get(card)!);
    const from = card.commands.length;
    await run.go();
    return card.commands.slice(from).map(commandName);
  } finally {
    await card.readers.close();
  }
}

const ops = new WeakMap<CardInReader, IssueOperation>();

/** An issue opened as the agent opens it (the card read in its own transaction first); `go` is the card operation. */
async function issueRun(
  ca: CertificateAuthority,
  card: CardInReader,
  algorithm: AsymmetricAlgorithm,
  passcode: string,
  resetFirst: boolean,
): Promise<{ op: IssueOperation; go: () => Promise<unknown> }> {
  const readout = await readCardReadout(card.readers, READER);
  const op = openIssue(ca, readout);
  ops.set(card, op);
  const go = () =>
    issueCard({ readers: card.readers, reader: READER, passcode: Buffer.from(passcode, 'ascii'), algorithm, cardUuid: op.cardUuid, holderName: HOLDER_NAME, resetFirst, relay: op.relay });
  return { op, go };
}

function clearRun(card: CardInReader, op: IssueOperation): { go: () => Promise<unknown> } {
  return { go: () => clearCard({ readers: card.readers, reader: READER, relay: serviceKeyRelay(op.managementKey) }) };
}

async function issueOnce(ca: CertificateAuthority, card: CardInReader, algorithm: AsymmetricAlgorithm, passcode: string, resetFirst: boolean): Promise<IssueOperation> {
  const run = await issueRun(ca, card, algorithm, passcode, resetFirst);
  await run.go();
  return run.op;
}

async function issuedCard(ca: CertificateAuthority, algorithm: AsymmetricAlgorithm): Promise<{ card: CardInReader; op: IssueOperation }> {
  const card = blankCardInReader();
  const op = await issueOnce(ca, card, algorithm, FIRST_PASSCODE, false);
  return { card, op };
}

/** One case: pull the card at command `index` of `operation`, put it back, run again, judge the card. */
export async function runCardSweepCase(
  ca: CertificateAuthority,
  operation: SweepOperation,
  algorithm: AsymmetricAlgorithm,
  index: number,
  command: string,
  mode: VanishMode,
): Promise<CardSweepRow> {
  const { card, op } = operation === 'issue' ? { card: blankCardInReader(), op: null } : await issuedCard(ca, algorithm);
  const problems: string[] = [];
  try {
    const run = operation === 'issue' ? await issueRun(ca, card, algorithm, FIRST_PASSCODE, false) : clearRun(card, op!);
    card.readers.faults(READER).vanishAfter(index, mode);
    const pulledError = await run.go().then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(pulledError instanceof CardError) || pulledError.code !== 'card-removed') problems.push(`the first run did not end with the card removed: ${String(pulledError)}`);
    if (card.readers.cardIn(READER) !== undefined) problems.push('the card was not pulled');
    card.reinsert();

    const pulled = await describePulled(card);
    if (pulled.includes('certificate without its key')) problems.push('the pulled card holds a certificate for a key it does not hold');

    if (operation === 'issue') {
      const again = await issueOnce(ca, card, algorithm, SECOND_PASSCODE, true);
      if (!(await signsWithPasscode(card, SECOND_PASSCODE, algorithm))) problems.push('the issued card does not sign with its passcode');
      if ((await slot9a(card)) !== 'certificate-with-its-key') problems.push("the issued card's certificate is not its key's");
      if (!(await acceptsManagementKey(card, again.managementKey))) problems.push("the issued card does not hold the service's management key");
      const readout = await readCardReadout(card.readers, READER);
      if (readout.chuidUuid !== again.cardUuid) problems.push('the issued card does not carry its card UUID');
      return { operation, index, command, mode, pulled, outcome: 'issued', problems };
    }

    const seen = await readCardReadout(card.readers, READER);
    const { readout } = await clearCard({ readers: card.readers, reader: READER, relay: isBlankReadout(seen) ? null : serviceKeyRelay(op!.managementKey) });
    if (!isBlankReadout(readout)) problems.push('the cleared card is not blank');
    try {
      await onCard(card, (piv) => piv.verifyPin(Buffer.from('123456', 'ascii')));
    } catch (err) {
      problems.push(`the cleared card refuses PIN 123456: ${String(err)}`);
    }
    await issueOnce(ca, card, algorithm, SECOND_PASSCODE, false);
    if (!(await signsWithPasscode(card, SECOND_PASSCODE, algorithm))) problems.push('the cleared card could not be issued again');
    return { operation, index, command, mode, pulled, outcome: 'blank', problems };
  } finally {
    await card.readers.close();
  }
}

/** The pulled card in a few words, as the next reader and the holder would find it. */
async function describePulled(card: CardInReader): Promise<string> {
  const readout = await readCardReadout(card.readers, READER);
  if (isBlankReadout(readout)) return 'blank';
  const state = card.engine.snapshot();
  const slot = await slot9a(card);
  const parts = [
    slot === 'empty' ? 'no key' : slot === 'key-only' ? 'key, no certificate' : slot === 'certificate-with-its-key' ? 'certificate with its key' : 'certificate without its key',
    readout.chuidUuid === null ? 'no CHUID' : 'CHUID',
    readout.factoryManagementKey ? 'factory key' : "service's key",
  ];
  if (state.pin.triesLeft === 0) parts.push('PIN blocked');
  if (state.puk.triesLeft === 0) parts.push('PUK blocked');
  return parts.join(', ');
}

/** The sweep's table for a closing note: command index, command, mode, the pulled card, the outcome. */
export function formatCardSweepTable(rows: readonly CardSweepRow[]): string {
  return textTable(
    ['operation', 'index', 'command', 'mode', 'card as pulled', 'after running again', 'problems'],
    rows.map((r) => [r.operation, String(r.index), r.command, r.mode, r.pulled, r.outcome, r.problems.length === 0 ? 'none' : r.problems.join('; ')]),
  );
}
