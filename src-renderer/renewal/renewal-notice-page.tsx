import type { RenewalStep, RenewalView } from '../../src-shared/api/agent-api.js';
import { PageHeading } from '../components/page-heading.js';
import { StepProblemSummary } from '../components/step-problem-summary.js';
import type { StepRequests } from '../components/use-step-requests.js';
import { describeDaysToExpiry, formatDate } from '../format/dates.js';
import { RenewalCloseButton } from './renewal-buttons.js';
import { renewalCaption } from './renewal-headings.js';

// The Smartcard Expiry Notification (domain.md): at every login while the certificates are
// within 90 days of expiry, until they are renewed. "Yes" starts the renewal; "No" carries on to
// the signed-in pages, and the same question comes back at the next login.

type NoticeStep = Extract<RenewalStep, { step: 'notice' }>;

export function RenewalNoticePage({ view, step, requests }: { view: RenewalView; step: NoticeStep; requests: StepRequests }) {
  return (
    <>
      <PageHeading caption={renewalCaption(view)}>Smartcard Expiry Notification</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>
        The certificates on your smartcard expire {describeDaysToExpiry(step.daysToExpiry)}, on {formatDate(step.certificateNotAfter)}. Renew them now? It
        takes a few seconds.
      </p>
      <p>You will need your smartcard passcode. Keep your smartcard in its reader until the renewal has finished.</p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" disabled={requests.working} onClick={() => requests.send('renewal.start', {})}>
          Yes
        </button>
        <RenewalCloseButton requests={requests} secondary>
          No
        </RenewalCloseButton>
      </div>
      <p className="nhsuk-body-s">If you choose No, you will be asked again the next time you log in.</p>
    </>
  );
}
