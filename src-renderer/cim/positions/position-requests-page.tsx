import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { PositionRequest } from '../../../src-shared/api/service-cim.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { formatDate, formatTime, plural } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { SuccessBanner } from './success-banner.js';

// The Position Request List: the requests waiting for positions in your organisation and its
// children, oldest first, a page at a time. Grant one, or reject it with a reason (?reject=ID).

type Request = import('zod').infer<typeof PositionRequest>;

const PAGE_SIZE = 25;
const REASON_ID = 'reject-reason';

export function PositionRequestsPage() {
  const [params, setParams] = useSearchParams();
  const rejecting = Number(params.get('reject') ?? '') || null;
  // The cursors of the pages before this one, so Previous goes back.
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const list = useServiceQuery('positionRequests', { query: { status: 'pending', limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } });
  const grant = useServiceMutation('grantPositionRequest');
  const reject = useServiceMutation('rejectPositionRequest');
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const target = list.data?.requests.find((r) => r.id === rejecting);
  if (rejecting !== null && target) {
    return (
      <RejectForm
        request={target}
        pending={reject.isPending}
        onReject={(reason, onError) =>
          reject.mutate(
            { params: { id: target.id }, body: { reason } },
            {
              onSuccess: () => {
                setDone(`Request rejected: ${target.position.title} for ${target.user.name}`);
                setParams({});
              },
              onError: (error) => onError(error.message),
            },
          )
        }
      />
    );
  }

  const data = list.data;
  const page = cursors.length;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading>Position request list</PageHeading>
      {done && <SuccessBanner heading={done} />}
      {failure && <ErrorSummary errors={[{ text: failure }]} />}
      <div role="status" className="nhsuk-body">
        {list.isPending ? 'Loading the requests…' : data ? `${plural(data.total, 'request')} waiting` : ''}
      </div>
      {list.isError && <ErrorSummary errors={[{ text: list.error.message }]} />}
      {data && data.requests.length === 0 && <p>There are no requests waiting.</p>}
      {data && data.requests.length > 0 && (
        <table className="nhsuk-table-responsive">
          <caption className="nhsuk-table__caption">{`Waiting requests, page ${page} of ${pages}`}</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              {['Position', 'User', 'Dates', 'Action'].map((c) => (
                <th className="nhsuk-table__header" scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {data.requests.map((r) => (
              <tr className="nhsuk-table__row" key={r.id}>
                <Cell head="Position">
                  {r.position.title}
                  <br />
                  <span className="nhsuk-body-s">{`${r.position.organisation.name} (${r.position.organisation.code})`}</span>
                </Cell>
                <Cell head="User">
                  <a href={hrefOf(CIM_PATHS.userProfile(r.user.uuid))}>{r.user.name}</a>
                  <br />
                  <span className="nhsuk-body-s">{`Requested by ${r.requestedBy.name}`}</span>
                </Cell>
                <Cell head="Dates">
                  {`${formatDate(r.startDate)} to ${formatDate(r.endDate)}`}
                  <br />
                  <span className="nhsuk-body-s">{`Requested ${formatDate(r.requestedAt)} at ${formatTime(r.requestedAt)}`}</span>
                </Cell>
                <Cell head="Action">
                  <div className="nhsuk-button-group nhsuk-button-group--small">
                    <button
                      className="nhsuk-button nhsuk-button--small"
                      type="button"
                      disabled={grant.isPending}
                      onClick={() =>
                        grant.mutate(
                          { params: { id: r.id } },
                          {
                            onSuccess: () => {
                              setFailure(null);
                              setDone(`Request granted: ${r.position.title} for ${r.user.name}`);
                            },
                            onError: (error) => setFailure(error.message),
                          },
                        )
                      }
                    >
                      Grant<span className="nhsuk-u-visually-hidden">{` ${r.position.title} for ${r.user.name}`}</span>
                    </button>
                    <a className="nhsuk-link" href={`${hrefOf(CIM_PATHS.positionRequests)}?reject=${r.id}`} onClick={() => setDone(null)}>
                      Reject<span className="nhsuk-u-visually-hidden">{` ${r.position.title} for ${r.user.name}`}</span>
                    </a>
                  </div>
                </Cell>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (page > 1 || data.nextCursor) && (
        <nav className="nhsuk-pagination" role="navigation" aria-label="Pages of requests">
          <ul className="nhsuk-list nhsuk-pagination__list">
            {page > 1 && (
              <li className="nhsuk-pagination-item--previous">
                <button className="nhsuk-link nhsuk-pagination__link nhsuk-pagination__link--prev" type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>
                  <span className="nhsuk-pagination__title">Previous</span>
                  <span className="nhsuk-u-visually-hidden">:</span>
                  <span className="nhsuk-pagination__page">{`Page ${page - 1} of ${pages}`}</span>
                </button>
              </li>
            )}
            {data.nextCursor && (
              <li className="nhsuk-pagination-item--next">
                <button className="nhsuk-link nhsuk-pagination__link nhsuk-pagination__link--next" type="button" onClick={() => setCursors((c) => [...c, data.nextCursor ?? undefined])}>
                  <span className="nhsuk-pagination__title">Next</span>
                  <span className="nhsuk-u-visually-hidden">:</span>
                  <span className="nhsuk-pagination__page">{`Page ${page + 1} of ${pages}`}</span>
                </button>
              </li>
            )}
          </ul>
        </nav>
      )}
    </>
  );
}

function Cell({ head, children }: { head: string; children: ReactNode }) {
  return (
    <td className="nhsuk-table__cell">
      <span className="nhsuk-table-responsive__heading" aria-hidden="true">
        {`${head} `}
      </span>
      {children}
    </td>
  );
}

function RejectForm({ request, pending, onReject }: { request: Request; pending: boolean; onReject: (reason: string, onError: (message: string) => void) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<{ field: boolean; message: string } | null>(null);
  const [failures, setFailures] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);
  const fail = (field: boolean, message: string): void => {
    setError({ field, message });
    setFailures((n) => n + 1);
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (pending) return;
    if (reason.trim() === '') return fail(true, 'Enter a reason for rejecting the request');
    if (reason.trim().length > 500) return fail(true, 'The reason must be 500 characters or fewer');
    onReject(reason.trim(), (message) => fail(false, message));
  };
  const fieldError = error?.field ? error.message : null;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.positionRequests)}>
        Back
      </a>
      <PageHeading caption="Position request list">Reject the request</PageHeading>
      <ErrorSummary ref={summaryRef} errors={error ? [{ text: error.message, ...(error.field ? { href: `#${REASON_ID}` } : {}) }] : []} />
      <SummaryList
        rows={[
          { key: 'User', value: request.user.name },
          { key: 'Position', value: `${request.position.title}, ${request.position.organisation.name}` },
          { key: 'Requested by', value: request.requestedBy.name },
          { key: 'Dates', value: `${formatDate(request.startDate)} to ${formatDate(request.endDate)}` },
        ]}
      />
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${fieldError ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label nhsuk-label--m" htmlFor={REASON_ID}>
            Reason for rejecting
          </label>
          <div className="nhsuk-hint" id={`${REASON_ID}-hint`}>
            The requester sees this reason with the request.
          </div>
          {fieldError && <ErrorMessage id={`${REASON_ID}-error`}>{fieldError}</ErrorMessage>}
          <textarea
            className={`nhsuk-textarea${fieldError ? ' nhsuk-textarea--error' : ''}`}
            id={REASON_ID}
            rows={4}
            value={reason}
            aria-describedby={`${REASON_ID}-hint${fieldError ? ` ${REASON_ID}-error` : ''}`}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--warning" type="submit" disabled={pending}>
            Reject request
          </button>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.positionRequests)}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
