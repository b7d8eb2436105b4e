import { useRef, useState, type FormEvent, type RefObject } from 'react';
import type { UnlockView } from '../../src-shared/api/agent-api.js';
import { newPasscodeProblems, PASSCODE_CHANGE_MESSAGES } from '../../src-shared/domain/passcode-change.js';
import { ErrorSummary, type ErrorItem } from '../components/error-summary.js';
import { PageHeading } from '../components/page-heading.js';
import { SecretField, takeSecrets } from '../components/secret-field.js';
import { StepButtons } from './unlock-buttons.js';
import { useStepRequests } from '../components/use-step-requests.js';

// The card holder chooses the passcode an unlock sets, in either flow. The two fields are
// uncontrolled: their values never enter React state; they are read and cleared in the same
// tick as the submission. Typing mistakes are shown against their fields before the agent is
// asked; the agent checks again before the card sees anything.

type Field = 'next' | 'confirm';

const FIELDS: Readonly<Record<Field, { id: string; label: string }>> = {
  next: { id: 'unlock-passcode-new', label: 'New passcode' },
  confirm: { id: 'unlock-passcode-confirm', label: 'Confirm new passcode' },
};
const ORDER: readonly Field[] = ['next', 'confirm'];
const HINT_ID = 'unlock-passcode-hint';

interface FieldError {
  readonly field: Field;
  readonly message: string;
}

export function NewPasscodePage({ view }: { view: UnlockView }) {
  const requests = useStepRequests(view);
  const refs: Record<Field, RefObject<HTMLInputElement | null>> = { next: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };
  const [localErrors, setLocalErrors] = useState<readonly FieldError[]>([]);
  const sponsor = view.mode === 'sponsor';

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (requests.working) return;
    const values = takeSecrets(refs);
    const problems = newPasscodeProblems(values.next, values.confirm);
    if (problems.length > 0) {
      const onFields = problems.filter((p): p is FieldError => p.field !== 'current');
      setLocalErrors([...onFields].sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field)));
      requests.reject(onFields[0]?.message ?? PASSCODE_CHANGE_MESSAGES.mismatch);
      return;
    }
    setLocalErrors([]);
    requests.send('unlock.setPasscode', values, ['passcode-policy']);
  };

  // The agent refuses a passcode only after the same checks passed here, so the two entries
  // matched: its refusal is about the new passcode itself. Any other problem (the service, the
  // card, the link) is no field's to fix and is shown in the summary alone.
  const fieldErrors: readonly FieldError[] =
    localErrors.length > 0 ? localErrors : requests.fieldProblem !== null ? [{ field: 'next', message: requests.fieldProblem }] : [];
  const summary: readonly ErrorItem[] =
    fieldErrors.length > 0
      ? fieldErrors.map((e) => ({ text: e.message, href: `#${FIELDS[e.field].id}` }))
      : requests.problem !== null
        ? [{ text: requests.problem }]
        : [];
  const errorOf = (field: Field): string | undefined => fieldErrors.find((e) => e.field === field)?.message;

  return (
    <>
      <PageHeading caption={sponsor ? (view.holderName ?? 'Service smartcard') : 'Unlock your smartcard'}>Choose a new passcode</PageHeading>
      <ErrorSummary ref={requests.summaryRef} errors={summary} />
      {sponsor ? (
        <p>
          {view.holderName ? `${view.holderName}, type` : 'Type'} a new passcode for your smartcard, then type it again to confirm it. You will use it to log in
          from now on.
        </p>
      ) : (
        <p>Type a new passcode for your smartcard, then type it again to confirm it. You will use it to log in from now on.</p>
      )}
      <form noValidate onSubmit={submit}>
        <div className="nhsuk-hint" id={HINT_ID}>
          Your new passcode must be 6 to 8 numbers.
        </div>
        {ORDER.map((field) => (
          <SecretField key={field} {...FIELDS[field]} ref={refs[field]} describedBy={[HINT_ID]} error={errorOf(field)} autoComplete="new-password" />
        ))}
        <div role="status" className="nhsuk-body">
          {requests.working ? 'Checking the new passcode…' : ''}
        </div>
        <StepButtons requests={requests} next="Continue" />
      </form>
    </>
  );
}
