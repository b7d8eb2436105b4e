import { checkPasscode } from './passcode-policy.js';

// The checks on a passcode change that need no card, shared so the window and the agent say the
// same words: the agent refuses with the first problem (in the order below) before the card
// sees anything, and the window shows every problem against its field. Values are character
// codes (a string, or the bytes of one); no message ever echoes a value.

export type PasscodeChangeField = 'current' | 'next' | 'confirm';

export interface PasscodeChangeProblem {
  readonly field: PasscodeChangeField;
  readonly message: string;
}

export const PASSCODE_CHANGE_MESSAGES = {
  mismatch: 'The new passcodes do not match',
  same: 'Your new passcode must be different from your current passcode.',
} as const;

type Value = string | ArrayLike<number>;

function codeAt(value: Value, i: number): number {
  return typeof value === 'string' ? value.charCodeAt(i) : (value[i] as number);
}

function same(a: Value, b: Value): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= codeAt(a, i) ^ codeAt(b, i);
  return diff === 0;
}

/** The policy's words, naming which passcode is meant. */
function policyMessage(message: string | undefined, which: 'current' | 'new'): string {
  if (!message) return `Enter your ${which} passcode.`;
  return message.replace(/^Enter your passcode/, `Enter your ${which} passcode`).replace(/^Your passcode/, `Your ${which} passcode`);
}

/**
 * Every problem, in the agent's order: the new passcodes match, the new one meets the policy,
 * it differs from the current one, the current one meets the policy.
 */
export function passcodeChangeProblems(current: Value, next: Value, confirm: Value): PasscodeChangeProblem[] {
  const problems: PasscodeChangeProblem[] = [];
  if (!same(next, confirm)) problems.push({ field: 'confirm', message: PASSCODE_CHANGE_MESSAGES.mismatch });
  const nextCheck = checkPasscode(next);
  if (!nextCheck.ok) problems.push({ field: 'next', message: policyMessage(nextCheck.message, 'new') });
  else if (same(next, current)) problems.push({ field: 'next', message: PASSCODE_CHANGE_MESSAGES.same });
  const currentCheck = checkPasscode(current);
  if (!currentCheck.ok) problems.push({ field: 'current', message: policyMessage(currentCheck.message, 'current') });
  return problems;
}

/**
 * A new passcode set by unlocking (there is no current one to type): the two entries match and
 * the new one meets the policy. Same words and order as a change.
 */
export function newPasscodeProblems(next: Value, confirm: Value): PasscodeChangeProblem[] {
  const problems: PasscodeChangeProblem[] = [];
  if (!same(next, confirm)) problems.push({ field: 'confirm', message: PASSCODE_CHANGE_MESSAGES.mismatch });
  const nextCheck = checkPasscode(next);
  if (!nextCheck.ok) problems.push({ field: 'next', message: policyMessage(nextCheck.message, 'new') });
  return problems;
}
