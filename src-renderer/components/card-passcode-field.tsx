import type { Ref } from 'react';
import { plural } from '../format/dates.js';
import { SecretField } from './secret-field.js';

// The smartcard's passcode, wherever the card asks for it (logging in, renewing): the one field
// on the page, with the card's tries left under the hint when the agent knows them. Uncontrolled,
// like every SecretField: the form reads it through `ref` and clears it as it submits.

export interface CardPasscodeFieldProps {
  readonly id: string;
  readonly ref: Ref<HTMLInputElement>;
  /** The card's passcode tries left; null when the card does not say. */
  readonly attemptsRemaining: number | null;
  readonly error: string | null;
  readonly maxLength?: number;
}

export function CardPasscodeField({ id, ref, attemptsRemaining, error, maxLength }: CardPasscodeFieldProps) {
  const attemptsId = `${id}-attempts`;
  return (
    <SecretField
      id={id}
      label="Passcode"
      labelSize="m"
      ref={ref}
      hint="Your smartcard passcode is 6 to 8 numbers."
      describedBy={attemptsRemaining !== null ? [attemptsId] : []}
      error={error}
      autoComplete="off"
      maxLength={maxLength}
    >
      {attemptsRemaining !== null && (
        <p className="nhsuk-body nhsuk-u-font-weight-bold" id={attemptsId}>
          {plural(attemptsRemaining, 'attempt')} remaining
        </p>
      )}
    </SecretField>
  );
}
