import { ErrorMessage } from '../../components/error-summary.js';

// The NHS date input (day, month, year), and what its three boxes mean as a calendar date.

export interface DateParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

const EMPTY_DATE: DateParts = { day: '', month: '', year: '' };

/** The boxes filled from an ISO date ('2025-06-15'), or empty. */
export function partsOf(iso: string | null): DateParts {
  if (iso === null) return EMPTY_DATE;
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

/** Today in the workstation's own calendar, as an ISO date. */
export function todayIso(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export type DateReading = { readonly ok: true; readonly iso: string | null } | { readonly ok: false; readonly message: string };

/**
 * The date the boxes hold. `label` starts each message ("Start date must be a real date");
 * an optional date left wholly empty is null.
 */
export function readDate(parts: DateParts, label: string, required: boolean): DateReading {
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

/** One date as an NHS date input: a fieldset whose legend names it, with a hint and its error. */
export function DateFields({
  id,
  legend,
  hint,
  value,
  error,
  onChange,
}: {
  id: string;
  legend: string;
  hint: string;
  value: DateParts;
  error: string | null;
  onChange: (value: DateParts) => void;
}) {
  const describedBy = [`${id}-hint`, ...(error ? [`${id}-error`] : [])].join(' ');
  const box = (part: keyof DateParts, label: string, width: 2 | 4) => (
    <div className="nhsuk-date-input__item">
      <div className="nhsuk-form-group">
        <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${part}`}>
          {label}
        </label>
        <input
          className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${width}${error ? ' nhsuk-input--error' : ''}`}
          id={`${id}-${part}`}
          name={`${id}-${part}`}
          type="text"
          inputMode="numeric"
          value={value[part]}
          onChange={(e) => onChange({ ...value, [part]: e.target.value })}
        />
      </div>
    </div>
  );
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" role="group" aria-describedby={describedBy}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
        {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
        <div className="nhsuk-date-input" id={id}>
          {box('day', 'Day', 2)}
          {box('month', 'Month', 2)}
          {box('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
}
