import type { DateParts } from './date-parts.js';
import { ErrorMessage } from './error-summary.js';

// The NHS date input: one date as day, month and year in three boxes, in a fieldset whose legend
// names it, with a hint and its error. The day box has the field's own id, so an error summary
// link to the field lands in its first box. What the boxes mean as a date: date-parts.ts.

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
