import type { ReactNode, Ref, RefObject } from 'react';
import { ErrorMessage } from './error-summary.js';

// A field for something typed and never shown back: a passcode or a security code. It is
// uncontrolled (the form reads it through `ref` and clears it as it submits) so the value never
// enters React state. The input's accessible description is its hint, then `describedBy` (words
// the form shows elsewhere), then its error: in that order, as a screen reader announces them.

export interface SecretFieldProps {
  readonly id: string;
  readonly label: string;
  /** A medium label, for the page's one field. */
  readonly labelSize?: 'm';
  readonly ref?: Ref<HTMLInputElement>;
  /** Shown under the label as the field's hint (id `${id}-hint`). */
  readonly hint?: ReactNode;
  /** Ids of other words describing the field, after its hint. */
  readonly describedBy?: readonly string[];
  readonly error?: string | null;
  /** Passcodes are masked; a one-time security code is not. */
  readonly type?: 'password' | 'text';
  readonly autoComplete: string;
  readonly maxLength?: number;
  /** Shown between the hint and the error (attempts left). */
  readonly children?: ReactNode;
}

export function SecretField({ id, label, labelSize, ref, hint, describedBy = [], error, type = 'password', autoComplete, maxLength, children }: SecretFieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const description = [hint ? hintId : null, ...describedBy, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className={`nhsuk-label${labelSize ? ` nhsuk-label--${labelSize}` : ''}`} htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="nhsuk-hint" id={hintId}>
          {hint}
        </div>
      )}
      {children}
      {error && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      <input
        ref={ref}
        className={`nhsuk-input nhsuk-input--width-10${error ? ' nhsuk-input--error' : ''}`}
        id={id}
        type={type}
        autoComplete={autoComplete}
        inputMode="numeric"
        spellCheck={false}
        maxLength={maxLength}
        aria-describedby={description || undefined}
      />
    </div>
  );
}

/** Reads every field of a form and clears each as it is read, so the values live only in the caller's submission. */
export function takeSecrets<F extends string>(refs: Readonly<Record<F, RefObject<HTMLInputElement | null>>>): Record<F, string> {
  const values = {} as Record<F, string>;
  for (const field of Object.keys(refs) as F[]) {
    const input = refs[field].current;
    values[field] = input?.value ?? '';
    if (input) input.value = '';
  }
  return values;
}
