// What the NHS date input's three boxes (day, month, year) say, in words: the service takes an
// ISO date, people type a day, a month and a year.

import { readDateParts, type DateParts } from '../../components/date-parts.js';

/** The ISO date the boxes hold, today or later, or what is wrong with them in words ("Start date must be a real date"). */
export function readDate(parts: DateParts, label: string, today: string): { date: string } | { problem: string } {
  const read = readDateParts(parts, label, true);
  if (!read.ok) return { problem: read.message };
  const date = read.iso as string;
  if (date < today) return { problem: `${label} must be today or in the future` };
  return { date };
}

/** `iso` plus `days`, 'YYYY-MM-DD' (UTC, as the service adds them). */
export const addDaysIso = (iso: string, days: number): string => new Date(Date.parse(`${iso}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
