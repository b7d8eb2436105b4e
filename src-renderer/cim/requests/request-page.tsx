import { useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { RequestKind, type WaitingRequest } from '../../../src-shared/api/cim-requests.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { InsetText, WarningCallout } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { REJECT_REASON_ID, RejectReasonForm } from '../../components/reject-reason-form.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { KIND_NAME, STATUS_NAMES, whenText } from './request-words.js';

// One request: what is asked and about whom, then Accept (Grant for a position) or Reject with a
// reason, when this session may decide it; otherwise why not. A person who already has a
// profile (an ESR create) is shown with a link to it.


export function RequestPage() {
  const params = useParams();
  const kind = RequestKind.safeParse(params['kind']).data ?? 'esr';
  const id = Number(params['id']);
  const query = useServiceQuery('request', { params: { kind, id } });
  const [decided, setDecided] = useState<'accepted' | 'rejected' | null>(null);
  const heading = KIND_NAME[kind];
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.requests)}>
        Back to requests
      </a>
      <PageHeading caption="Requests">{heading}</PageHeading>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading the request…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {decided && query.data && <DecidedBanner request={query.data} decided={decided} />}
      {query.data && <RequestDetails request={query.data} onDecided={setDecided} />}
    </>
  );
}

/** The decision just made, announced: after an accepted ESR create, a link to the new profile. */
function DecidedBanner({ request, decided }: { request: WaitingRequest; decided: 'accepted' | 'rejected' }) {
  const created = decided === 'accepted' && request.kind === 'esr' ? request.user : null;
  return (
    <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="decided-title">
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id="decided-title">
          Success
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{decided === 'accepted' ? 'Request accepted' : 'Request rejected'}</p>
        {created && (
          <p className="nhsuk-body">
            The profile is up to date: <a href={hrefOf(CIM_PATHS.userProfile(created.uuid))}>{`view ${created.name}'s profile`}</a>.
          </p>
        )}
      </div>
    </div>
  );
}

function RequestDetails({ request, onDecided }: { request: WaitingRequest; onDecided: (decided: 'accepted' | 'rejected') => void }) {
  return (
    <>
      <SummaryList
        rows={[
          { key: 'About', value: request.user ? <a href={hrefOf(CIM_PATHS.userProfile(request.user.uuid))}>{request.user.name}</a> : request.subjectName },
          ...(request.organisation ? [{ key: 'Organisation', value: request.organisation }] : []),
          { key: 'What is asked', value: request.summary },
          ...request.details.map((d) => ({ key: d.label, value: d.value })),
          { key: 'Requested', value: whenText(request.requestedAt) },
          ...(request.requestedBy ? [{ key: 'Requested by', value: request.requestedBy }] : []),
          { key: 'Status', value: <strong className="nhsuk-tag nhsuk-tag--grey">{STATUS_NAMES[request.status]}</strong> },
          ...(request.reason ? [{ key: 'Reason for rejection', value: request.reason }] : []),
        ]}
      />
      {request.existingProfile && (
        <WarningCallout heading="A profile already exists for this person" headingLevel={2}>
          <p>
            <a href={hrefOf(CIM_PATHS.userProfile(request.existingProfile.uuid))}>{request.existingProfile.name}</a> has this National Insurance number. The
            request cannot be accepted as a new profile: reject it, or change that profile.
          </p>
        </WarningCallout>
      )}
      {request.mayDecide ? <Decision request={request} onDecided={onDecided} /> : request.status === 'pending' && request.whyNot && <InsetText>{request.whyNot}</InsetText>}
    </>
  );
}

function Decision({ request, onDecided }: { request: WaitingRequest; onDecided: (decided: 'accepted' | 'rejected') => void }) {
  const accept = {
    position: useServiceMutation('grantPositionRequest'),
    'detail-change': useServiceMutation('acceptDetailChangeRequest'),
    'profile-status': useServiceMutation('acceptProfileStatusRequest'),
    esr: useServiceMutation('acceptEsrRequest'),
  }[request.kind];
  const reject = {
    position: useServiceMutation('rejectPositionRequest'),
    'detail-change': useServiceMutation('rejectDetailChangeRequest'),
    'profile-status': useServiceMutation('rejectProfileStatusRequest'),
    esr: useServiceMutation('rejectEsrRequest'),
  }[request.kind];
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const busy = accept.isPending || reject.isPending;
  const acceptWord = request.kind === 'position' ? 'Grant' : 'Accept';
  const failure = accept.error?.message ?? reject.error?.message ?? null;

  const submitReject = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (busy) return;
    if (reason.trim() === '') {
      setReasonError('Enter the reason for rejecting the request');
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setReasonError(null);
    reject.mutate({ params: { id: request.id }, body: { reason: reason.trim() } }, { onSuccess: () => onDecided('rejected') });
  };

  const errors = [...(reasonError ? [{ text: reasonError, href: `#${REJECT_REASON_ID}` }] : []), ...(failure ? [{ text: failure }] : [])];
  return (
    <>
      <ErrorSummary ref={summaryRef} errors={errors} />
      <h2 className="nhsuk-heading-m">Decide this request</h2>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" disabled={busy} onClick={() => accept.mutate({ params: { id: request.id } }, { onSuccess: () => onDecided('accepted') })}>
          {`${acceptWord} request`}
        </button>
      </div>
      <RejectReasonForm
        hint="The person who raised the request sees this reason."
        reason={reason}
        onReasonChange={setReason}
        problem={reasonError}
        busy={busy}
        submitLabel="Reject request"
        onSubmit={submitReject}
      />
      <LiveStatus className="nhsuk-body" message={busy ? 'Saving your decision…' : ''} />
    </>
  );
}
