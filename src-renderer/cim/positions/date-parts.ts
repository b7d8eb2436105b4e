// What the NHS date input's three boxes (day, month, year) say, in words: the service takes an
// ISO date, people type a day, a month and a year.

export interface DateParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

export const EMPTY_DATE: DateParts = { day: '', month: '', year: '' };

/** The ISO date the boxes hold, or what is wrong with them in words ("Start date must be a real date"). */
export function readDate(parts: DateParts, label: string, today: string): { date: string } | { problem: string } {
  const day = parts.day.trim();
  const month = parts.month.trim();
  const year = parts.year.trim();
  if (!day && !month && !year) return { problem: `Enter the ${label.toLowerCase()}` };
  const missing = [!day && 'a day', !month && 'a month', !year && 'a year'].filter((m): m is string => Boolean(m));
  if (missing.length > 0) return { problem: `${label} must include ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { problem: `${label} must be a real date` };
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const at = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== date) return { problem: `${label} must be a real date` };
  if (date < today) return { problem: `${label} must be today or in the future` };
  return { date };
}

/** Today as the service counts it (UTC), 'YYYY-MM-DD'. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** `iso` plus `days`, 'YYYY-MM-DD' (UTC, as the service adds them). */
export const addDaysIso = (iso: string, days: number): string => new Date(Date.parse(`${iso}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
