// What the agent tells people while a smartcard is unlocked, in their words: what happened and
// what to do. None of these ever includes a security code, a passcode, a PUK or anything the
// card sent back as data.

export const UNLOCK_MESSAGES = {
  selfNotLocked: 'Your smartcard is not locked, so there is nothing to unlock. Enter your passcode to sign in.',
  notLocked: 'This smartcard is not locked.',
  noLockedCard: 'Insert your locked smartcard first.',
  alreadyBusy: 'Wait for the smartcard and the identity service to finish.',
  notThisStep: 'That cannot be done at this step of the unlock.',
  noUnlock: 'There is no smartcard unlock under way.',
  cancelled: 'The unlock was cancelled.',
  codeForm: 'Enter the security code: it is 6 digits.',
  forbidden: 'Your role does not allow you to service smartcards.',
  locked: 'Unlock your session before servicing a smartcard.',
  insertSecond: 'Insert the locked smartcard into the second smartcard reader.',
  stillReading: 'The smartcard in the second reader is still being read. Wait a moment, then select Continue.',
  unreadable: 'The smartcard in the second reader could not be read. Take it out and insert it again.',
  ownCard: 'That is the smartcard you are signed in with. Insert the locked smartcard into the second smartcard reader.',
  servicedRemoved: 'The smartcard was removed from the second reader. Insert it again and select Continue.',
  servicedGone: 'The smartcard is no longer in the second reader. Insert it again and select Continue.',
  selfRemoved: 'The smartcard was removed. Insert it again: if it is still locked, start the unlock again.',
  selfNewCode: 'This unlock can no longer be used. Select Start now to have a new security code sent, then set your new passcode again.',
  progressChecking: 'Checking the smartcard with the identity service…',
  progressSetting: 'Setting the new passcode on the smartcard…',
  progressStarting: 'Unlocking the smartcard…',
  pukMismatch:
    "This smartcard could not be unlocked: its unlock key does not match the identity service's record. Contact your Registration Authority.",
  pukBlocked: 'This smartcard can no longer be unlocked at a workstation. Contact your Registration Authority.',
  notProved: 'This smartcard did not prove it is the card the identity service issued, so it cannot be unlocked here. Contact your Registration Authority.',
  serviceUnreachable: 'The identity service cannot be reached. Check the network connection and try again.',
  busyService: 'Too many security codes have been asked for this smartcard. Wait a while and try again.',
} as const;
