import type { UnlockView } from '../../src-shared/api/agent-api.js';
import { ErrorSummary } from '../components/error-summary.js';
import { InsetText } from '../components/callouts.js';
import { PageHeading } from '../components/page-heading.js';
import { useUnlockRequests } from './use-unlock-requests.js';

// "Service smartcard" (domain.md): a sponsor or local smartcard administrator, signed in with
// their own card, puts a colleague's card in the second reader. These are the pages before and
// after the card holder types a new passcode; the service decides what may be done to the card.

export function ServiceCardInsertPage({ view }: { view: UnlockView }) {
  const requests = useUnlockRequests(view);
  return (
    <>
      <PageHeading>Service smartcard</PageHeading>
      <ErrorSummary ref={requests.summaryRef} errors={requests.problem ? [{ text: requests.problem }] : []} />
      <p>Insert the locked smartcard into the second smartcard reader, then select Continue.</p>
      <p>Keep your own smartcard in its reader: you stay logged in while you service the other card.</p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" disabled={requests.working} onClick={() => requests.send('serviceCard.continue', {})}>
          Continue
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={requests.working} onClick={() => requests.send('unlock.close', {})}>
          Cancel
        </button>
      </div>
    </>
  );
}

export function ServiceCardConfirmPage({ view }: { view: UnlockView }) {
  const requests = useUnlockRequests(view);
  const holder = view.holderName ?? 'the card holder';
  return (
    <>
      <PageHeading caption="Service smartcard">Ask the card holder to choose a new passcode</PageHeading>
      <ErrorSummary ref={requests.summaryRef} errors={requests.problem ? [{ text: requests.problem }] : []} />
      <p>
        On the next page, {holder} types a new passcode for their smartcard, twice. Hand over the keyboard now, and do not watch while they type.
      </p>
      <p>Select Continue when {holder} is ready.</p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" disabled={requests.working} onClick={() => requests.send('serviceCard.confirm', {})}>
          Continue
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={requests.working} onClick={() => requests.send('unlock.close', {})}>
          Cancel
        </button>
      </div>
    </>
  );
}

export function ServiceCardDonePage({ view }: { view: UnlockView }) {
  const requests = useUnlockRequests(view);
  const holder = view.holderName ?? 'The card holder';
  return (
    <>
      <PageHeading caption="Service smartcard">Smartcard unlocked</PageHeading>
      <ErrorSummary ref={requests.summaryRef} errors={requests.problem ? [{ text: requests.problem }] : []} />
      <p>{holder} can now log in with their new passcode.</p>
      <p>Remove their smartcard from {view.reader ?? 'the second reader'} and give it back to them.</p>
      <button className="nhsuk-button" type="button" disabled={requests.working} onClick={() => requests.send('unlock.close', {})}>
        Done
      </button>
    </>
  );
}

export function ServiceCardRefusedPage({ view, message }: { view: UnlockView; message: string }) {
  const requests = useUnlockRequests(view);
  return (
    <>
      <PageHeading caption="Service smartcard">This smartcard cannot be unlocked</PageHeading>
      <ErrorSummary ref={requests.summaryRef} errors={requests.problem ? [{ text: requests.problem }] : []} />
      <p>{message}</p>
      <InsetText>
        <p>
          Remove the smartcard from {view.reader ?? 'the second reader'}. If it still needs unlocking, the card holder can ask their own sponsor or local
          smartcard administrator, or your Registration Authority team.
        </p>
      </InsetText>
      <button className="nhsuk-button" type="button" disabled={requests.working} onClick={() => requests.send('unlock.close', {})}>
        Close
      </button>
    </>
  );
}
