import { CardError } from '../card/card-error.js';
import type { CardErrorCode } from '../../src-shared/card/card-error-codes.js';

// pcsclite reports failures as `SCardX error: <text>(0x8010xxxx)`. The code decides what the
// user is told; the table names the ones that matter here (as go-piv keeps its own table).

const PCSC: Record<number, [CardErrorCode, string]> = {
  0x80100069: ['card-removed', 'The smartcard was removed.'],
  0x8010000c: ['card-removed', 'There is no smartcard in the reader.'],
  0x80100068: ['card-reset', 'The smartcard was reset by another program; try again.'],
  0x80100066: ['card-removed', 'The smartcard is not responding; take it out and put it back in.'],
  0x80100067: ['card-removed', 'The smartcard has no power; take it out and put it back in.'],
  0x80100017: ['reader-unavailable', 'The smartcard reader is not available.'],
  0x80100009: ['reader-unavailable', 'The smartcard reader is not known (was it unplugged?).'],
  0x8010002e: ['reader-unavailable', 'No smartcard readers are connected.'],
  0x8010001d: ['no-service', 'The smart card service (pcscd) is not running.'],
  0x8010001e: ['no-service', 'The smart card service (pcscd) stopped.'],
  0x80100026: ['no-service', 'The smart card service (pcscd) is not running.'],
  0x8010000b: ['sharing-violation', 'Another program is using the smartcard.'],
  0x8010000a: ['timeout', 'The smartcard reader did not answer in time.'],
  0x80100016: ['pcsc-error', 'The smartcard transaction could not be completed.'],
  0x80100002: ['pcsc-error', 'The smartcard operation was cancelled.'],
  0x80100003: ['pcsc-error', 'The smartcard connection is no longer valid.'],
  0x8010000f: ['pcsc-error', 'The smartcard does not speak the protocol requested.'],
};

export function pcscStatusOf(err: unknown): number | undefined {
  const text = err instanceof Error ? err.message : String(err);
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(text);
  return m ? parseInt(m[1] as string, 16) : undefined;
}

/** A typed CardError for a pcsclite failure. */
export function pcscError(err: unknown, action: string): CardError {
  if (err instanceof CardError) return err;
  const status = pcscStatusOf(err);
  const known = status === undefined ? undefined : PCSC[status];
  if (known) return new CardError(known[0], known[1], { cause: err });
  const hex = status === undefined ? 'unknown' : `0x${status.toString(16)}`;
  return new CardError('pcsc-error', `${action} failed (PC/SC ${hex}).`, { cause: err });
}
