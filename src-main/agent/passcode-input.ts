import { checkPasscode } from '../../src-shared/domain/passcode-policy.js';
import { wipe } from '../card/bytes.js';

// The passcode as the agent handles it: turned into bytes at once (UTF-8, so no character can
// pose as a digit), checked against the national policy before any card sees it (a malformed
// entry costs no attempt), and wiped by whoever uses it last.

export type PasscodeBytes = { ok: true; bytes: Buffer } | { ok: false; message: string };

export function passcodeBytes(passcode: string): PasscodeBytes {
  const bytes = Buffer.from(passcode, 'utf8');
  const check = checkPasscode(bytes);
  if (check.ok) return { ok: true, bytes };
  wipe(bytes);
  return { ok: false, message: check.message ?? 'Enter your passcode.' };
}
