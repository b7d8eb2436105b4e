// Calendar dates in the CIM API are UTC 'YYYY-MM-DD' strings: "today" comes from the service's
// injectable clock so date rules can be tested on their boundaries.

const DAY_MS = 86_400_000;

/** The UTC calendar date of `at`. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * `isoDate` plus `days`, or undefined when the result is past year 9999 (a 'YYYY-MM-DD' string
 * cannot hold it, and the contracts would refuse it on the way out).
 */
export function addDays(isoDate: string, days: number): string | undefined {
  const result = new Date(Date.parse(`${isoDate}T00:00:00.000Z`) + days * DAY_MS);
  if (Number.isNaN(result.getTime()) || result.getUTCFullYear() > 9999) return undefined;
  return utcDate(result);
}

/** A stored timestamp as the contracts' ISO form (UTC, 'Z'); unparseable text is passed through. */
export function isoDateTime(stored: string): string {
  const at = new Date(stored);
  return Number.isNaN(at.getTime()) ? stored : at.toISOString();
}
