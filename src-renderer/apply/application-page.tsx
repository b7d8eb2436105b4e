import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { DASHBOARD_TAB_NAMES, type ApplicationDetail } from '../../src-shared/api/apply.js';
import { useServiceMutation, useServiceQuery } from '../api/service-query.js';
import { InsetText, WarningCallout } from '../components/callouts.js';
import { ErrorSummary } from '../components/error-summary.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { SummaryList } from '../components/summary-list.js';
import { formatDate, formatTime, plural } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import { SuccessBanner, TextArea } from '../cim/users/user-form-fields.js';
import { StepTag, summaryOf, useFailureFocus } from './apply-ui.js';
import { dashboardHref } from './dashboard-address.js';

// One application as its sponsor sees it (seed 003, "Check application progress"): the
// applicant's details, the steps as Not started / In progress / Completed, and what may be done
// now: resend the invite, cancel the application, mark a rejected or cancelled one as done. The
// identity documents are never shown here.

export function ApplicationPage({ reference }: { reference: string }) {
  const application = useServiceQuery('applyApplication', { params: { reference } });
  const data = application.data;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(data ? dashboardHref(data.summary.tab, 1) : CIM_PATHS.applyHome)}>
        Back
      </a>
      <PageHeading caption={`Application ${reference}`} title={data ? `${data.summary.applicantName}: application ${reference}` : `Application ${reference}`}>
        {data?.summary.applicantName ?? 'Application'}
      </PageHeading>
      <LiveStatus className="nhsuk-body" message={application.isPending ? 'Loading the application…' : ''} />
      {application.isError && <ErrorSummary errors={[{ text: application.error.message }]} />}
      {data && <LoadedApplication application={data} />}
    </>
  );
}

function LoadedApplication({ application }: { application: ApplicationDetail }) {
  const { summary, applicant, steps, access } = application;
  const resend = useServiceMutation('applyResend');
  const markDone = useServiceMutation('applyMarkDone');
  const [news, setNews] = useState<string | null>(null);
  const failure = resend.error?.message ?? markDone.error?.message ?? null;
  const address = application.deliveryAddress;
  return (
    <>
      {news && (
        <SuccessBanner id="application-news">
          <p className="nhsuk-notification-banner__heading">{news}</p>
        </SuccessBanner>
      )}
      <ErrorSummary errors={failure ? [{ text: failure }] : []} />
      <p>
        <strong className="nhsuk-tag">{DASHBOARD_TAB_NAMES[summary.tab]}</strong>
      </p>
      {summary.status === 'rejected' && (
        <WarningCallout heading="This application was rejected" headingLevel={2}>
          <p>Reason: {summary.rejectionReason ?? 'No reason was given.'}</p>
          <p>If the Smartcard is still required, the application must be resubmitted again from the start.</p>
        </WarningCallout>
      )}
      {summary.status === 'duplicate' && (
        <InsetText>
          <p>
            A Smartcard profile already exists for this applicant{application.duplicateOf ? ` (${application.duplicateOf.name})` : ''}. The Registration Authority team will
            contact the applicant by email to inform them they already have a Smartcard profile. Sponsors must not move applications from the duplicates list to Marked as
            done.
          </p>
        </InsetText>
      )}
      {summary.status === 'approved' && (
        <InsetText>
          <p>
            Approved{application.createdUser ? `: a profile was created for ${application.createdUser.name}` : ''}. Sponsors must not move applications from the approved list
            to Marked as done, as the RA team use this list to track any Smartcards that need to be actioned and then posted out.
          </p>
        </InsetText>
      )}
      <h2 className="nhsuk-heading-m">Application</h2>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Application steps</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th scope="col" className="nhsuk-table__header">
              Step
            </th>
            <th scope="col" className="nhsuk-table__header">
              Progress
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {(
            [
              ['Confirm personal details (emailed link)', steps.confirmDetails],
              ['Identity documents and photograph (texted link)', steps.identityCheck],
              ['ID check', steps.idCheck],
            ] as const
          ).map(([name, state]) => (
            <tr className="nhsuk-table__row" key={name}>
              <td className="nhsuk-table__cell">{name}</td>
              <td className="nhsuk-table__cell">
                <StepTag state={state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 className="nhsuk-heading-m">Applicant</h2>
      <SummaryList
        rows={[
          { key: 'Application ID', value: summary.reference },
          { key: 'Name', value: `${applicant.givenName} ${applicant.familyName}` },
          { key: 'Date of birth', value: formatDate(applicant.dateOfBirth) },
          { key: 'Email address', value: applicant.email },
          { key: 'Mobile number', value: applicant.mobile },
          {
            key: 'Delivery address',
            value: address
              ? [address.line1, address.line2, address.town, address.postcode].filter(Boolean).map((line) => (
                  <span key={line} className="nhsuk-u-display-block">
                    {line}
                  </span>
                ))
              : application.applicantProvidesAddress
                ? 'The applicant provides it'
                : 'Not given',
          },
          { key: 'Access', value: access.kind === 'position' ? `${access.title} at ${access.organisation}` : `Copy the access of ${access.colleagueName} (smartcard ${access.colleagueCardNumber})` },
          { key: 'Notes', value: application.notes || 'None' },
          { key: 'Raised', value: `${formatDate(summary.raisedAt)} by ${summary.raisedByMe ? 'you' : summary.raisedBy}, ${summary.organisation.name} (${summary.organisation.code})` },
          {
            key: 'Invites sent',
            value: `${plural(application.invitesSent, 'invite')}${application.lastInvitedAt ? `, last on ${formatDate(application.lastInvitedAt)} at ${formatTime(application.lastInvitedAt)}` : ''}`,
          },
        ]}
      />
      <LiveStatus className="nhsuk-body" message={resend.isPending ? 'Sending new links…' : markDone.isPending ? 'Marking as done…' : ''} />
      <div className="nhsuk-button-group">
        {application.canResend && (
          <button
            className="nhsuk-button"
            type="button"
            disabled={resend.isPending}
            onClick={() =>
              resend.mutate(
                { params: { reference: summary.reference } },
                { onSuccess: () => setNews(`New links sent to ${applicant.email} and ${applicant.mobile}. The earlier links no longer work.`) },
              )
            }
          >
            Resend the invite
          </button>
        )}
        {application.canMarkDone && (
          <button
            className="nhsuk-button nhsuk-button--secondary"
            type="button"
            disabled={markDone.isPending}
            onClick={() => markDone.mutate({ params: { reference: summary.reference } }, { onSuccess: () => setNews('The application has been marked as done.') })}
          >
            Mark as done
          </button>
        )}
        {application.canCancel && (
          <a className="nhsuk-button nhsuk-button--warning" href={hrefOf(CIM_PATHS.applyCancelApplication(summary.reference))} role="button" draggable="false">
            Cancel the application
          </a>
        )}
      </div>
    </>
  );
}

const REASON_ID = 'cancel-reason';

/** "Cancel the application": a confirmation first, since the applicant's links stop working. */
export function CancelApplicationPage({ reference }: { reference: string }) {
  const navigate = useNavigate();
  const application = useServiceQuery('applyApplication', { params: { reference } });
  const cancel = useServiceMutation('applyCancel');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [service, setService] = useState<string | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const focus = useFailureFocus();
  const name = application.data?.summary.applicantName;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (cancel.isPending) return;
    if (reason.trim().length > 500) {
      setProblems({ [REASON_ID]: 'The reason must be 500 characters or fewer' });
      return focus.failed();
    }
    setProblems({});
    cancel.mutate(
      { params: { reference }, body: { reason: reason.trim() } },
      {
        onSuccess: () => setCancelled(true),
        onError: (error) => {
          setService(error.message);
          focus.failed();
        },
      },
    );
  };

  if (cancelled) {
    return (
      <>
        <SuccessBanner id="application-cancelled">
          <PageHeading className="nhsuk-notification-banner__heading">Application cancelled</PageHeading>
          <p className="nhsuk-body">
            Application {reference}
            {name ? ` for ${name}` : ''} is cancelled. The applicant&apos;s links no longer work and any documents they uploaded have been deleted.
          </p>
        </SuccessBanner>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => void navigate(CIM_PATHS.applyApplication(reference))}>
            View the application
          </button>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.applyHome)}>
            Home
          </a>
        </div>
      </>
    );
  }
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.applyApplication(reference))}>
        Back
      </a>
      <PageHeading caption={`Application ${reference}`}>{name ? `Cancel the application for ${name}?` : 'Cancel this application?'}</PageHeading>
      <ErrorSummary ref={focus.ref} errors={summaryOf(problems, service)} />
      {application.isError && <ErrorSummary errors={[{ text: application.error.message }]} />}
      <p>The applicant&apos;s emailed and texted links will stop working and any documents they have uploaded will be deleted. This cannot be undone.</p>
      <p>If the Smartcard is still required later, the application must be made again from the start.</p>
      <form noValidate onSubmit={submit}>
        <TextArea id={REASON_ID} label="Reason (optional)" hint="Kept with the application's history" error={problems[REASON_ID]} value={reason} onChange={setReason} />
        <LiveStatus className="nhsuk-body" message={cancel.isPending ? 'Cancelling the application…' : ''} />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--warning" type="submit" disabled={cancel.isPending}>
            Cancel the application
          </button>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.applyApplication(reference))}>
            Go back without cancelling
          </a>
        </div>
      </form>
    </>
  );
}
