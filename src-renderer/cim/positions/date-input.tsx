import { ErrorMessage } from '../../components/error-summary.js';
import type { DateParts } from './date-parts.js';

// The NHS date input: day, month and year in three boxes, with its error in words (date-parts.ts).

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
