// What the agent tells people while a smartcard certificate is renewed, in their words. None of
// these ever includes a passcode, a renewal id or anything the card sent back as data. The
// service's refusals are shown in its own words, not from here.

export const RENEWAL_MESSAGES = {
  noRenewal: 'There is no smartcard renewal under way.',
  notThisStep: 'That cannot be done at this step of the renewal.',
  alreadyBusy: 'Wait for the smartcard and the identity service to finish.',
  notDue: 'Your smartcard certificate is not due for renewal yet.',
  forbidden: 'Your role does not allow you to renew smartcards for others.',
  progressOpening: 'Starting the renewal with the identity service…',
  progressChecking: 'Checking the smartcard with the identity service…',
  progressMakingKey: 'The smartcard is making its new key. Do not remove it.',
  progressWriting: 'Writing the new certificate to the smartcard. Do not remove it.',
  progressConfirming: 'Making the new certificate live…',
  progressRecovering: 'Checking the smartcard with the identity service…',
  progressUnfinished: "Your smartcard's renewal did not finish; finishing it now. Do not remove it.",
  selfRemoved: 'The smartcard was removed, so the renewal stopped. Insert it again: if it needs finishing, that happens then.',
  servicedRemoved: 'The smartcard was removed from the second reader, so the renewal stopped. Insert it again: if it needs finishing, that happens then.',
  recoveryRefused: "This smartcard's key does not match its certificate. Contact your registration authority.",
  recoveryUnreachable: 'The identity service cannot be reached, so the smartcard cannot be finished now. Take it out and insert it again once the service is back.',
  serviceUnreachable: 'The identity service cannot be reached. Check the network connection and try again.',
  notProved: 'This smartcard did not prove it is the card the identity service issued, so it cannot be renewed here. Contact your Registration Authority.',
  mismatch: "The identity service's new certificate is not for this smartcard's key, so it was not written. Try again.",
  servicedLocked: 'The wrong passcode was entered too many times, so the smartcard is now locked. Unlock it first, then renew it.',
} as const;
