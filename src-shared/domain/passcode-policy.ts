// The national passcode rule (since 2023): a smartcard passcode is 6 to 8 digits, digits only.
// Checked before any card sees the value, so a malformed entry never costs a retry.

export const PASSCODE_MIN_LENGTH = 6;
export const PASSCODE_MAX_LENGTH = 8;

export type PasscodeProblem = 'empty' | 'too-short' | 'too-long' | 'not-digits';

export interface PasscodeCheck {
  ok: boolean;
  problem?: PasscodeProblem;
  /** Words a user can act on; never echoes the value. */
  message?: string;
}

const MESSAGES: Record<PasscodeProblem, string> = {
  empty: 'Enter your passcode.',
  'too-short': `Your passcode must be at least ${PASSCODE_MIN_LENGTH} digits.`,
  'too-long': `Your passcode must be no more than ${PASSCODE_MAX_LENGTH} digits.`,
  'not-digits': 'Your passcode must contain numbers only.',
};

/** Checks a passcode given as character codes (a string or the bytes of one). */
export function checkPasscode(value: string | ArrayLike<number>): PasscodeCheck {
  const length = value.length;
  if (length === 0) return fail('empty');
  for (let i = 0; i < length; i++) {
    const code = typeof value === 'string' ? value.charCodeAt(i) : (value[i] as number);
    if (code < 0x30 || code > 0x39) return fail('not-digits');
  }
  if (length < PASSCODE_MIN_LENGTH) return fail('too-short');
  if (length > PASSCODE_MAX_LENGTH) return fail('too-long');
  return { ok: true };
}

function fail(problem: PasscodeProblem): PasscodeCheck {
  return { ok: false, problem, message: MESSAGES[problem] };
}
