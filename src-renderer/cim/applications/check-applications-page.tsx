import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { DataTable } from '../profile/data-table.js';

// "Check applications": every application in the session's organisations whose applicant has
// confirmed their details and sent their identity documents, as the service orders them, each
// leading to its ID check (who raised it is on that page: the table stays narrow enough to read).

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
          columns={['Applicant', 'Application ID', 'Organisation', 'Documents sent']}
          rows={applications.map((a) => ({
            key: a.reference,
            cells: [
              <a href={hrefOf(CIM_PATHS.checkApplication(a.reference))} key="check">
                <span className="nhsuk-u-visually-hidden">Check the application of </span>
                {a.applicantName}
              </a>,
              <span className="app-code" key="ref">
                {a.reference}
              </span>,
              a.organisation.name,
              formatDate(a.lastActivityAt),
            ],
          }))}
        />
      )}
    </>
  );
}
