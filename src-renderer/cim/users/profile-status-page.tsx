import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Profile } from '../../../src-shared/api/service-cim.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { InsetText, WarningCallout } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { SuccessBanner, TextArea } from './user-form-fields.js';

// "Close a user profile" and "Reopen a closed user profile": a reason, then the button. RA staff
// close or reopen at once (closing ends every session of the user there and then); a sponsor's
// goes to the Registration Authority as a request, and a request already waiting is shown.

export type StatusAction = 'close' | 'reopen';

const WORDS = {
  close: { heading: 'Close profile', button: 'Close profile', done: 'Profile closed', wrongState: 'closed', endpoint: 'closeProfile' },
  reopen: { heading: 'Reopen profile', button: 'Reopen profile', done: 'Profile reopened', wrongState: 'open', endpoint: 'reopenProfile' },
} as const;

const REASON_ID = 'status-reason';

export function ProfileStatusPage({ uuid, action }: { uuid: string; action: StatusAction }) {
  const profile = useServiceQuery('profile', { params: { uuid } });
  const back = hrefOf(CIM_PATHS.userProfile(uuid));
  return (
    <>
      <a className="nhsuk-back-link" href={back}>
        Back
      </a>
      {!profile.isSuccess && <PageHeading caption="User profile">{WORDS[action].heading}</PageHeading>}
      {profile.isPending && (
        <div role="status" className="nhsuk-body">
          Loading the profile…
        </div>
      )}
      {profile.isError && <ErrorSummary errors={[{ text: profile.error.message }]} />}
      {profile.isSuccess && <StatusForm profile={profile.data} action={action} back={back} />}
    </>
  );
}

function StatusForm({ profile, action, back }: { profile: Profile; action: StatusAction; back: string }) {
  const words = WORDS[action];
  const pending = useServiceQuery('profileStatusRequest', { params: { uuid: profile.uuid } });
  const mutation = useServiceMutation(words.endpoint);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<{ field: boolean; text: string } | null>(null);
  const [failures, setFailures] = useState(0);
  const name = `${profile.givenName} ${profile.familyName}`;

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (field: boolean, text: string): void => {
    setError({ field, text });
    setFailures((n) => n + 1);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (mutation.isPending) return;
    const text = reason.trim();
    if (text === '') return fail(true, `Enter why you want to ${action} this profile`);
    if (text.length > 500) return fail(true, 'The reason must be 500 characters or fewer');
    setError(null);
    mutation.mutate({ params: { uuid: profile.uuid }, body: { reason: text } }, { onError: (e) => fail(false, e.message) });
  };

  if (mutation.isSuccess) {
    const outcome = mutation.data;
    return (
      <>
        <SuccessBanner id="profile-status-done">
          <PageHeading className="nhsuk-notification-banner__heading">
            {outcome.outcome === 'requested' ? 'Your request has been sent to the Registration Authority' : words.done}
          </PageHeading>
          <p className="nhsuk-body">
            {outcome.outcome === 'requested'
              ? `The profile of ${name} will ${action === 'close' ? 'close' : 'reopen'} when a member of the Registration Authority accepts your request. Until then the profile shows the request as pending.`
              : outcome.outcome === 'closed'
                ? `The profile of ${name} is closed. ${outcome.sessionsEnded === 1 ? '1 session was' : `${outcome.sessionsEnded} sessions were`} ended, and ${profile.givenName} cannot sign in until the profile is reopened.`
                : `The profile of ${name} is open again. ${profile.givenName} can sign in with their smartcard.`}
          </p>
        </SuccessBanner>
        <p>
          <a className="nhsuk-link" href={back}>
            Back to the profile of {name}
          </a>
        </p>
      </>
    );
  }

  const waiting = pending.data?.pending ?? null;
  const inWrongState = profile.status === words.wrongState;
  return (
    <>
      <PageHeading caption={name}>{words.heading}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={error ? [error.field ? { text: error.text, href: `#${REASON_ID}` } : { text: error.text }] : []} />
      {waiting && (
        <InsetText>
          <p>
            A request to {waiting.action} this profile is waiting for the Registration Authority. {waiting.requestedBy} asked on{' '}
            {new Date(waiting.requestedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}: {waiting.reason}
          </p>
        </InsetText>
      )}
      {inWrongState ? (
        <p>The profile of {name} is already {words.wrongState}.</p>
      ) : (
        <>
          {action === 'close' ? (
            <WarningCallout heading="Important" headingLevel={2}>
              <p>Closing this profile ends every session of {name} now, on every workstation. They cannot sign in until the profile is reopened.</p>
            </WarningCallout>
          ) : (
            <p>Reopening this profile lets {name} sign in again with their smartcard.</p>
          )}
          <form noValidate onSubmit={submit}>
            <TextArea
              id={REASON_ID}
              label={`Why are you ${action === 'close' ? 'closing' : 'reopening'} this profile?`}
              hint="This is kept with the profile's history."
              error={error?.field ? error.text : undefined}
              value={reason}
              onChange={setReason}
            />
            <div role="status" className="nhsuk-body">
              {mutation.isPending ? 'Saving…' : ''}
            </div>
            <div className="nhsuk-button-group">
              <button className={`nhsuk-button${action === 'close' ? ' nhsuk-button--warning' : ''}`} type="submit" disabled={mutation.isPending}>
                {words.button}
              </button>
              <a className="nhsuk-link" href={back}>
                Cancel
              </a>
            </div>
          </form>
        </>
      )}
    </>
  );
}
