// What the agent tells people, in their words: what happened and what to do. None of these
// ever includes a passcode, a token or anything the card or the service sent back as data.

export function wrongPasscodeMessage(attemptsRemaining: number): string {
  if (attemptsRemaining === 1) return 'Wrong passcode. 1 attempt remaining. One more wrong passcode will lock your smartcard.';
  return `Wrong passcode. ${attemptsRemaining} attempts remaining.`;
}

export const MESSAGES = {
  cardLocked: 'Your smartcard is locked because the wrong passcode was entered too many times. Unlock it, or ask your local smartcard administrator or sponsor.',
  cardRemoved: 'The smartcard was removed. Insert it again to sign in.',
  serviceUnreachable: 'The identity service cannot be reached, so you cannot sign in just now. Check the network connection; the agent keeps trying.',
  serviceUnreachableStatus: 'The identity service cannot be reached. Check the network connection; the agent keeps trying.',
  serviceConfused: 'The identity service gave an answer this workstation does not understand. Try again, and call the service desk if it keeps happening.',
  foreignServiceOrigin:
    'The identity service answered for a different address than this workstation is set up for, so your smartcard did not sign in. Call the service desk.',
  internal: 'Something went wrong in the Identity Agent. Try again, and call the service desk if it keeps happening.',
  noCertificate: 'This smartcard has no sign-in certificate, so it cannot be used to sign in. Contact your Registration Authority.',
  noCardId: 'This smartcard has no card identifier (CHUID), so it cannot be used to sign in. Contact your Registration Authority.',
  badCertificate: "The sign-in certificate on this smartcard cannot be read. Contact your Registration Authority.",
  badKey: 'The sign-in key on this smartcard is of a kind this service does not use. Contact your Registration Authority.',
  unreadable: 'This smartcard could not be read. Take it out and insert it again.',
  noPositions: 'You have no active positions to work under. Contact your Registration Authority or sponsor.',
  chooseListed: 'Choose one of the positions listed.',
  sessionEnded: 'Your session has ended. Enter your passcode to sign in again.',
  notSameCard: 'This smartcard did not prove it is the one that started the session. Only that smartcard can unlock it.',
  insertSessionCard: 'Insert the smartcard you signed in with to unlock your session.',
  notSignedIn: 'Sign in with your smartcard first.',
  sessionLockedNow: 'Your session is locked. Insert your smartcard and enter your passcode to carry on.',
} as const;
