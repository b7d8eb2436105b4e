import { isBlankReadout } from '../../src-shared/api/cim-cards.js';
import { OBJECT } from '../card/piv/piv-constants.js';
import type { PivSession } from '../card/piv/piv-session.js';
import type { ClearCardInput, ClearCardResult } from './card-lifecycle-types.js';
import { readoutOf, refusedKey } from './card-readout.js';
import { withPivCard } from './card-transaction.js';
import { authenticateThroughService } from './relayed-management-key.js';

// Clearing a smartcard so it can be reused: ONE reader transaction, reset afterwards.
//
//   SELECT; GENERAL AUTHENTICATE 9B twice (the service's management key, relayed: only the card
//   on record can answer, so no other card is wiped in its name); PUT DATA 5FC105 `53 00` and
//   PUT DATA 5FC102 `53 00` (the certificate and the CHUID deleted); VERIFY with a non-digit
//   value until the PIN is blocked (63C0 or 6983: three with the usual tries, fewer once some
//   are spent); CHANGE REFERENCE DATA 81 with non-digit values until the PUK is blocked; RESET
//   (Yubico INS FB, which the card allows only now); SELECT; then the readout (card-readout.ts,
//   ten commands) of the card as it now is: factory PIN 123456, PUK 12345678, the factory
//   management key, no keys and no objects (the attestation key stays: it belongs to the card).
//   22 commands for a card with three tries left on each.
//
// A card pulled at any command is the card on record still (the management key changes only
// at RESET, which is one command) or blank: clearing again finishes it. The certificate goes
// first, so a card pulled halfway never offers it beside a key it is about to lose. A card the
// service already saw as blank (relay null) is only read again, and so is one that refuses the
// service's key because a clear cut short after RESET already made it blank.

/** The card was blank when the clear was opened and is not now: it is another card, or it changed. */
export class CardNoLongerBlankError extends Error {
  override name = 'CardNoLongerBlankError';
  constructor() {
    super('This smartcard is not the blank card that was checked. Check the card and start again.');
  }
}

export async function clearCard(input: ClearCardInput): Promise<ClearCardResult> {
  return withPivCard(input.readers, input.reader, async (piv) => {
    const relay = input.relay;
    if (relay === null) {
      input.onStage?.('reading-card');
      const readout = await readoutOf(piv);
      if (!isBlankReadout(readout)) throw new CardNoLongerBlankError();
      return { readout, apdus: piv.apduCount };
    }
    input.onStage?.('checking-card');
    try {
      await authenticateThroughService(piv, relay, (exchangeId, cardResponse) => relay.authenticate(exchangeId, cardResponse));
    } catch (err) {
      // A card a cut-short clear already reset holds the factory key, which the service's is
      // not: it is read, and when it is blank there is nothing left to clear.
      if (!refusedKey(err)) throw err;
      const readout = await readoutOf(piv);
      if (isBlankReadout(readout)) return { readout, apdus: piv.apduCount };
      throw err;
    }
    input.onStage?.('clearing');
    await piv.deleteData(OBJECT.CERT_9A);
    await piv.deleteData(OBJECT.CHUID);
    await resetToFactory(piv);
    input.onStage?.('reading-card');
    const readout = await readoutOf(piv);
    return { readout, apdus: piv.apduCount };
  });
}

/**
 * Puts any card back to its factory state, whatever its PIN, PUK and management key: block the
 * PIN, block the PUK, Yubico RESET, SELECT. Needs nothing from the holder or the service (a
 * YubiKey allows it to anyone holding the card); the caller decides when that is right.
 */
export async function resetToFactory(piv: PivSession): Promise<void> {
  await piv.blockPin();
  await piv.blockPuk();
  await piv.factoryReset();
  await piv.select();
}
