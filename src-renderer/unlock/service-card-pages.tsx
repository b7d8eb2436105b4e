import type { UnlockView } from '../../src-shared/api/agent-api.js';
import { InsetText } from '../components/callouts.js';
import { PageHeading } from '../components/page-heading.js';
import { CloseButton, StepButtons } from './unlock-buttons.js';
import { StepProblemSummary } from '../components/step-problem-summary.js';
import { useStepRequests } from '../components/use-step-requests.js';

// "Service smartcard" (domain.md): a sponsor or local smartcard administrator, signed in with
// their own card, puts a colleague's card in the second reader. These are the pages before and
// after the card holder types a new passcode; the service decides what may be done to the card.

export function ServiceCardInsertPage({ view }: { view: UnlockView }) {
  const requests = useStepRequests(view);
  return (
    <>
      <PageHeading>Service smartcard</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>Insert the card holder&apos;s smartcard into the second smartcard reader, then select Continue.</p>
      <p>Keep your own smartcard in its reader: you stay logged in while you service the other card.</p>
      <StepButtons requests={requests} next="Continue" onNext={() => requests.send('serviceCard.continue', {})} />
    </>
  );
}

export function ServiceCardConfirmPage({ view }: { view: UnlockView }) {
  const requests = useStepRequests(view);
  const holder = view.holderName ?? 'the card holder';
  return (
    <>
      <PageHeading caption="Service smartcard">Ask the card holder to choose a new passcode</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>
        On the next page, {holder} types a new passcode for their smartcard, twice. Hand over the keyboard now, and do not watch while they type.
      </p>
      <p>Select Continue when {holder} is ready.</p>
      <StepButtons requests={requests} next="Continue" onNext={() => requests.send('serviceCard.confirm', {})} />
    </>
  );
}

export function ServiceCardDonePage({ view }: { view: UnlockView }) {
  const requests = useStepRequests(view);
  const holder = view.holderName ?? 'The card holder';
  return (
    <>
      <PageHeading caption="Service smartcard">Smartcard unlocked</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>{holder} can now log in with their new passcode.</p>
      <p>Remove their smartcard from {view.reader ?? 'the second reader'} and give it back to them.</p>
      <CloseButton requests={requests}>Done</CloseButton>
    </>
  );
}

export function ServiceCardRefusedPage({ view, message }: { view: UnlockView; message: string }) {
  const requests = useStepRequests(view);
  return (
    <>
      <PageHeading caption="Service smartcard">This smartcard cannot be unlocked</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>{message}</p>
      <InsetText>
        <p>
          Remove the smartcard from {view.reader ?? 'the second reader'}. If it still needs unlocking, the card holder can ask their own sponsor or local
          smartcard administrator, or your Registration Authority team.
        </p>
      </InsetText>
      <CloseButton requests={requests}>Close</CloseButton>
    </>
  );
}
