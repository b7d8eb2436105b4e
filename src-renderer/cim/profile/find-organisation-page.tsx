import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { plural } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';

// "Find an organisation": by name or ODS code. The search text is kept in the address (an
// organisation's name is no one's personal data), so Back from an organisation returns to the
// same results.

const KINDS = { trust: 'Trust', 'gp-practice': 'GP practice', pharmacy: 'Pharmacy', site: 'Site', directorate: 'Directorate', other: 'Other' } as const;
export const describeKind = (kind: keyof typeof KINDS): string => KINDS[kind];

export function FindOrganisationPage() {
  const [params, setParams] = useSearchParams();
  const searched = params.get('q') ?? '';
  const [text, setText] = useState(searched);
  const [error, setError] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const query = text.trim();
    if (query === '') {
      setError('Enter an organisation name or ODS code');
      setFailures((n) => n + 1);
      return;
    }
    if (query.length > 100) {
      setError('Organisation name or ODS code must be 100 characters or fewer');
      setFailures((n) => n + 1);
      return;
    }
    setError(null);
    setParams({ q: query });
  };

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading>Find an organisation</PageHeading>
      <ErrorSummary ref={summaryRef} errors={error ? [{ text: error, href: '#find-organisation-query' }] : []} />
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label" htmlFor="find-organisation-query">
            Organisation name or ODS code
          </label>
          <div className="nhsuk-hint" id="find-organisation-query-hint">
            For example, Training General Hospital or RZZ01
          </div>
          {error && <ErrorMessage id="find-organisation-query-error">{error}</ErrorMessage>}
          <input
            className={`nhsuk-input${error ? ' nhsuk-input--error' : ''}`}
            id="find-organisation-query"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            aria-describedby={`find-organisation-query-hint${error ? ' find-organisation-query-error' : ''}`}
          />
        </div>
        <button className="nhsuk-button" type="submit">
          Search
        </button>
      </form>
      {searched !== '' && <OrganisationResults query={searched} />}
    </>
  );
}

function OrganisationResults({ query }: { query: string }) {
  const found = useServiceQuery('findOrganisations', { query: { query } });
  if (found.isPending) return <p role="status">Searching…</p>;
  if (found.isError) return <ErrorSummary errors={[{ text: found.error.message }]} />;
  const results = found.data.results;
  return (
    <section aria-labelledby="find-organisation-results-heading">
      <h2 className="nhsuk-heading-m" id="find-organisation-results-heading">
        {results.length === 0 ? 'No organisations found' : `${plural(results.length, 'organisation')} found`}
      </h2>
      {results.length > 0 && (
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Organisations matching your search</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">
                Organisation
              </th>
              <th className="nhsuk-table__header" scope="col">
                ODS code
              </th>
              <th className="nhsuk-table__header" scope="col">
                Type
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {results.map((org) => (
              <tr className="nhsuk-table__row" key={org.code}>
                <td className="nhsuk-table__cell">
                  <a href={hrefOf(CIM_PATHS.organisation(org.code))}>{org.name}</a>
                </td>
                <td className="nhsuk-table__cell">{org.code}</td>
                <td className="nhsuk-table__cell">{describeKind(org.kind)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
