import { ErrorMessage } from './error-summary.js';

// The NHS date input: one date as day, month and year in three boxes, in a fieldset whose legend
// names it, with a hint and its error. The day box has the field's own id, so an error summary
// link to the field lands in its first box. What the boxes mean as a date is read by
// readDateParts; each page adds its own rules (in the future, in the past, after another date).

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

export function DateInput({
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
  error?: string | null | undefined;
  onChange: (value: DateParts) => void;
}) {
  const describedBy = [`${id}-hint`, ...(error ? [`${id}-error`] : [])].join(' ');
  const box = (part: keyof DateParts, label: string, width: 2 | 4) => {
    const boxId = part === 'day' ? id : `${id}-${part}`;
    return (
      <div className="nhsuk-date-input__item">
        <div className="nhsuk-form-group">
          <label className="nhsuk-label nhsuk-date-input__label" htmlFor={boxId}>
            {label}
          </label>
          <input
            className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${width}${error ? ' nhsuk-input--error' : ''}`}
            id={boxId}
            name={`${id}-${part}`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            value={value[part]}
            onChange={(e) => onChange({ ...value, [part]: e.target.value })}
          />
        </div>
      </div>
    );
  };
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" role="group" aria-describedby={describedBy}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
        {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
        <div className="nhsuk-date-input">
          {box('day', 'Day', 2)}
          {box('month', 'Month', 2)}
          {box('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
}
