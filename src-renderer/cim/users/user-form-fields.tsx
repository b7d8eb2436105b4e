import type { DateParts } from '../../components/date-parts.js';
import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-summary.js';

// The form fields of the user-profile pages, in NHS design system markup: a text input, a
// textarea and the day/month/year date input, each with its hint and error wired to the field's
// accessible description.

interface FieldProps {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly value: string;
  readonly onChange: (value: string) => void;
}

const describedBy = (id: string, hint: string | undefined, error: string | undefined): string | undefined =>
  [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

function Group({ id, label, hint, error, children }: Omit<FieldProps, 'value' | 'onChange'> & { children: ReactNode }) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
      {children}
    </div>
  );
}

export function TextField(props: FieldProps & { readonly type?: 'text' | 'email' | 'tel'; readonly autoComplete?: string; readonly width?: 10 | 20 }) {
  const { id, hint, error, value, onChange, type = 'text', autoComplete = 'off', width } = props;
  return (
    <Group {...props}>
      <input
        className={`nhsuk-input${width ? ` nhsuk-input--width-${width}` : ''}${error ? ' nhsuk-input--error' : ''}`}
        id={id}
        name={id}
        type={type}
        autoComplete={autoComplete}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy(id, hint, error)}
      />
    </Group>
  );
}

export function TextArea(props: FieldProps) {
  const { id, hint, error, value, onChange } = props;
  return (
    <Group {...props}>
      <textarea
        className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
        id={id}
        name={id}
        rows={4}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy(id, hint, error)}
      />
    </Group>
  );
}

/** The ISO date the parts make, or a problem in the user's words (`what` names the date). */
export function dateFromParts(parts: DateParts, what: string, today: string): { date: string } | { problem: string } {
  const [day, month, year] = [parts.day.trim(), parts.month.trim(), parts.year.trim()];
  if (!day && !month && !year) return { problem: `Enter the ${what}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { problem: `The ${what} must be a real date, like 15 3 1984` };
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const parsed = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return { problem: `The ${what} must be a real date, like 15 3 1984` };
  if (date > today) return { problem: `The ${what} must be in the past` };
  if (date < '1900-01-01') return { problem: `The ${what} must be after 1900` };
  return { date };
}

/** The NHS success notification banner; the page's heading goes inside it, so focus lands on the news. */
export function SuccessBanner({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="region" aria-labelledby={`${id}-title`}>
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id={`${id}-title`}>
          Success
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">{children}</div>
    </div>
  );
}
