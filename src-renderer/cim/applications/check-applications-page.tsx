import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { DataTable } from '../profile/data-table.js';

// "Check applications": every application in the session's organisations whose applicant has
// confirmed their details and sent their identity documents, oldest first as the service gives
// them, each leading to its ID check.

export function CheckApplicationsPage() {
  const query = useServiceQuery('applyChecks', {});
  const applications = query.data?.applications ?? [];
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back to the dashboard
      </a>
      <PageHeading>Check applications</PageHeading>
      <p className="nhsuk-body-l">Applications for Care ID whose applicant has confirmed their details and sent their identity documents and photograph.</p>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading applications…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {query.data && (
        <DataTable
          heading="Ready for the ID check"
          empty="No applications are waiting for an ID check."
          columns={['Application ID', 'Applicant', 'Organisation', 'Raised by', 'Last activity', 'Action']}
          rows={applications.map((a) => ({
            key: a.reference,
            cells: [
              <span className="app-code" key="ref">
                {a.reference}
              </span>,
              a.applicantName,
              `${a.organisation.name} (${a.organisation.code})`,
              a.raisedBy,
              formatDate(a.lastActivityAt),
              <a href={hrefOf(CIM_PATHS.checkApplication(a.reference))} key="check">
                Check<span className="nhsuk-u-visually-hidden"> the application of {a.applicantName}</span>
              </a>,
            ],
          }))}
        />
      )}
    </>
  );
}
