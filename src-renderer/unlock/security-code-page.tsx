import { useRef, type FormEvent } from 'react';
import type { UnlockStep, UnlockView } from '../../src-shared/api/agent-api.js';
import { SecurityCode, type UnlockChannel } from '../../src-shared/api/service-unlock.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { SecretField } from '../components/secret-field.js';
import { formatTime } from '../format/dates.js';
import { StepButtons } from './unlock-buttons.js';
import { StepProblemSummary } from '../components/step-problem-summary.js';
import { useStepRequests } from '../components/use-step-requests.js';

// Self-service unlock, step 2: the security code the service sent. The field is uncontrolled
// and cleared as it is read, like a passcode: a code is one use only, and a wrong one is typed
// again from the start. Its shape is checked here so a typing slip costs none of the tries.

type CodeStep = Extract<UnlockStep, { step: 'code' }>;

const FIELD_ID = 'security-code';

const SENT_BY: Readonly<Record<UnlockChannel, string>> = { email: 'email', sms: 'text message' };

export function SecurityCodePage({ view, step }: { view: UnlockView; step: CodeStep }) {
  const requests = useStepRequests(view);
  const inputRef = useRef<HTMLInputElement>(null);
  // A new code keeps this page open: say so where it is heard, since focus stays put. Each code
  // has its own expiry, which makes a second code within the minute (the same words) heard again.
  const firstExpiry = useRef(step.codeExpiresAt);
  const resent = step.codeExpiresAt !== firstExpiry.current;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input || requests.working) return;
    const code = input.value.replace(/\s+/g, '');
    input.value = '';
    if (code === '') return requests.reject('Enter the security code');
    if (!SecurityCode.safeParse(code).success) return requests.reject('The security code must be 6 numbers');
    // A wrong code is typed again; an expired or used-up one is not, so it stays off the field.
    requests.send('unlock.submitCode', { code }, ['wrong-code']);
  };

  return (
    <>
      <PageHeading caption="Unlock your smartcard">Enter your security code</PageHeading>
      <StepProblemSummary requests={requests} href={`#${FIELD_ID}`} />
      <p>
        We have sent a 6-digit security code by {SENT_BY[step.channel]} to <strong>{step.sentTo}</strong>.
      </p>
      <p>The code expires at {formatTime(step.codeExpiresAt)}. It can be used once.</p>
      <form noValidate onSubmit={submit}>
        <SecretField
          id={FIELD_ID}
          label="Security code"
          labelSize="m"
          ref={inputRef}
          hint="The code is 6 numbers, for example 123456."
          error={requests.fieldProblem}
          type="text"
          autoComplete="one-time-code"
          maxLength={32}
        />
        <LiveStatus
          className="nhsuk-body"
          message={requests.working ? 'Wait a moment…' : resent ? `New code sent to ${step.sentTo}. It expires at ${formatTime(step.codeExpiresAt)}.` : ''}
          occasion={step.codeExpiresAt}
        />
        <StepButtons requests={requests} next="Continue" />
      </form>
      <h2 className="nhsuk-heading-m">If the code has not arrived</h2>
      <p>Codes usually arrive within a minute. A new code replaces the one sent before.</p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={requests.working} onClick={() => requests.send('unlock.sendCode', { channel: step.channel })}>
          Send a new code
        </button>
        {step.otherChannel && (
          <button
            className="nhsuk-button nhsuk-button--secondary"
            type="button"
            disabled={requests.working}
            onClick={() => step.otherChannel && requests.send('unlock.sendCode', { channel: step.otherChannel })}
          >
            {step.otherChannel === 'sms' ? 'Send the code by text message instead' : 'Send the code by email instead'}
          </button>
        )}
      </div>
    </>
  );
}
