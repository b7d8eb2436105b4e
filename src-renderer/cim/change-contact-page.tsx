import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Email, Mobile } from '../../src-shared/api/service-common.js';
import { checkPasscode } from '../../src-shared/domain/passcode-policy.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { CardPasscodeField } from '../components/card-passcode-field.js';
import { ErrorMessage, ErrorSummary } from '../components/error-summary.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { CIM_PATHS, hrefOf, type ContactField } from './cim-paths.js';
import { ConfirmEmailCode } from './profile/confirm-email-code.js';

// Changing your own email or mobile: the new value, then your passcode, then Update. The
// passcode goes to your smartcard, which approves the change (the agent has it sign the
// service's challenge). The passcode field is uncontrolled and cleared as it is read, so the
// passcode never enters React state. The new value is checked with the service's own schema
// before anything is sent, and the card's answer (attempts left) is shown against the passcode.

const WORDS: Readonly<Record<ContactField, { noun: string; hint: string; invalid: string; inputType: 'email' | 'tel'; autoComplete: string }>> = {
  email: {
    noun: 'email address',
    hint: 'Use an NHS, AC or GOV email address, like name@nhs.net. Security codes to unlock your smartcard can be sent to it.',
    invalid: 'Enter an email address in the correct format, like name@nhs.net',
    inputType: 'email',
    autoComplete: 'email',
  },
  mobile: {
    noun: 'mobile number',
    hint: 'A UK mobile number, like 07700 900 123. Security codes to unlock your smartcard can be sent to it.',
    invalid: 'Enter a UK mobile number, like 07700 900 123',
    inputType: 'tel',
    autoComplete: 'tel',
  },
};

const VALUE_ID = 'new-contact-value';
const PASSCODE_ID = 'contact-passcode';

type Problem = { readonly field: 'value' | 'passcode' | null; readonly message: string };

/** The user's mistakes in their own words, before the agent is asked; none when all is well. */
function valueProblem(field: ContactField, value: string): string | null {
  if (value.trim() === '') return `Enter your new ${WORDS[field].noun}`;
  return (field === 'email' ? Email : Mobile).safeParse(value.trim()).success ? null : WORDS[field].invalid;
}

export function ChangeContactPage({ field }: { field: ContactField }) {
  const client = useAgentClient();
  const words = WORDS[field];
  const passcodeRef = useRef<HTMLInputElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [value, setValue] = useState('');
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [failures, setFailures] = useState(0);
  const [sending, setSending] = useState(false);
  const [changed, setChanged] = useState(false);
  const [awaitingCode, setAwaitingCode] = useState<{ sentTo: string; expiresAt: string } | null>(null);

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (found: readonly Problem[]): void => {
    setProblems(found);
    setFailures((n) => n + 1);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const input = passcodeRef.current;
    if (!input || sending) return;
    const passcode = input.value;
    input.value = '';
    const found: Problem[] = [];
    const badValue = valueProblem(field, value);
    if (badValue) found.push({ field: 'value', message: badValue });
    const check = checkPasscode(passcode);
    if (!check.ok) found.push({ field: 'passcode', message: check.message ?? 'Enter your passcode.' });
    if (found.length > 0) return fail(found);

    setProblems([]);
    setSending(true);
    client
      .invoke('cim.changeOwnContact', { [field]: value.trim(), passcode })
      .then((result) => (result.emailConfirmation ? setAwaitingCode(result.emailConfirmation) : setChanged(true)))
      .catch((failure: unknown) => {
        const error = toAgentCallError(failure);
        const at = error.code === 'wrong-passcode' || error.code === 'card-locked' || error.code === 'passcode-policy' ? 'passcode' : error.code === 'bad-request' ? 'value' : null;
        fail([{ field: at, message: error.message }]);
      })
      .finally(() => setSending(false));
  };

  if (changed) return <ContactChanged noun={words.noun} />;
  if (awaitingCode) return <ConfirmEmailCode {...awaitingCode} onConfirmed={() => setChanged(true)} />;

  const problemOf = (at: 'value' | 'passcode'): string | null => problems.find((p) => p.field === at)?.message ?? null;
  const valueError = problemOf('value');
  const describedBy = [`${VALUE_ID}-hint`, ...(valueError ? [`${VALUE_ID}-error`] : [])].join(' ');
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.myProfile)}>
        Back
      </a>
      <PageHeading caption="Your profile">{`Change your ${words.noun}`}</PageHeading>
      <ErrorSummary
        ref={summaryRef}
        errors={problems.map((p) => (p.field ? { text: p.message, href: `#${p.field === 'value' ? VALUE_ID : PASSCODE_ID}` } : { text: p.message }))}
      />
      <p>Your smartcard must approve this change, so you need to enter your passcode.</p>
      {field === 'email' && <p>We will send a 6-digit code to your new email address. Your email address changes when you enter the code.</p>}
      <p>
        We will tell your old {words.noun} that it was changed. For 24 hours after the change, security codes to unlock your smartcard will not be sent to
        the new one.
      </p>
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${valueError ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label nhsuk-label--m" htmlFor={VALUE_ID}>
            {`New ${words.noun}`}
          </label>
          <div className="nhsuk-hint" id={`${VALUE_ID}-hint`}>
            {words.hint}
          </div>
          {valueError && <ErrorMessage id={`${VALUE_ID}-error`}>{valueError}</ErrorMessage>}
          <input
            className={`nhsuk-input${valueError ? ' nhsuk-input--error' : ''}`}
            id={VALUE_ID}
            name={field}
            type={words.inputType}
            autoComplete={words.autoComplete}
            spellCheck={false}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-describedby={describedBy}
          />
        </div>
        <CardPasscodeField id={PASSCODE_ID} ref={passcodeRef} attemptsRemaining={null} error={problemOf('passcode')} maxLength={64} />
        <LiveStatus className="nhsuk-body" message={sending ? 'Checking your passcode and updating your details…' : ''} />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={sending}>
            Update
          </button>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.myProfile)}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}

function ContactChanged({ noun }: { noun: string }) {
  return (
    <>
      <div className="nhsuk-panel">
        <PageHeading className="nhsuk-panel__title">Contact details changed successfully</PageHeading>
        <div className="nhsuk-panel__body">Your {noun} has been updated.</div>
      </div>
      <p>We have sent a message to your old {noun} to say it was changed.</p>
      <p>
        <a className="nhsuk-link" href={hrefOf(CIM_PATHS.myProfile)}>
          Back to your profile
        </a>
      </p>
    </>
  );
}
