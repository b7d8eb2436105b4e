import type { RenewalStep, RenewalView } from '../../src-shared/api/agent-api.js';
import { InsetText } from '../components/callouts.js';
import { PageHeading } from '../components/page-heading.js';
import { StepProblemSummary } from '../components/step-problem-summary.js';
import type { StepRequests } from '../components/use-step-requests.js';
import { formatDate } from '../format/dates.js';
import { RenewalCloseButton } from './renewal-buttons.js';
import { renewalCaption } from './renewal-headings.js';

// How a renewal ends: "Smartcard renewed successfully" with the new expiry date, or the
// service's or card's reason in words and what to do instead.

type DoneStep = Extract<RenewalStep, { step: 'done' }>;

export function RenewalDonePage({ view, step, requests }: { view: RenewalView; step: DoneStep; requests: StepRequests }) {
  const expires = formatDate(step.certificateNotAfter);
  return (
    <>
      <PageHeading caption={renewalCaption(view)}>Smartcard renewed successfully</PageHeading>
      <StepProblemSummary requests={requests} />
      {view.mode === 'sponsor' ? (
        <>
          <p>
            The certificates on {view.holderName ? `${view.holderName}'s` : 'the'} smartcard now expire on <strong>{expires}</strong>. Their passcode has not
            changed.
          </p>
          <p>Remove their smartcard from {view.reader ?? 'the second reader'} and give it back to them.</p>
        </>
      ) : (
        <>
          <p>
            The certificates on your smartcard now expire on <strong>{expires}</strong>.
          </p>
          <p>Your passcode has not changed.</p>
        </>
      )}
      <RenewalCloseButton requests={requests}>{view.mode === 'sponsor' ? 'Done' : 'Continue'}</RenewalCloseButton>
    </>
  );
}

const REFUSED_HEADINGS: Readonly<Record<RenewalView['mode'], string>> = {
  self: 'Your smartcard was not renewed',
  sponsor: 'This smartcard cannot be renewed',
  recovery: "Your smartcard's renewal could not be finished",
};

export function RenewalRefusedPage({ view, message, requests }: { view: RenewalView; message: string; requests: StepRequests }) {
  return (
    <>
      <PageHeading caption={renewalCaption(view)}>{REFUSED_HEADINGS[view.mode]}</PageHeading>
      {/* The request that ended here failed with these same words: the page says them once. */}
      {requests.problem !== message && <StepProblemSummary requests={requests} />}
      <p>{message}</p>
      <InsetText>
        <RefusedAdvice view={view} />
      </InsetText>
      <RenewalCloseButton requests={requests}>Close</RenewalCloseButton>
    </>
  );
}

/** What to do instead, for whoever is reading. */
function RefusedAdvice({ view }: { view: RenewalView }) {
  switch (view.mode) {
    case 'self':
      return (
        <p>
          Your smartcard works as before until its certificates expire. You will be asked again at your next login, or your sponsor or local smartcard
          administrator can renew it with you.
        </p>
      );
    case 'sponsor':
      return (
        <p>
          Remove the smartcard from {view.reader ?? 'the second reader'} and give it back to the card holder. If it still needs renewing, they can make an
          appointment with your Registration Authority.
        </p>
      );
    case 'recovery':
      return (
        <p>
          Remove your smartcard and insert it again to try once more. If this keeps happening, ask your local smartcard administrator or Registration
          Authority team for help.
        </p>
      );
  }
}
