import type { UnlockStep, UnlockView } from '../../src-shared/api/agent-api.js';
import { InsetText } from '../components/callouts.js';
import { PageHeading } from '../components/page-heading.js';
import { SummaryList } from '../components/summary-list.js';
import { formatDate } from '../format/dates.js';
import { StepButtons } from './unlock-buttons.js';
import { UnlockProblemSummary } from './unlock-problem-summary.js';
import { useUnlockRequests } from './use-unlock-requests.js';

// "Service smartcard", once the card in the second reader is read and checked by the service:
// whose card it is, and what may be done to it. When the service says it may not be unlocked
// (not locked, outside the sponsor's organisations...) its reason replaces the button.

type ChooseStep = Extract<UnlockStep, { step: 'choose' }>;

export function ServiceCardChoosePage({ view, step }: { view: UnlockView; step: ChooseStep }) {
  const requests = useUnlockRequests(view);
  return (
    <>
      <PageHeading caption="Service smartcard">Check the smartcard</PageHeading>
      <UnlockProblemSummary requests={requests} />
      <p>Check that this is the smartcard of the person in front of you.</p>
      <SummaryList
        rows={[
          { key: 'Card holder', value: view.holderName ?? 'Not known' },
          { key: 'Smartcard UUID', value: <span className="app-code">{view.cardUuid ?? 'Not known'}</span> },
          { key: 'Certificate expires', value: formatDate(step.certificateNotAfter) },
          ...(view.reader ? [{ key: 'Reader', value: view.reader }] : []),
        ]}
      />
      {step.unlockRefusal !== null && (
        <InsetText>
          <p>
            <strong>You cannot unlock this smartcard.</strong> {step.unlockRefusal}
          </p>
        </InsetText>
      )}
      <StepButtons
        requests={requests}
        next={step.unlockRefusal === null ? 'Unlock smartcard' : null}
        onNext={() => requests.send('serviceCard.unlock', {})}
        close={step.unlockRefusal === null ? 'Cancel' : 'Close'}
      />
    </>
  );
}
