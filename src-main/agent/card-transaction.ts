import { wipe } from '../card/bytes.js';
import { ApduChannel } from '../card/apdu-channel.js';
import { parseAtr } from '../card/atr.js';
import type { CardTransport } from '../card/card-transport.js';
import { PivSession } from '../card/piv/piv-session.js';
import type { ReaderDriver, TransactionOptions } from '../pcsc/reader-driver.js';

// How every card operation opens: ONE reader transaction, the PIV application SELECTed first,
// and the card reset afterwards, so nothing the operation unlocked on the card (a verified
// passcode, an authenticated management key) outlives it. Only reading a card as it goes in,
// which unlocks nothing, leaves it as it was.

export function pivSession(transport: CardTransport, atr: Buffer): PivSession {
  return new PivSession(new ApduChannel(transport, { extendedLength: parseAtr(atr).extendedLength }));
}

/** SELECT, then `work` on the card, all in one transaction; reset afterwards unless told otherwise. */
export function withPivCard<T>(
  readers: ReaderDriver,
  reader: string,
  work: (piv: PivSession) => Promise<T>,
  options: TransactionOptions = { resetAfter: true },
): Promise<T> {
  return readers.transaction(
    reader,
    async (transport, atr) => {
      const piv = pivSession(transport, atr);
      await piv.select();
      return work(piv);
    },
    options,
  );
}

/**
 * SELECT and VERIFY the passcode, then `work`, in one transaction reset afterwards. The passcode
 * bytes are wiped as soon as the card has seen them, whatever it answers.
 */
export function withVerifiedPivCard<T>(readers: ReaderDriver, reader: string, passcode: Buffer, work: (piv: PivSession) => Promise<T>): Promise<T> {
  return withPivCard(readers, reader, async (piv) => {
    try {
      await piv.verifyPin(passcode);
    } finally {
      wipe(passcode);
    }
    return work(piv);
  });
}
