import { CardError } from './card-error.js';
import type { ResponseApdu } from './apdu.js';
import type { CardErrorCode } from '../../src-shared/card/card-error-codes.js';

// Status words a PIV card answers with, mapped to typed errors (as go-piv does), so callers
// branch on a class or a code rather than on numbers.

export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

export class CardStatusError extends CardError {
  override name = 'CardStatusError';
  constructor(
    code: CardErrorCode,
    readonly sw: number,
    message: string,
  ) {
    super(code, message);
  }
}

/** 63Cx: the passcode (or PUK) was wrong; x attempts remain. */
export class WrongPasscodeError extends CardStatusError {
  override name = 'WrongPasscodeError';
  constructor(
    sw: number,
    readonly attemptsRemaining: number,
    readonly reference: 'PIN' | 'PUK',
  ) {
    super(
      'wrong-passcode',
      sw,
      attemptsRemaining === 0
        ? `The ${reference === 'PIN' ? 'passcode' : 'PUK'} was wrong and the card is now locked.`
        : `The ${reference === 'PIN' ? 'passcode' : 'PUK'} was wrong: ${attemptsRemaining} attempt${attemptsRemaining === 1 ? '' : 's'} remaining.`,
    );
  }
}

/** 6983: the reference data is blocked (PIN locked, or PUK used up). */
export class CardBlockedError extends CardStatusError {
  override name = 'CardBlockedError';
  constructor(
    sw: number,
    readonly reference: 'PIN' | 'PUK' | 'key',
  ) {
    super(
      'card-blocked',
      sw,
      reference === 'PIN' ? 'The smartcard is locked: too many wrong passcodes.' : `The card's ${reference} is blocked.`,
    );
  }
}

const SIMPLE: Record<number, [CardErrorCode, string]> = {
  [SW.WRONG_LENGTH]: ['wrong-length', 'The card rejected the command length.'],
  [SW.SECURITY_STATUS_NOT_SATISFIED]: ['security-status-not-satisfied', 'The card needs the passcode or management key first.'],
  [SW.CONDITIONS_NOT_SATISFIED]: ['conditions-not-satisfied', 'The card cannot do that in its present state.'],
  [SW.WRONG_DATA]: ['wrong-data', 'The card rejected the data sent to it.'],
  [SW.FUNCTION_NOT_SUPPORTED]: ['instruction-not-supported', 'The card does not support that function.'],
  [SW.NOT_FOUND]: ['not-found', 'The card has no such object or application.'],
  [SW.NOT_ENOUGH_MEMORY]: ['wrong-data', 'The card does not have enough memory.'],
  [SW.INCORRECT_P1P2]: ['incorrect-parameters', 'The card rejected the command parameters.'],
  [SW.REFERENCE_NOT_FOUND]: ['reference-not-found', 'The card has no such key or reference.'],
  [SW.INS_NOT_SUPPORTED]: ['instruction-not-supported', 'The card does not support that command.'],
  [SW.CLA_NOT_SUPPORTED]: ['class-not-supported', 'The card does not support that command class.'],
};

/** The typed error for a non-9000 status word. `reference` names what VERIFY-like commands checked. */
export function errorForStatus(sw: number, context: string, reference: 'PIN' | 'PUK' = 'PIN'): CardStatusError {
  if ((sw & 0xfff0) === 0x63c0) return new WrongPasscodeError(sw, sw & 0x0f, reference);
  if (sw === SW.AUTH_BLOCKED) return new CardBlockedError(sw, reference);
  const known = SIMPLE[sw];
  const swText = sw.toString(16).padStart(4, '0').toUpperCase();
  if (known) return new CardStatusError(known[0], sw, `${context}: ${known[1]} (${swText})`);
  return new CardStatusError('unexpected-status', sw, `${context}: the card answered ${swText}.`);
}

/** Returns the data of a 9000 response, or throws the typed error. */
export function expectOk(resp: ResponseApdu, context: string, reference?: 'PIN' | 'PUK'): Buffer {
  if (resp.sw !== SW.OK) throw errorForStatus(resp.sw, context, reference);
  return resp.data;
}
