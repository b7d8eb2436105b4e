import { useState } from 'react';
import type { z } from 'zod';
import { IDENTITY_DOCUMENT_NAMES, type CheckDetail } from '../../../src-shared/api/apply.js';
import { grantFor } from '../../../src-shared/domain/roles.js';
import { useServiceQuery } from '../../api/service-query.js';
import { WarningCallout } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { DataTable } from '../profile/data-table.js';
import { SuccessBanner } from '../positions/success-banner.js';
import { addressText, MIME_NAMES, sizeText } from './application-words.js';
import { CheckDecision, type Decided } from './check-decision.js';
import { DocumentViewer } from './document-viewer.js';

// One application's ID check: who the applicant says they are, where their card goes, the
// access asked for, their identity documents and photograph (each shown on request), then
// Approve (which creates the profile) or Reject with a reason for the sponsor. Once decided the
// page says what happened: the documents are deleted with the decision, so it does not reload them.

type Detail = z.infer<typeof CheckDetail>;

export function CheckApplicationPage({ reference }: { reference: string }) {
  const query = useServiceQuery('applyCheck', { params: { reference } });
  const [decided, setDecided] = useState<Decided | null>(null);
  const name = decided?.applicantName ?? query.data?.application.summary.applicantName;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.checkApplications)}>
        Back to check applications
      </a>
      <PageHeading caption={`Application ${reference}`} title={name ? `Check the application of ${name}` : 'Check an application'}>
        {name ? `Check the application of ${name}` : 'Check an application'}
      </PageHeading>
      {decided ? (
        <DecidedResult decided={decided} />
      ) : (
        <>
          <div role="status" className="nhsuk-body">
            {query.isPending ? 'Loading the application…' : ''}
          </div>
          {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
          {query.data && <CheckDetails detail={query.data} onDecided={setDecided} />}
        </>
      )}
    </>
  );
}

function CheckDetails({ detail, onDecided }: { detail: Detail; onDecided: (decided: Decided) => void }) {
  const { application, documents } = detail;
  const { summary, applicant } = application;
  const [viewing, setViewing] = useState<number | null>(null);
  return (
    <>
      <h2 className="nhsuk-heading-m">Applicant details</h2>
      <SummaryList
        rows={[
          { key: 'Name', value: `${applicant.givenName} ${applicant.familyName}` },
          { key: 'Date of birth', value: formatDate(applicant.dateOfBirth) },
          { key: 'National Insurance number', value: <span className="app-code">{applicant.niNumber}</span> },
          { key: 'Email address', value: applicant.email },
          { key: 'Mobile number', value: applicant.mobile },
        ]}
      />
      <h2 className="nhsuk-heading-m">Delivery address</h2>
      <p>{addressText(application.deliveryAddress)}</p>
      <h2 className="nhsuk-heading-m">Requested access</h2>
      <SummaryList
        rows={[
          { key: 'Organisation', value: `${summary.organisation.name} (${summary.organisation.code})` },
          application.access.kind === 'position'
            ? { key: 'Position', value: `${application.access.title} at ${application.access.organisation}` }
            : { key: 'Copy the access of', value: `${application.access.colleagueName}, smartcard number ${application.access.colleagueCardNumber}` },
          { key: 'Notes', value: application.notes === '' ? 'None' : application.notes },
          { key: 'Raised by', value: `${summary.raisedBy} on ${formatDate(summary.raisedAt)}` },
        ]}
      />
      <DataTable
        heading="Identity documents"
        empty="The applicant has sent no documents."
        columns={['Document', 'File', 'Uploaded', 'Action']}
        rows={documents.map((d) => ({
          key: String(d.id),
          cells: [
            IDENTITY_DOCUMENT_NAMES[d.kind],
            `${MIME_NAMES[d.mime]}, ${sizeText(d.sizeBytes)}`,
            formatDate(d.uploadedAt),
            <button
              key="view"
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
              type="button"
              aria-pressed={viewing === d.id}
              onClick={() => setViewing(viewing === d.id ? null : d.id)}
            >
              {viewing === d.id ? 'Hide' : 'View'}
              <span className="nhsuk-u-visually-hidden"> {IDENTITY_DOCUMENT_NAMES[d.kind].toLowerCase()}</span>
            </button>,
          ],
        }))}
      />
      {documents
        .filter((d) => d.id === viewing)
        .map((d) => (
          <DocumentViewer key={d.id} reference={summary.reference} documentId={d.id} kind={d.kind} applicantName={summary.applicantName} />
        ))}
      <CheckDecision detail={detail} onDecided={onDecided} />
    </>
  );
}

function DecidedResult({ decided }: { decided: Decided }) {
  const { position } = useCimSession();
  const issues = grantFor(position.roles, 'issue-smartcard') !== undefined;
  const back = (
    <p>
      <a href={hrefOf(CIM_PATHS.checkApplications)}>Check another application</a>
    </p>
  );
  if (decided.outcome === 'duplicate') {
    return (
      <>
        <WarningCallout heading="A profile already exists for this person" headingLevel={2}>
          <p>
            <a href={hrefOf(CIM_PATHS.userProfile(decided.user.uuid))}>{decided.user.name}</a> has the same National Insurance number and date of birth. No new
            profile was created: the application is now in the sponsor&apos;s Duplicates list.
          </p>
        </WarningCallout>
        {back}
      </>
    );
  }
  if (decided.outcome === 'rejected') {
    return (
      <>
        <SuccessBanner heading="Application rejected">
          <p>The sponsor sees your reason in their Rejected list. The applicant&apos;s documents have been deleted.</p>
        </SuccessBanner>
        {back}
      </>
    );
  }
  return (
    <>
      <SuccessBanner heading="Application approved">
        <p>
          A profile was created for {decided.user.name}: <a href={hrefOf(CIM_PATHS.userProfile(decided.user.uuid))}>{`view the profile of ${decided.user.name}`}</a>.
        </p>
      </SuccessBanner>
      {issues ? (
        <p>
          Their smartcard is waiting in <a href={hrefOf(CIM_PATHS.cardsToIssue)}>Cards to issue</a>.
        </p>
      ) : (
        <p>The Registration Authority team will issue and post their smartcard.</p>
      )}
      {back}
    </>
  );
}
