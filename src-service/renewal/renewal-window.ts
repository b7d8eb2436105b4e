import { DAY_MS, daysToExpiry, isRenewalDue, RENEWAL_WINDOW_DAYS } from '../../src-shared/domain/certificate-expiry.js';

// When a certificate may be renewed (domain.md, smartcards): from RENEWAL_WINDOW_DAYS whole UTC
// calendar days before notAfter (the same count the Smartcard Expiry Notification shows) until
// it expires; after that only registration authority staff, in person. One place decides it for
// the holder's own renewal, a sponsor's, and what "Service smartcard" reports.

export type RenewalWindow = { readonly state: 'due' } | { readonly state: 'expired' } | { readonly state: 'early'; readonly opensOn: Date };

export function renewalWindow(notAfter: Date, now: Date): RenewalWindow {
  if (now > notAfter) return { state: 'expired' };
  if (isRenewalDue(daysToExpiry(notAfter, now))) return { state: 'due' };
  return { state: 'early', opensOn: new Date(notAfter.getTime() - RENEWAL_WINDOW_DAYS * DAY_MS) };
}

const longDate = (at: Date): string => at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export const notYetOpenMessage = (opensOn: Date): string =>
  `Renewal opens on ${longDate(opensOn)}, ${RENEWAL_WINDOW_DAYS} days before the certificates expire.`;

/** To a sponsor or local smartcard administrator, about the card in their second reader. */
export const EXPIRED_FOR_SPONSOR =
  'The certificates on this smartcard have expired: only registration authority staff can renew it, in person. ' +
  'Ask the card holder to make an appointment with your Registration Authority.';

/** To the holder, about their own card. */
export const EXPIRED_FOR_HOLDER =
  "Your smartcard's certificates have expired, so you cannot renew them yourself: make an appointment with your Registration Authority to renew them in person.";
