import type { z } from 'zod';
import type { CardLoginSummary } from '../../src-shared/api/service-login.js';

// The card facts shown at every login: when the certificate expires and whether the Smartcard
// Expiry Notification is due (renewal is open from 90 days before expiry until renewed).

export const RENEWAL_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

const utcDayNumber = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/**
 * Whole UTC calendar days from `now` to `notAfter`: 0 when it expires today (UTC), 1 tomorrow,
 * negative once past. Calendar days, not 24-hour periods, so the count a user sees changes at
 * midnight and "expires today" means today.
 */
export function daysToExpiry(notAfter: Date, now: Date): number {
  return utcDayNumber(notAfter) - utcDayNumber(now);
}

export function isRenewalDue(days: number): boolean {
  return days <= RENEWAL_WINDOW_DAYS;
}

export function cardLoginSummary(cardUuid: string, notAfter: Date, now: Date): z.infer<typeof CardLoginSummary> {
  const days = daysToExpiry(notAfter, now);
  return { uuid: cardUuid, certificateNotAfter: notAfter.toISOString(), daysToExpiry: days, renewalDue: isRenewalDue(days) };
}
