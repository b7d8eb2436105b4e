import { ErrorMessage } from '../../components/error-summary.js';

// The NHS date input (day, month, year in three boxes) and what its boxes say, in words: the
// service takes an ISO date, people type a day, a month and a year.

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

export function DateInput({ id, label, hint, value, error, onChange }: { id: string; label: string; hint: string; value: DateParts; error: string | null; onChange: (value: DateParts) => void }) {
  const describedBy = [`${id}-hint`, ...(error ? [`${id}-error`] : [])].join(' ');
  const box = (part: keyof DateParts, name: string, width: 2 | 4) => (
    <div className="nhsuk-date-input__item">
      <div className="nhsuk-form-group">
        <label className="nhsuk-label nhsuk-date-input__label" htmlFor={part === 'day' ? id : `${id}-${part}`}>
          {name}
        </label>
        <input
          className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${width}${error ? ' nhsuk-input--error' : ''}`}
          id={part === 'day' ? id : `${id}-${part}`}
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
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">{label}</legend>
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
