import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { passcodeChangeProblems, type PasscodeChangeField } from '../../src-shared/domain/passcode-change.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { ErrorSummary } from '../components/error-summary.js';
import { SecretField, takeSecrets } from '../components/secret-field.js';

// Changing the card's passcode from the Identity Agent box. The three fields are uncontrolled:
// their values never enter React state; they are read and cleared in the same tick as the
// submission. Typing mistakes are shown against their fields before the agent is asked; the
// agent checks again, and the card's own answer (attempts left) is shown against the current
// passcode.

const FIELDS: Readonly<Record<PasscodeChangeField, { id: string; label: string }>> = {
  current: { id: 'change-passcode-current', label: 'Current passcode' },
  next: { id: 'change-passcode-new', label: 'New passcode' },
  confirm: { id: 'change-passcode-confirm', label: 'Confirm new passcode' },
};
const ORDER: readonly PasscodeChangeField[] = ['current', 'next', 'confirm'];
const HINT_ID = 'change-passcode-hint';
const CHANGE_PASSCODE_HEADING_ID = 'change-passcode-heading';

interface FieldError {
  readonly field: PasscodeChangeField | null;
  readonly message: string;
}

export function ChangePasscodeForm({ onDone, headingLevel }: { onDone: () => void; headingLevel: 2 | 3 }) {
  const client = useAgentClient();
  const refs: Record<PasscodeChangeField, RefObject<HTMLInputElement | null>> = {
    current: useRef<HTMLInputElement>(null),
    next: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };
  const summaryRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [errors, setErrors] = useState<readonly FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const [changed, setChanged] = useState(false);
  const [failures, setFailures] = useState(0);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  useEffect(() => {
    headingRef.current?.focus();
  }, [changed]);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (sending) return;
    const values = takeSecrets(refs);
    const problems = passcodeChangeProblems(values.current, values.next, values.confirm);
    if (problems.length > 0) {
      setErrors([...problems].sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field)));
      setFailures((n) => n + 1);
      return;
    }
    setErrors([]);
    setSending(true);
    client
      .invoke('agent.changePasscode', values)
      .then(() => setChanged(true))
      .catch((failure: unknown) => {
        const error = toAgentCallError(failure);
        const field = error.code === 'wrong-passcode' || error.code === 'card-locked' ? 'current' : error.code === 'passcode-policy' ? 'next' : null;
        setErrors([{ field, message: error.message }]);
        setFailures((n) => n + 1);
      })
      .finally(() => setSending(false));
  };

  if (changed) {
    return (
      <div className="nhsuk-card nhsuk-card--feature app-change-passcode" role="status">
        <div className="nhsuk-card__content nhsuk-card__content--feature">
          <Heading className="nhsuk-card__heading nhsuk-card__heading--feature nhsuk-heading-s" id={CHANGE_PASSCODE_HEADING_ID} tabIndex={-1} ref={headingRef}>
            Your passcode has been changed
          </Heading>
          <p className="nhsuk-body-s">Use your new passcode the next time you sign in with this smartcard.</p>
          <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={onDone}>
            Done
          </button>
        </div>
      </div>
    );
  }

  const errorOf = (field: PasscodeChangeField): string | undefined => errors.find((e) => e.field === field)?.message;
  return (
    <form className="app-change-passcode" noValidate onSubmit={submit} aria-labelledby={CHANGE_PASSCODE_HEADING_ID}>
      <Heading className="nhsuk-heading-s" id={CHANGE_PASSCODE_HEADING_ID} tabIndex={-1} ref={headingRef}>
        Change passcode
      </Heading>
      <ErrorSummary ref={summaryRef} errors={errors.map((e) => (e.field ? { text: e.message, href: `#${FIELDS[e.field].id}` } : { text: e.message }))} />
      <div className="nhsuk-hint" id={HINT_ID}>
        Your new passcode must be 6 to 8 numbers.
      </div>
      {ORDER.map((field) => (
        <SecretField
          key={field}
          {...FIELDS[field]}
          ref={refs[field]}
          // The hint is about the new passcode; the current one is whatever the card holds.
          describedBy={field === 'current' ? [] : [HINT_ID]}
          error={errorOf(field)}
          autoComplete={field === 'current' ? 'current-password' : 'new-password'}
        />
      ))}
      <div role="status" className="nhsuk-body-s">
        {sending ? 'Changing your passcode…' : ''}
      </div>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button nhsuk-button--small" type="submit" disabled={sending}>
          Change passcode
        </button>
        <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
