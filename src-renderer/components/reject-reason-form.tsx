import type { FormEvent } from 'react';
import { ErrorMessage } from './error-summary.js';

// Rejecting with a reason the other side reads: a change request in Care Identity Management, an
// application at the ID check. The page keeps the reason and its problem; this is the form.

/** The reason box's id: the page's error summary links here. */
export const REJECT_REASON_ID = 'reject-reason';

export interface RejectReasonFormProps {
  /** Who reads the reason, and what happens next. */
  readonly hint: string;
  readonly reason: string;
  readonly onReasonChange: (reason: string) => void;
  readonly problem: string | null | undefined;
  readonly busy: boolean;
  /** The button's words, like "Reject request". */
  readonly submitLabel: string;
  readonly onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}

export function RejectReasonForm({ hint, reason, onReasonChange, problem, busy, submitLabel, onSubmit }: RejectReasonFormProps) {
  const id = REJECT_REASON_ID;
  return (
    <form noValidate onSubmit={onSubmit}>
      <div className={`nhsuk-form-group${problem ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label nhsuk-label--s" htmlFor={id}>
          Reason for rejecting
        </label>
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
        {problem && <ErrorMessage id={`${id}-error`}>{problem}</ErrorMessage>}
        <textarea
          className={`nhsuk-textarea${problem ? ' nhsuk-textarea--error' : ''}`}
          id={id}
          name="reason"
          rows={3}
          maxLength={500}
          value={reason}
          onChange={(e) => onReasonChange(e.target.value)}
          aria-describedby={`${id}-hint${problem ? ` ${id}-error` : ''}`}
        />
      </div>
      <button className="nhsuk-button nhsuk-button--secondary" type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
