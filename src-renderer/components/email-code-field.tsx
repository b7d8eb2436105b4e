import { ErrorMessage } from './error-summary.js';

// The 6-digit code sent to an email address, typed in to prove the address is read by whoever
// gave it (a new contact email on one's profile, a sponsor's query email).

export interface EmailCodeFieldProps {
  readonly id: string;
  readonly label: string;
  /** Set when the form names its field (autofill and password managers key on it). */
  readonly name?: string;
  readonly problem: string | null;
  readonly value: string;
  readonly onChange: (value: string) => void;
}

export function EmailCodeField({ id, label, name, problem, value, onChange }: EmailCodeFieldProps) {
  const describedBy = [`${id}-hint`, ...(problem ? [`${id}-error`] : [])].join(' ');
  return (
    <div className={`nhsuk-form-group${problem ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label nhsuk-label--m" htmlFor={id}>
        {label}
      </label>
      <div className="nhsuk-hint" id={`${id}-hint`}>
        The 6 digits in the email, like 123456
      </div>
      {problem && <ErrorMessage id={`${id}-error`}>{problem}</ErrorMessage>}
      <input
        className={`nhsuk-input nhsuk-input--width-10${problem ? ' nhsuk-input--error' : ''}`}
        id={id}
        name={name}
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
      />
    </div>
  );
}
