// What the NHS date input's three boxes (day, month, year) hold, as a calendar date. Each page
// adds its own rules (in the future, in the past, after another date).

export interface DateParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

export const EMPTY_DATE: DateParts = { day: '', month: '', year: '' };

/** The boxes filled from an ISO date ('2025-06-15'), or empty. */
export function partsOf(iso: string | null): DateParts {
  if (iso === null) return EMPTY_DATE;
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

export type DateReading = { readonly ok: true; readonly iso: string | null } | { readonly ok: false; readonly message: string };

/**
 * The date the boxes hold. `label` starts each message ("Start date must be a real date"); an
 * optional date left wholly empty is null.
 */
export function readDateParts(parts: DateParts, label: string, required: boolean): DateReading {
  const day = parts.day.trim();
  const month = parts.month.trim();
  const year = parts.year.trim();
  if (!day && !month && !year) return required ? { ok: false, message: `Enter the ${label.toLowerCase()}` } : { ok: true, iso: null };
  const missing = [!day && 'a day', !month && 'a month', !year && 'a year'].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0) return { ok: false, message: `${label} must include ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { ok: false, message: `${label} must be a real date` };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return { ok: false, message: `${label} must be a real date` };
  return { ok: true, iso };
}

/** Today as the service counts it (UTC), 'YYYY-MM-DD': the date rules on every page compare with the service's. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);
