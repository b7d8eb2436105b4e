import type { UnlockChannel } from '../../src-shared/api/service-unlock.js';
import { ukTimeOnDate } from '../notify/uk-time.js';
import { allowedEmailWords, isAllowedEmail } from './self-service-email.js';
import { refuse } from './unlock-refusal.js';

// Where a self-service security code may go: the profile's email when its domain is on the
// allow-list, and the profile's mobile number, each only if this service has a sender for it
// (an embedded service may have none: then self-service unlock is not available here). Email
// first when both are there (the holder may ask for the other), and the response shows the
// destination masked, never in full.
//
// A contact changed in the last 24 hours gets no code: whoever changed it (a colleague at an
// unattended workstation, say) must not be able to unlock the card with it straight away,
// while the holder has a day to see the notice sent to the old one and raise the alarm.

/** How long after a change a contact detail gets no security codes. */
const RECENTLY_CHANGED_MS = 24 * 3_600_000;

export interface HolderContact {
  readonly email: string | null;
  readonly mobile: string | null;
  /** When each last changed (epoch milliseconds); null: not since it was first recorded. */
  readonly emailChangedAt: number | null;
  readonly mobileChangedAt: number | null;
}

export interface Destinations {
  readonly email: string | null;
  readonly sms: string | null;
  /** For a contact held back because it changed recently: when it may receive codes again. */
  readonly heldUntil: { readonly email: Date | null; readonly sms: Date | null };
}

const heldUntil = (changedAt: number | null, now: number): Date | null =>
  changedAt !== null && now - changedAt < RECENTLY_CHANGED_MS ? new Date(changedAt + RECENTLY_CHANGED_MS) : null;

export function eligibleDestinations(contact: HolderContact, domains: readonly string[], now: number): Destinations {
  const email = contact.email && isAllowedEmail(contact.email, domains) ? contact.email : null;
  const sms = contact.mobile ? contact.mobile : null;
  const held = { email: email ? heldUntil(contact.emailChangedAt, now) : null, sms: sms ? heldUntil(contact.mobileChangedAt, now) : null };
  return { email: held.email ? null : email, sms: held.sms ? null : sms, heldUntil: held };
}

const UNLOCK_ELSEWHERE = 'or ask your sponsor or local smartcard administrator to unlock your smartcard.';
const CONTACT_WORDS: Readonly<Record<UnlockChannel, string>> = { email: 'email address', sms: 'mobile number' };

/** "Your email address was changed less than 24 hours ago, so we cannot send a security code to it." */
function recentlyChanged(channels: readonly UnlockChannel[]): string {
  const [first, second] = channels.map((c) => CONTACT_WORDS[c]);
  return second
    ? `Your ${first} and ${second} were changed less than 24 hours ago, so we cannot send a security code to either.`
    : `Your ${first} was changed less than 24 hours ago, so we cannot send a security code to it.`;
}

/** The refusal when every contact there is was changed recently: why, and until when. */
function refuseRecentlyChanged(destinations: Destinations): never {
  const held = (['email', 'sms'] as const).filter((c) => destinations.heldUntil[c] !== null);
  const until = Math.min(...held.map((c) => (destinations.heldUntil[c] as Date).getTime()));
  throw refuse(
    409,
    'conflict',
    'contact-recently-changed',
    `${recentlyChanged(held)} Try again after ${ukTimeOnDate(new Date(until))} (UK time), ${UNLOCK_ELSEWHERE}`,
  );
}

const CHANNEL_WORDS: Readonly<Record<UnlockChannel, string>> = { email: 'email', sms: 'text message' };

/** Said when this service can send no security code at all: only a sponsor or LSA can unlock here. */
const NOT_AVAILABLE_HERE =
  'Self-service unlock is not available at this workstation: it has no way to send you a security code by email or text message. ' +
  'Ask your sponsor or local smartcard administrator to unlock your smartcard.';

/** Refuses (409) when this service has no sender for any channel. */
export function refuseWithoutSenders(sendable: Readonly<Record<UnlockChannel, boolean>>): void {
  if (!sendable.email && !sendable.sms) throw refuse(409, 'conflict', 'not-available-here', NOT_AVAILABLE_HERE);
}

/** The channel to use: the one asked for, or email before SMS; refuses (409) naming what is missing. */
export function chooseChannel(
  eligible: Destinations,
  contact: { email: string | null; mobile: string | null },
  domains: readonly string[],
  requested: UnlockChannel | undefined,
  sendable: Readonly<Record<UnlockChannel, boolean>>,
): { channel: UnlockChannel; to: string; otherChannel: UnlockChannel | null } {
  const emailProblem = contact.email
    ? `The email address on your profile is not ${allowedEmailWords(domains)}`
    : 'There is no email address on your profile';
  if (requested !== undefined && !sendable[requested]) {
    const other: UnlockChannel = requested === 'email' ? 'sms' : 'email';
    throw refuse(409, 'conflict', 'channel-not-available', `Security codes cannot be sent by ${CHANNEL_WORDS[requested]} from this workstation. Ask for the code by ${CHANNEL_WORDS[other]} instead.`);
  }
  const destinations: Destinations = { email: sendable.email ? eligible.email : null, sms: sendable.sms ? eligible.sms : null, heldUntil: eligible.heldUntil };
  if (!destinations.email && !destinations.sms && (eligible.email || eligible.sms)) {
    // The profile has somewhere to send a code, but not by the one channel this service has.
    const only: UnlockChannel = sendable.email ? 'email' : 'sms';
    const missing = only === 'email' ? emailProblem : 'There is no mobile number on your profile';
    throw refuse(
      409,
      'conflict',
      'not-available-here',
      `Self-service unlock is not available at this workstation for your smartcard: security codes can be sent from here only by ${CHANNEL_WORDS[only]}. ` +
        `${missing}. Ask your sponsor or local smartcard administrator to unlock your smartcard.`,
    );
  }
  if (!destinations.email && !destinations.sms) {
    if (destinations.heldUntil.email || destinations.heldUntil.sms) refuseRecentlyChanged(destinations);
    throw refuse(
      409,
      'conflict',
      'no-eligible-contact',
      `${emailProblem}, and there is no mobile number on it, so a security code cannot be sent. ` +
        `Ask your registration authority to add one, ${UNLOCK_ELSEWHERE}`,
    );
  }
  if (requested && !destinations[requested] && destinations.heldUntil[requested]) {
    const other = requested === 'email' ? 'by text message' : 'by email';
    throw refuse(409, 'conflict', 'contact-recently-changed', `${recentlyChanged([requested])} Ask for the code ${other} instead.`);
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
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••@${email.slice(at + 1)}`;
}

/** "•••••••012": the last three digits, and the same number of dots whatever the length. */
function maskMobile(mobile: string): string {
  return `•••••••${mobile.replace(/\D/g, '').slice(-3)}`;
}

export const maskDestination = (channel: UnlockChannel, to: string): string => (channel === 'email' ? maskEmail(to) : maskMobile(to));
