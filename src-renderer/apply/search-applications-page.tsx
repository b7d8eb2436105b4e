import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { DASHBOARD_TAB_NAMES, type ApplicationSummary } from '../../src-shared/api/apply.js';
import { useServiceQuery } from '../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../components/error-summary.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { formatDate, plural } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import { ReportPagination } from '../cim/reports/report-table.js';
import { ApplicantCells, ApplicantHeaders, APPLY_CAPTION, Checkbox, useFailureFocus } from './apply-ui.js';
import { pageCount } from './dashboard-address.js';

// Search applications (seed 003, "Check application progress"): the applicant's name, email
// address or application ID, "Applications I have raised" -> Search -> the applicant -> their
// application. The search lives in the address, so Back from an application returns to it.

const QUERY_ID = 'search-query';
const MINE_ID = 'search-mine';
const MAX_QUERY = 100;

const searchHref = (query: string, mine: boolean, page = 1): string =>
  `${CIM_PATHS.applySearch}?${new URLSearchParams({ q: query, ...(mine ? { mine: 'yes' } : {}), ...(page > 1 ? { page: String(page) } : {}) }).toString()}`;

export function SearchApplicationsPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const searched = (params.get('q') ?? '').trim();
  const searchedMine = params.get('mine') === 'yes';
  const pageNumber = Number(params.get('page') ?? '1');
  const page = Number.isInteger(pageNumber) && pageNumber >= 1 ? pageNumber : 1;
  const [query, setQuery] = useState(searched);
  const [mine, setMine] = useState(searchedMine);
  const [problem, setProblem] = useState<string | null>(null);
  const focus = useFailureFocus();
  const results = useServiceQuery('applySearch', { query: { query: searched || '-', mine: searchedMine ? 'true' : 'false', page } }, { enabled: searched !== '' });

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const typed = query.trim();
    const fail = (message: string) => {
      setProblem(message);
      focus.failed();
    };
    if (typed === '') return fail("Enter the applicant's name, email address or application ID");
    if (typed.length > MAX_QUERY) return fail(`Enter ${MAX_QUERY} characters or fewer`);
    setProblem(null);
    void navigate(searchHref(typed, mine));
  };

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.applyHome)}>
        Back
      </a>
      <PageHeading caption={APPLY_CAPTION}>Search applications</PageHeading>
      <ErrorSummary ref={focus.ref} errors={problem ? [{ text: problem, href: `#${QUERY_ID}` }] : []} />
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${problem ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label" htmlFor={QUERY_ID}>
            Name, email address, or application ID
          </label>
          <div className="nhsuk-hint" id={`${QUERY_ID}-hint`}>
            For example, Aisha Khan, aisha.khan@nhs.net or ACI-7K3M9Q2P
          </div>
          {problem && <ErrorMessage id={`${QUERY_ID}-error`}>{problem}</ErrorMessage>}
          <input
            className={`nhsuk-input nhsuk-input--width-30${problem ? ' nhsuk-input--error' : ''}`}
            id={QUERY_ID}
            name={QUERY_ID}
            type="text"
            spellCheck={false}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby={[`${QUERY_ID}-hint`, ...(problem ? [`${QUERY_ID}-error`] : [])].join(' ')}
          />
        </div>
        <Checkbox id={MINE_ID} label="Applications I have raised" checked={mine} onChange={setMine} />
        <button className="nhsuk-button" type="submit">
          Search
        </button>
      </form>
      {searched !== '' && (
        <>
          <LiveStatus className="nhsuk-body" message={results.isPending ? 'Searching…' : results.data ? `${plural(results.data.total, 'application')} found` : ''} />
          {results.isError && <ErrorSummary errors={[{ text: results.error.message }]} />}
          {results.data && (
            <>
              <h2 className="nhsuk-heading-m">
                {plural(results.data.total, 'application')} found for &lsquo;{searched}&rsquo;
              </h2>
              {results.data.applications.length > 0 && <ResultsTable applications={results.data.applications} />}
              <ReportPagination page={page} pages={pageCount(results.data.total, results.data.pageSize)} hrefFor={(p) => hrefOf(searchHref(searched, searchedMine, p))} />
            </>
          )}
        </>
      )}
    </>
  );
}

function ResultsTable({ applications }: { applications: readonly ApplicationSummary[] }) {
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Applications found</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <ApplicantHeaders />
          {['Email address', 'List', 'Raised'].map((h) => (
            <th key={h} scope="col" className="nhsuk-table__header">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {applications.map((application) => (
          <tr className="nhsuk-table__row" key={application.reference}>
            <ApplicantCells application={application} />
            <td className="nhsuk-table__cell">{application.email}</td>
            <td className="nhsuk-table__cell">{DASHBOARD_TAB_NAMES[application.tab]}</td>
            <td className="nhsuk-table__cell">
              {formatDate(application.raisedAt)}
              {application.raisedByMe ? ' by you' : ` by ${application.raisedBy}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
