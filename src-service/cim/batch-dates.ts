// Dates in a batch file are written as people in the UK write them (31/01/2026), or as ISO dates
// (2026-01-31) from a system export. Anything else, or a day the calendar lacks (31/02/2025), is
// not a date.

const UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The ISO date a cell holds, or undefined when it holds no real date. */
export function batchDate(text: string): string | undefined {
  const uk = UK.exec(text);
  const iso = ISO.exec(text);
  const [year, month, day] = uk ? [uk[3], uk[2], uk[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 1900) return undefined;
  const at = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 31/02 over into March: a date is real only if it comes back unchanged.
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) return undefined;
  return at.toISOString().slice(0, 10);
}

/** An ISO date as the UK writes it, for messages and the result file. */
export const ukDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
