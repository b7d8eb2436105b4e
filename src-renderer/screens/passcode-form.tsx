import { useEffect, useRef, useState, type FormEvent } from 'react';
import { checkPasscode } from '../../src-shared/domain/passcode-policy.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { WarningCallout } from '../components/callouts.js';
import { CardPasscodeField } from '../components/card-passcode-field.js';
import { ErrorSummary } from '../components/error-summary.js';

// The passcode goes from the field to the agent once. The field is uncontrolled so the value
// never enters React state; it is read and cleared in the same tick as the submission, and
// only this function's local variable holds it until the call is made.

export interface PasscodeFormProps {
  readonly attemptsRemaining: number | null;
  /** The next wrong passcode locks the card. */
  readonly lastAttempt: boolean;
  /** The agent is checking a passcode. */
  readonly busy: boolean;
  /** The agent's words about the last attempt. */
  readonly agentError: string | null;
  /** Shown as a Cancel button when the flow can be abandoned. */
  readonly onCancel?: () => void;
}

const FIELD_ID = 'passcode';

export function PasscodeForm({ attemptsRemaining, lastAttempt, busy, agentError, onCancel }: PasscodeFormProps) {
  const client = useAgentClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [validationError, setValidationError] = useState<string | null>(null);
  const [callError, setCallError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  // Bumped after every failed submission so focus goes to the error summary each time.
  const [failures, setFailures] = useState(0);

  const error = validationError ?? agentError ?? callError;
  const working = busy || sending;

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input || working) return;
    const passcode = input.value;
    input.value = '';
    setCallError(null);
    const check = checkPasscode(passcode);
    if (!check.ok) {
      setValidationError(check.message ?? 'Enter your passcode.');
      setFailures((n) => n + 1);
      return;
    }
    setValidationError(null);
    setSending(true);
    client
      .invoke('agent.submitPasscode', { passcode })
      .catch((failure: unknown) => {
        setCallError(toAgentCallError(failure).message);
        setFailures((n) => n + 1);
      })
      .finally(() => setSending(false));
  };

  return (
    <form noValidate onSubmit={submit}>
      <ErrorSummary ref={summaryRef} errors={error ? [{ text: error, href: `#${FIELD_ID}` }] : []} />
      {lastAttempt && (
        <WarningCallout heading="Last attempt" headingLevel={2}>
          <p>This is your last attempt. If you enter the wrong passcode again, your smartcard will be locked.</p>
        </WarningCallout>
      )}
      <CardPasscodeField id={FIELD_ID} ref={inputRef} attemptsRemaining={attemptsRemaining} error={error} />
      <div role="status" className="nhsuk-body">
        {working ? 'Checking your passcode…' : ''}
      </div>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="submit" disabled={working}>
          OK
        </button>
        {onCancel && (
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
