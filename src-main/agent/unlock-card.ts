import { wipe } from '../card/bytes.js';
import { KEY_REF } from '../card/piv/piv-constants.js';
import type { PivSession } from '../card/piv/piv-session.js';
import { WrongPasscodeError } from '../card/status-words.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import type { ReleasedPuks } from '../service-client/service-client.js';
import { withPivCard } from './card-transaction.js';
import { authenticateThroughService, type CardWitnessRelay } from './relayed-management-key.js';

// Unlocking a locked card, on the card: ONE reader transaction, reset afterwards, six commands
// when nothing is out of step:
//
//   SELECT; VERIFY (empty: is the passcode blocked?); GENERAL AUTHENTICATE 9B twice (the card
//   proves it holds the management key the service keeps, and the service releases the PUKs);
//   RESET RETRY COUNTER (PUK + new passcode); CHANGE REFERENCE DATA for the PUK (PUK -> next PUK).
//
// The service commits the new PUK only after this (unlock-commit.ts). Until then it keeps both,
// and says so (`rotationPending`) when an earlier unlock was cut short: the card then holds one
// of the two, and RESET RETRY COUNTER with the current PUK tells which, at the cost of at most
// one PUK attempt. If it was the next PUK, the card already has it and the PUK change is
// skipped; and the service is told so before the next PUK is tried, so that, should the card be
// pulled in between, the next unlock is handed that PUK as the current one.
//
// With a rotation pending, GET METADATA first reads the PUK's retry counter (one more command,
// no attempt): a card pulled just after it refused the current PUK, its answer lost, shows that
// refusal there, and the next PUK is tried first instead of spending a second attempt on the
// current one. The counter only hints: it may also hold a refusal from before the service last
// changed its PUKs (a reconciling unlock cut short, then another one). So the service is told
// nothing before, and the current PUK is still tried should the next be refused: at worst two
// attempts, never a PUK the service no longer holds. A card without GET METADATA, or a full
// counter, keeps the current-first order.
// The PUKs and the passcode are bytes, wiped whatever happens; none leaves this file.

/** The card's passcode is not blocked: there is nothing to unlock. */
export class CardNotLockedError extends Error {
  override name = 'CardNotLockedError';
  constructor(readonly attemptsRemaining: number | null) {
    super('The smartcard is not locked.');
  }
}

/** Neither PUK the service holds opens the card: it cannot be unlocked here. */
export class PukMismatchError extends Error {
  override name = 'PukMismatchError';
  constructor() {
    super("The smartcard's unlock key does not match the identity service's record.");
  }
}

/** The service's half of the card's management-key authentication, for one unlock. */
export interface UnlockRelay extends CardWitnessRelay {
  /** The card's encryption of that challenge -> the PUKs (bytes, wiped here). */
  release(exchangeId: string, cardResponse: Uint8Array): Promise<ReleasedPuks>;
  /** The card refused the current PUK with a rotation pending: it holds the next one. */
  pukReconciled?(): Promise<void>;
}

export interface CardUnlockInput {
  readonly readers: ReaderDriver;
  readonly reader: string;
  /** The holder's new passcode (policy already checked); wiped here. */
  readonly passcode: Buffer;
  readonly relay: UnlockRelay;
  /** Told as each stage starts, for the progress text. */
  readonly onStage?: (stage: UnlockStage) => void;
}

export type UnlockStage = 'checking-card' | 'setting-passcode';

export interface CardUnlockResult {
  /** The card's PUK was already the next one (an earlier unlock was cut short after changing it). */
  readonly reconciled: boolean;
  /** Commands sent to the card in the transaction. */
  readonly apdus: number;
}

export async function cardUnlock(input: CardUnlockInput): Promise<CardUnlockResult> {
  let puks: ReleasedPuks | undefined;
  try {
    return await withPivCard(input.readers, input.reader, async (piv) => {
      const pin = await piv.pinStatus();
      // Checked before the service is asked for anything: a working card's PUK is never released.
      if (pin.verified || pin.attemptsRemaining !== 0) throw new CardNotLockedError(pin.verified ? null : pin.attemptsRemaining);
      input.onStage?.('checking-card');
      // Kept as soon as they arrive, so they are wiped whatever happens after.
      const released = await authenticateThroughService(piv, input.relay, async (exchangeId, cardResponse) => (puks = await input.relay.release(exchangeId, cardResponse)));
      input.onStage?.('setting-passcode');
      const reconciled = await resetRetryCounter(piv, released, input.passcode, input.relay);
      if (!reconciled) await piv.changePuk(released.puk, released.nextPuk);
      return { reconciled, apdus: piv.apduCount };
    });
  } finally {
    wipe(input.passcode, puks?.puk, puks?.nextPuk);
  }
}

/**
 * RESET RETRY COUNTER with the current PUK; when a rotation is pending and the card refuses it
 * (or its counter shows it refused it before), with the next PUK, which the card then already
 * holds. True when it was the next.
 */
async function resetRetryCounter(piv: PivSession, puks: ReleasedPuks, passcode: Buffer, relay: UnlockRelay): Promise<boolean> {
  if (puks.rotationPending && (await pukRefusedBefore(piv))) {
    const left = await tryPuk(piv, puks.nextPuk, passcode);
    if (left === true) return true;
    if (left > 0 && (await tryPuk(piv, puks.puk, passcode)) === true) return false;
    throw new PukMismatchError();
  }
  const left = await tryPuk(piv, puks.puk, passcode);
  if (left === true) return false;
  if (!puks.rotationPending || left === 0) throw new PukMismatchError();
  // Best effort: if the service does not hear it, the unlock still goes on, and its commit makes
  // the next PUK current all the same; a card pulled before that shows the refusal in its counter.
  await relay.pukReconciled?.().catch(() => undefined);
  if ((await tryPuk(piv, puks.nextPuk, passcode)) === true) return true;
  throw new PukMismatchError();
}

/** Whether the PUK's counter shows a refused attempt. False when the card cannot say. */
async function pukRefusedBefore(piv: PivSession): Promise<boolean> {
  const retries = await piv.referenceRetries(KEY_REF.PUK);
  if (!retries) return false;
  // A blocked PUK opens nothing: no attempt is left to spend on either.
  if (retries.remaining === 0) throw new PukMismatchError();
  return retries.remaining < retries.total;
}

/** RESET RETRY COUNTER with `puk`: true when the card took it, else the PUK tries it has left. */
async function tryPuk(piv: PivSession, puk: Uint8Array, passcode: Buffer): Promise<true | number> {
  try {
    await piv.unblockPin(puk, passcode);
    return true;
  } catch (err) {
    if (err instanceof WrongPasscodeError && err.reference === 'PUK') return err.attemptsRemaining;
    throw err;
  }
}
