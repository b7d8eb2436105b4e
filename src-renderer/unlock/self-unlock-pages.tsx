import type { UnlockView } from '../../src-shared/api/agent-api.js';
import { SECURITY_CODE_VALID_MINUTES } from '../../src-shared/api/service-unlock.js';
import { InsetText } from '../components/callouts.js';
import { PageHeading } from '../components/page-heading.js';
import { CloseButton, StepButtons } from './unlock-buttons.js';
import { StepProblemSummary } from '../components/step-problem-summary.js';
import { useStepRequests } from '../components/use-step-requests.js';

// Self-service unlock (domain.md, "Smartcards"): the pages around the security code and the
// new passcode. What happens next is said before it happens, and a refusal says what to do.

export function SelfUnlockIntroPage({ view }: { view: UnlockView }) {
  const requests = useStepRequests(view);
  return (
    <>
      <PageHeading caption={view.holderName ?? undefined}>Unlock your smartcard</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>You can unlock your smartcard yourself, without your sponsor.</p>
      <ol className="nhsuk-list nhsuk-list--number">
        <li>We send a 6-digit security code to the email address or mobile number on your Care Identity profile.</li>
        <li>You enter the code here. It works for {SECURITY_CODE_VALID_MINUTES} minutes.</li>
        <li>You choose a new passcode for your smartcard.</li>
      </ol>
      <p>Keep your smartcard in {view.reader ?? 'the reader'} until you have finished.</p>
      <StepButtons requests={requests} next="Start now" onNext={() => requests.send('unlock.sendCode', {})} />
    </>
  );
}

export function SelfUnlockDonePage({ view }: { view: UnlockView }) {
  const requests = useStepRequests(view);
  return (
    <>
      <PageHeading caption={view.holderName ?? undefined}>Your smartcard is unlocked</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>Your new passcode is set. Use it to log in now and from now on.</p>
      <CloseButton requests={requests}>Continue</CloseButton>
    </>
  );
}

export function SelfUnlockRefusedPage({ view, message }: { view: UnlockView; message: string }) {
  const requests = useStepRequests(view);
  return (
    <>
      <PageHeading caption={view.holderName ?? undefined}>Your smartcard cannot be unlocked here</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>{message}</p>
      <InsetText>
        <p>
          Ask your sponsor or local smartcard administrator to unlock your smartcard. They log in with their own smartcard, then put yours in a second
          smartcard reader.
        </p>
      </InsetText>
      <CloseButton requests={requests}>Close</CloseButton>
    </>
  );
}
