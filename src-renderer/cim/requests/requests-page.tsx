import { useSearchParams } from 'react-router';
import { RequestKind, RequestStatus, type WaitingRequest } from '../../../src-shared/api/cim-requests.js';
import type { RoleCode } from '../../../src-shared/domain/roles.js';
import { useServiceQuery } from '../../api/service-query.js';
import { InsetText } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { KIND_NAME, KIND_NAMES, KINDS, STATUS_NAMES, STATUSES, whenText } from './request-words.js';

// Requests: everything waiting for a decision in the session's organisations, with the count of
// each kind. The kind and status filters live in the address (?kind=esr&status=rejected), so
// Back and reload keep them.

/** Who may import an ESR file (the service checks it too). */
const RA_STAFF: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA'];

const filterHref = (kind: RequestKind | undefined, status: RequestStatus): string => {
  const params = new URLSearchParams({ ...(kind ? { kind } : {}), ...(status !== 'pending' ? { status } : {}) }).toString();
  return hrefOf(`${CIM_PATHS.requests}${params ? `?${params}` : ''}`);
};

export function RequestsPage() {
  const [params] = useSearchParams();
  const kind = RequestKind.safeParse(params.get('kind')).data;
  const status = RequestStatus.safeParse(params.get('status') ?? 'pending').data ?? 'pending';
  const session = useCimSession();
  const raStaff = session.position.roles.some((role) => RA_STAFF.includes(role));
  const query = useServiceQuery('requests', { query: { ...(kind ? { kind } : {}), status } });
  const total = query.data ? KINDS.reduce((sum, k) => sum + query.data.counts[k], 0) : 0;

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading>Requests</PageHeading>
      <p>Requests from users, sponsors and ESR that wait for a decision, for your organisation and its child organisations.</p>
      {raStaff && (
        <p>
          <a href={hrefOf(CIM_PATHS.importEsr)}>Import an ESR file</a>
        </p>
      )}

      <nav aria-label="Request status">
        <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-2">Status</h2>
        <ul className="nhsuk-list">
          {STATUSES.map((s) => (
            <li key={s}>
              <a href={filterHref(kind, s)} aria-current={s === status ? 'page' : undefined}>
                {s === status ? <strong>{STATUS_NAMES[s]}</strong> : STATUS_NAMES[s]}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading the requests…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {query.data && (
        <>
          <nav aria-label="Kind of request">
            <h2 className="nhsuk-heading-m">{`${STATUS_NAMES[status]} requests by kind`}</h2>
            <ul className="nhsuk-list">
              <li>
                <a href={filterHref(undefined, status)} aria-current={kind === undefined ? 'page' : undefined}>
                  All kinds
                </a>{' '}
                ({total})
              </li>
              {KINDS.map((k) => (
                <li key={k}>
                  <a href={filterHref(k, status)} aria-current={k === kind ? 'page' : undefined}>
                    {KIND_NAMES[k]}
                  </a>{' '}
                  ({query.data.counts[k]})
                </li>
              ))}
            </ul>
          </nav>
          <RequestTable requests={query.data.requests} caption={`${STATUS_NAMES[status]} ${kind ? KIND_NAMES[kind].toLowerCase() : 'requests'}`} />
          {query.data.truncated && <InsetText>Only the oldest requests of each kind are listed. Decide these to see the rest.</InsetText>}
        </>
      )}
    </>
  );
}

function RequestTable({ requests, caption }: { requests: readonly WaitingRequest[]; caption: string }) {
  if (requests.length === 0) return <p>{`There are no ${caption.toLowerCase()}.`}</p>;
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Requested
          </th>
          <th className="nhsuk-table__header" scope="col">
            Kind
          </th>
          <th className="nhsuk-table__header" scope="col">
            About
          </th>
          <th className="nhsuk-table__header" scope="col">
            What is asked
          </th>
          <th className="nhsuk-table__header" scope="col">
            <span className="nhsuk-u-visually-hidden">Action</span>
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {requests.map((r) => (
          <tr className="nhsuk-table__row" key={`${r.kind}-${r.id}`}>
            <td className="nhsuk-table__cell">{whenText(r.requestedAt)}</td>
            <td className="nhsuk-table__cell">{KIND_NAME[r.kind]}</td>
            <td className="nhsuk-table__cell">
              {r.subjectName}
              {r.organisation && <span className="nhsuk-body-s nhsuk-u-display-block nhsuk-u-margin-bottom-0">{r.organisation}</span>}
            </td>
            <td className="nhsuk-table__cell">{r.summary}</td>
            <td className="nhsuk-table__cell">
              <a href={hrefOf(CIM_PATHS.request(r.kind, r.id))}>
                View<span className="nhsuk-u-visually-hidden">{` ${KIND_NAME[r.kind]} about ${r.subjectName}`}</span>
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
