import { wipe } from '../card/bytes.js';
import { WrongPasscodeError } from '../card/status-words.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import type { ReleasedPuks } from '../service-client/service-client.js';
import { pivSession } from './card-facts.js';
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
// of the two, and RESET RETRY COUNTER tells which at the cost of at most one PUK attempt. If it
// was the next PUK, the card already has it and the PUK change is skipped; and the service is
// told so before the next PUK is tried, so that, should the card be pulled in between, the next
// unlock is handed that PUK as the current one and spends no further attempt.
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
    return await input.readers.transaction(
      input.reader,
      async (transport, atr) => {
        const piv = pivSession(transport, atr);
        await piv.select();
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
      },
      { resetAfter: true },
    );
  } finally {
    wipe(input.passcode, puks?.puk, puks?.nextPuk);
  }
}

/**
 * RESET RETRY COUNTER with the current PUK; when the card refuses it and a rotation is pending,
 * once more with the next PUK (which the card then already holds). True when it was the next.
 */
async function resetRetryCounter(piv: ReturnType<typeof pivSession>, puks: ReleasedPuks, passcode: Buffer, relay: UnlockRelay): Promise<boolean> {
  try {
    await piv.unblockPin(puks.puk, passcode);
    return false;
  } catch (err) {
    if (!(err instanceof WrongPasscodeError && err.reference === 'PUK')) throw err;
    if (!puks.rotationPending || err.attemptsRemaining === 0) throw new PukMismatchError();
  }
  // Best effort: if the service does not hear it, the unlock still goes on, and its commit makes
  // the next PUK current all the same; only a card pulled before that costs an attempt again.
  await relay.pukReconciled?.().catch(() => undefined);
  try {
    await piv.unblockPin(puks.nextPuk, passcode);
    return true;
  } catch (err) {
    if (err instanceof WrongPasscodeError && err.reference === 'PUK') throw new PukMismatchError();
    throw err;
  }
}
