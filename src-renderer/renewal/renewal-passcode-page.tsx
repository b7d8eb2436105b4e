import { useRef, type FormEvent } from 'react';
import type { RenewalStep, RenewalView } from '../../src-shared/api/agent-api.js';
import { checkPasscode } from '../../src-shared/domain/passcode-policy.js';
import { WarningCallout } from '../components/callouts.js';
import { CardPasscodeField } from '../components/card-passcode-field.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { StepProblemSummary } from '../components/step-problem-summary.js';
import type { StepRequests } from '../components/use-step-requests.js';
import { RenewalStepButtons } from './renewal-buttons.js';
import { renewalCaption } from './renewal-headings.js';

// The card holder's passcode: the card will sign the new certificate request only once it has
// been verified. The field is uncontrolled and cleared as it is read, so the passcode never
// enters React state; a malformed entry is caught here so it costs none of the card's tries.

type PasscodeStep = Extract<RenewalStep, { step: 'passcode' }>;

const FIELD_ID = 'renewal-passcode';

const HEADINGS: Readonly<Record<RenewalView['mode'], string>> = {
  self: 'Enter your passcode to renew your smartcard',
  sponsor: 'Card holder: enter your passcode to renew your smartcard',
  recovery: 'Enter your passcode to finish renewing your smartcard',
};

export function RenewalPasscodePage({ view, step, requests }: { view: RenewalView; step: PasscodeStep; requests: StepRequests }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const { attemptsRemaining } = step;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input || requests.working) return;
    const passcode = input.value;
    input.value = '';
    const check = checkPasscode(passcode);
    if (!check.ok) return requests.reject(check.message ?? 'Enter your passcode.');
    // A wrong or unacceptable passcode is typed again; the card being taken out or the service
    // refusing is not the field's to fix.
    requests.send('renewal.submitPasscode', { passcode }, ['wrong-passcode', 'passcode-policy']);
  };

  return (
    <>
      <PageHeading caption={renewalCaption(view)}>{HEADINGS[view.mode]}</PageHeading>
      <StepProblemSummary requests={requests} href={`#${FIELD_ID}`} />
      {view.mode === 'self' && <p>Your smartcard needs your passcode to make its new certificates. Your passcode stays the same.</p>}
      {view.mode === 'sponsor' && (
        <p>
          {view.holderName ? `${view.holderName}, type` : 'Type'} the passcode you use to log in with this smartcard. The person renewing it should not
          watch while you type.
        </p>
      )}
      {view.mode === 'recovery' && (
        <p>
          Your smartcard needs a new key to finish its renewal. It cannot be used to log in until this has finished: if you cancel, you will be asked again when
          you next insert it.
        </p>
      )}
      {attemptsRemaining === 1 && (
        <WarningCallout heading="Last attempt" headingLevel={2}>
          <p>This is the last attempt. If the passcode is wrong again, the smartcard will be locked.</p>
        </WarningCallout>
      )}
      <form noValidate onSubmit={submit}>
        <CardPasscodeField id={FIELD_ID} ref={inputRef} attemptsRemaining={attemptsRemaining} error={requests.fieldProblem} maxLength={64} />
        <LiveStatus className="nhsuk-body" message={requests.working ? 'Checking the passcode…' : ''} />
        <RenewalStepButtons requests={requests} next="Continue" />
      </form>
    </>
  );
}
