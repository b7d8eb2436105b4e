import type { UnlockChannel } from '../../src-shared/api/service-unlock.js';
import { allowedEmailWords, isAllowedEmail } from './self-service-email.js';
import { refuse } from './unlock-refusal.js';

// Where a self-service security code may go: the profile's email when its domain is on the
// allow-list, and the profile's mobile number. Email first when both are there (the holder may
// ask for the other), and the response shows the destination masked, never in full.

export interface Destinations {
  readonly email: string | null;
  readonly sms: string | null;
}

export function eligibleDestinations(contact: { email: string | null; mobile: string | null }, domains: readonly string[]): Destinations {
  return {
    email: contact.email && isAllowedEmail(contact.email, domains) ? contact.email : null,
    sms: contact.mobile ? contact.mobile : null,
  };
}

const UNLOCK_ELSEWHERE = 'or ask your sponsor or local smartcard administrator to unlock your smartcard.';

/** The channel to use: the one asked for, or email before SMS; refuses (409) naming what is missing. */
export function chooseChannel(
  destinations: Destinations,
  contact: { email: string | null; mobile: string | null },
  domains: readonly string[],
  requested: UnlockChannel | undefined,
): { channel: UnlockChannel; to: string; otherChannel: UnlockChannel | null } {
  const emailProblem = contact.email
    ? `The email address on your profile is not ${allowedEmailWords(domains)}`
    : 'There is no email address on your profile';
  if (!destinations.email && !destinations.sms) {
    throw refuse(
      409,
      'conflict',
      'no-eligible-contact',
      `${emailProblem}, and there is no mobile number on it, so a security code cannot be sent. ` +
        `Ask your registration authority to add one, ${UNLOCK_ELSEWHERE}`,
    );
  }
  if (requested === 'sms' && !destinations.sms) {
    throw refuse(409, 'conflict', 'channel-not-eligible', 'There is no mobile number on your profile to send a security code to. Ask for the code by email instead.');
  }
  if (requested === 'email' && !destinations.email) {
    throw refuse(409, 'conflict', 'channel-not-eligible', `${emailProblem}, so a security code cannot be emailed. Ask for the code by text message instead.`);
  }
  const channel: UnlockChannel = requested ?? (destinations.email ? 'email' : 'sms');
  const other: UnlockChannel = channel === 'email' ? 'sms' : 'email';
  return { channel, to: (channel === 'email' ? destinations.email : destinations.sms) as string, otherChannel: destinations[other] ? other : null };
}

/** "a•••@nhs.net": the first letter and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••@${email.slice(at + 1)}`;
}

/** "•••••••012": the last three digits, and the same number of dots whatever the length. */
export function maskMobile(mobile: string): string {
  return `•••••••${mobile.replace(/\D/g, '').slice(-3)}`;
}

export const maskDestination = (channel: UnlockChannel, to: string): string => (channel === 'email' ? maskEmail(to) : maskMobile(to));
