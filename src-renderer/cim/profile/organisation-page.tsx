import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { describeRoles } from '../../format/roles.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { DataTable } from './data-table.js';
import { describeKind } from './find-organisation-page.js';

// One organisation: where it sits in the tree (a breadcrumb of its ancestors), its positions and
// its child organisations.

export function OrganisationPage({ code }: { code: string }) {
  const query = useServiceQuery('organisation', { params: { code } });
  const detail = query.data;
  return (
    <>
      {detail && detail.ancestors.length > 0 && (
        <nav className="nhsuk-breadcrumb" aria-label="Organisation tree">
          <ol className="nhsuk-breadcrumb__list">
            {detail.ancestors.map((a) => (
              <li className="nhsuk-breadcrumb__list-item" key={a.code}>
                <a className="nhsuk-breadcrumb__link" href={hrefOf(CIM_PATHS.organisation(a.code))}>
                  {a.name}
                </a>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.findOrganisation)}>
        Back to Find an organisation
      </a>
      <PageHeading caption="Organisation">{detail ? detail.organisation.name : 'Organisation'}</PageHeading>
      {query.isPending && <p role="status">Loading the organisation…</p>}
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {detail && (
        <>
          <SummaryList
            rows={[
              { key: 'ODS code', value: detail.organisation.code },
              { key: 'Type', value: describeKind(detail.organisation.kind) },
            ]}
          />
          <DataTable
            heading="Positions"
            empty="No open positions at this organisation."
            columns={['Position', 'Job role', 'Roles', 'Held by']}
            rows={detail.positions.map((p) => ({ key: String(p.id), cells: [p.title, p.jobRole, describeRoles(p.roles), String(p.holders)] }))}
          />
          <DataTable
            heading="Child organisations"
            empty="No child organisations."
            columns={['Organisation', 'ODS code', 'Type']}
            rows={detail.children.map((c) => ({
              key: c.code,
              cells: [<a href={hrefOf(CIM_PATHS.organisation(c.code))}>{c.name}</a>, c.code, describeKind(c.kind)],
            }))}
          />
        </>
      )}
    </>
  );
}
