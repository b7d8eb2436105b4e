// How a card certificate's expiry is counted, everywhere it is shown or decided (the login's
// expiry facts, the Smartcard Expiry Notification, the renewal window, the agent after a
// renewal): whole UTC calendar days to notAfter, and renewal open from RENEWAL_WINDOW_DAYS
// before it (domain.md, smartcards).

/** Days before notAfter from which a certificate may be renewed. */
export const RENEWAL_WINDOW_DAYS = 90;
export const DAY_MS = 86_400_000;

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

/** The expiry facts a session carries: when, how many days, and whether renewal is due. */
export function certificateExpiry(notAfter: Date, now: Date): { certificateNotAfter: string; daysToExpiry: number; renewalDue: boolean } {
  const days = daysToExpiry(notAfter, now);
  return { certificateNotAfter: notAfter.toISOString(), daysToExpiry: days, renewalDue: isRenewalDue(days) };
}
