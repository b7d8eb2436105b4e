// Dates the NHS way ("12 March 2026"), in the workstation's own time zone.

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });

/** "12 March 2026" from an ISO date ("2026-03-12") or date-time; the input itself if unreadable. */
export function formatDate(iso: string): string {
  // A bare date is a calendar day: read it as local midnight, not UTC, so it never shifts a day.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : LONG_DATE.format(date);
}

/** "in 45 days", "today", "1 day ago": how far off a certificate expiry is. */
export function describeDaysToExpiry(days: number): string {
  if (days === 0) return 'today';
  if (days > 0) return `in ${plural(days, 'day')}`;
  return `${plural(-days, 'day')} ago`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2:35pm" (the NHS style for times), in the workstation's own time zone; the input itself if unreadable. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const hours = date.getHours();
  const minutes = String(date.getMinutes()).padStart(2, '0');
  return `${hours % 12 || 12}:${minutes}${hours < 12 ? 'am' : 'pm'}`;
}
