import { checkPasscode } from '../../../src-shared/domain/passcode-policy.js';
import { padReferenceData } from '../../../src-shared/card/reference-data.js';
import { CardError } from '../card-error.js';

// Turns a passcode or PUK into the 8-byte block the card expects, after the policy check, so a
// malformed value never reaches the card and never costs an attempt. Callers wipe the result.

export function passcodeBlock(passcode: Uint8Array): Uint8Array {
  const check = checkPasscode(passcode);
  if (!check.ok) throw new CardError('passcode-policy', check.message ?? 'The passcode does not meet the rules.');
  return padReferenceData(passcode);
}

/** PUKs are 6-8 bytes (the service issues 8 digits); anything else is refused before the card. */
export function pukBlock(puk: Uint8Array): Uint8Array {
  if (puk.length < 6 || puk.length > 8) throw new CardError('passcode-policy', 'A PUK is 6 to 8 characters.');
  return padReferenceData(puk);
}
