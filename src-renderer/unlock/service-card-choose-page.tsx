import type { UnlockStep, UnlockView } from '../../src-shared/api/agent-api.js';
import { InsetText } from '../components/callouts.js';
import { PageHeading } from '../components/page-heading.js';
import { StepProblemSummary } from '../components/step-problem-summary.js';
import { SummaryList } from '../components/summary-list.js';
import { useStepRequests } from '../components/use-step-requests.js';
import { describeDaysToExpiry, formatDate } from '../format/dates.js';
import { CloseButton } from './unlock-buttons.js';

// "Service smartcard", once the card in the second reader is read and checked by the service:
// whose card it is, and what may be done to it (unlock it, renew its certificate). When the
// service says one may not be done (not locked, outside the sponsor's organisations, expired
// for this role...) its reason replaces that button.

type ChooseStep = Extract<UnlockStep, { step: 'choose' }>;

export function ServiceCardChoosePage({ view, step }: { view: UnlockView; step: ChooseStep }) {
  const requests = useStepRequests(view);
  const mayUnlock = step.unlockRefusal === null;
  const mayRenew = step.renewRefusal === null;
  const expired = step.daysToExpiry < 0;
  return (
    <>
      <PageHeading caption="Service smartcard">Check the smartcard</PageHeading>
      <StepProblemSummary requests={requests} />
      <p>Check that this is the smartcard of the person in front of you.</p>
      <SummaryList
        rows={[
          { key: 'Card holder', value: view.holderName ?? 'Not known' },
          { key: 'Smartcard UUID', value: <span className="app-code">{view.cardUuid ?? 'Not known'}</span> },
          {
            key: expired ? 'Certificate expired' : 'Certificate expires',
            value: `${formatDate(step.certificateNotAfter)} (${describeDaysToExpiry(step.daysToExpiry)})`,
          },
          ...(view.reader ? [{ key: 'Reader', value: view.reader }] : []),
        ]}
      />
      {step.unlockRefusal !== null && <Refusal action="unlock this smartcard" reason={step.unlockRefusal} />}
      {step.renewRefusal !== null && <Refusal action="renew this smartcard's certificate" reason={step.renewRefusal} />}
      <div className="nhsuk-button-group">
        {/* The first thing offered is the page's main action; a second one is secondary. */}
        {mayUnlock && (
          <button className="nhsuk-button" type="button" disabled={requests.working} onClick={() => requests.send('serviceCard.unlock', {})}>
            Unlock smartcard
          </button>
        )}
        {mayRenew && (
          <button
            className={`nhsuk-button${mayUnlock ? ' nhsuk-button--secondary' : ''}`}
            type="button"
            disabled={requests.working}
            onClick={() => requests.send('serviceCard.renew', {})}
          >
            Renew smartcard certificate
          </button>
        )}
        <CloseButton requests={requests} secondary>
          {mayUnlock || mayRenew ? 'Cancel' : 'Close'}
        </CloseButton>
      </div>
    </>
  );
}

function Refusal({ action, reason }: { action: string; reason: string }) {
  return (
    <InsetText>
      <p>
        <strong>You cannot {action}.</strong> {reason}
      </p>
    </InsetText>
  );
}
