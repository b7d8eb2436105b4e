import { PageHeading } from '../../components/page-heading.js';
import { useServiceQuery } from '../../api/service-query.js';
import type { ReportDefinition } from '../../../src-shared/api/cim-reports.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';

// "Reports": the frequently used reports first, then every other report, each with what it shows.

export function ReportsList() {
  const catalogue = useServiceQuery('reports', {});
  const reports = catalogue.data?.reports ?? [];
  const pinned = reports.filter((r) => r.pinned);
  const others = reports.filter((r) => !r.pinned);
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading>Reports</PageHeading>
      {catalogue.isPending && (
        <p className="nhsuk-body" role="status">
          Loading the reports…
        </p>
      )}
      {catalogue.error && <ReportsRefused message={catalogue.error.message} />}
      {pinned.length > 0 && <ReportGroup heading="Frequently used reports" reports={pinned} />}
      {others.length > 0 && <ReportGroup heading="All other reports" reports={others} />}
    </>
  );
}

function ReportGroup({ heading, reports }: { heading: string; reports: ReportDefinition[] }) {
  return (
    <>
      <h2 className="nhsuk-heading-m">{heading}</h2>
      <ul className="nhsuk-list nhsuk-list--border">
        {reports.map((r) => (
          <li key={r.id}>
            <a className="nhsuk-link" href={hrefOf(CIM_PATHS.report(r.id))}>
              {r.title}
            </a>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">{r.description}</p>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The service's refusal (a role without reports, a session gone) in its own words. */
export function ReportsRefused({ message }: { message: string }) {
  return (
    <div className="nhsuk-error-summary" tabIndex={-1}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading">You cannot view reports</h2>
        <div className="nhsuk-error-summary__body">
          <p>{message}</p>
        </div>
      </div>
    </div>
  );
}
