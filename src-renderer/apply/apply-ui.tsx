import { useEffect, useRef, useState, type ReactNode } from 'react';
import { STEP_STATE_NAMES, type ApplicationSummary, type StepState } from '../../src-shared/api/apply.js';
import type { z } from 'zod';
import { ErrorMessage, type ErrorItem } from '../components/error-summary.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import type { Problems } from './application-draft.js';

// The pieces every Apply for Care ID page shares: NHS radios, the step tags, and the error
// summary's list from a step's problems (focus moves to the summary after a failed Continue).

export const APPLY_CAPTION = 'Apply for Care ID';

interface RadioOption<T extends string> {
  readonly value: T;
  readonly label: string;
  readonly hint?: string;
  /** Shown under the option while it is chosen (NHS conditional reveal). */
  readonly conditional?: ReactNode;
}

/** An NHS radios fieldset: the legend names the question; the first radio has the group's id for error links. */
export function Radios<T extends string>({
  id,
  legend,
  hint,
  error,
  options,
  value,
  onChange,
  inline = false,
  legendSize = 'm',
}: {
  id: string;
  legend: string;
  hint?: string;
  error?: string | undefined;
  options: readonly RadioOption<T>[];
  value: T | null;
  onChange: (value: T) => void;
  inline?: boolean;
  legendSize?: 'l' | 'm' | 's';
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy}>
        <legend className={`nhsuk-fieldset__legend nhsuk-fieldset__legend--${legendSize}`}>{legend}</legend>
        {hint && (
          <div className="nhsuk-hint" id={`${id}-hint`}>
            {hint}
          </div>
        )}
        {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
        <div className={`nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}${options.some((o) => o.conditional !== undefined) ? ' nhsuk-radios--conditional' : ''}`}>
          {options.map((option, i) => {
            const optionId = i === 0 ? id : `${id}-${option.value}`;
            const checked = value === option.value;
            return (
              <div key={option.value}>
                <div className="nhsuk-radios__item">
                  <input
                    className="nhsuk-radios__input"
                    id={optionId}
                    name={id}
                    type="radio"
                    value={option.value}
                    checked={checked}
                    onChange={() => onChange(option.value)}
                    aria-describedby={option.hint ? `${optionId}-item-hint` : undefined}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={optionId}>
                    {option.label}
                  </label>
                  {option.hint && (
                    <div className="nhsuk-hint nhsuk-radios__hint" id={`${optionId}-item-hint`}>
                      {option.hint}
                    </div>
                  )}
                </div>
                {option.conditional !== undefined && checked && <div className="nhsuk-radios__conditional">{option.conditional}</div>}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** One NHS checkbox with its label. */
export function Checkbox({ id, label, checked, onChange, hint }: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: string }) {
  return (
    <div className="nhsuk-form-group">
      <div className="nhsuk-checkboxes">
        <div className="nhsuk-checkboxes__item">
          <input
            className="nhsuk-checkboxes__input"
            id={id}
            name={id}
            type="checkbox"
            checked={checked}
            onChange={(e) => onChange(e.target.checked)}
            aria-describedby={hint ? `${id}-hint` : undefined}
          />
          <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
            {label}
          </label>
          {hint && (
            <div className="nhsuk-hint nhsuk-checkboxes__hint" id={`${id}-hint`}>
              {hint}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

const STEP_TAG_COLOURS: Record<z.infer<typeof StepState>, string> = { 'not-started': 'nhsuk-tag--grey', 'in-progress': 'nhsuk-tag--blue', completed: 'nhsuk-tag--green' };

/** An application step's progress as an NHS tag: Not started, In progress or Completed. */
export function StepTag({ state }: { state: z.infer<typeof StepState> }) {
  return <strong className={`nhsuk-tag ${STEP_TAG_COLOURS[state]}`}>{STEP_STATE_NAMES[state]}</strong>;
}

/** The error summary's items for a step's problems, each linking to its field. */
export const summaryOf = (problems: Problems, extra: string | null = null): ErrorItem[] => [
  ...Object.entries(problems).map(([id, text]) => ({ text, href: `#${id}` })),
  ...(extra ? [{ text: extra }] : []),
];

/**
 * A form's failed attempts: each failure moves focus to the error summary (given `ref`), so a
 * keyboard or screen-reader user hears what to fix.
 */
export function useFailureFocus() {
  const ref = useRef<HTMLDivElement>(null);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) ref.current?.focus();
  }, [failures]);
  return { ref, failed: () => setFailures((n) => n + 1) };
}

/** The two columns every list of applications leads with: who applied, and the application ID. */
export const ApplicantHeaders = () => (
  <>
    <th scope="col" className="nhsuk-table__header">
      Applicant name
    </th>
    <th scope="col" className="nhsuk-table__header">
      Application ID
    </th>
  </>
);

export const ApplicantCells = ({ application }: { application: ApplicationSummary }) => (
  <>
    <td className="nhsuk-table__cell">
      <a className="nhsuk-link" href={hrefOf(CIM_PATHS.applyApplication(application.reference))}>
        {application.applicantName}
      </a>
    </td>
    <td className="nhsuk-table__cell">{application.reference}</td>
  </>
);
