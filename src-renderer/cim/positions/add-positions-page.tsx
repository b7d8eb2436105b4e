import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { POSITION_TERM_DAYS } from '../../../src-shared/api/service-cim.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { formatDate, plural } from '../../format/dates.js';
import { describeRoles } from '../../format/roles.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { DateInput } from '../../components/date-input.js';
import { EMPTY_DATE, todayUtc, type DateParts } from '../../components/date-parts.js';
import { addDaysIso, readDate } from './date-parts.js';
import { SuccessBanner } from './success-banner.js';

// "Add access positions" (seed 003): tick positions of one of the user's organisations (a Filter
// box narrows the list as you type), review them, enter the start date (the end date is fixed),
// then Request positions. For yourself, or (sponsors and RA staff) for another user. The step is
// in the address (?step=review|date), so Back and the Change link work as links do.

type Step = 'choose' | 'review' | 'date';

const FILTER_ID = 'position-filter';
const POSITIONS_ID = 'positions';
const START_ID = 'start-date';

export function AddPositionsPage({ uuid }: { uuid: string | null }) {
  const [params, setParams] = useSearchParams();
  const step: Step = params.get('step') === 'review' ? 'review' : params.get('step') === 'date' ? 'date' : 'choose';
  const [organisation, setOrganisation] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<readonly number[]>([]);
  const [filter, setFilter] = useState('');
  const [start, setStart] = useState<DateParts>(EMPTY_DATE);
  const [problem, setProblem] = useState<{ field: string | null; message: string } | null>(null);
  const [failures, setFailures] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const query = { ...(organisation ? { organisation } : {}) };
  const mine = useServiceQuery('myRequestablePositions', { query }, { enabled: uuid === null });
  const theirs = useServiceQuery('requestablePositions', { params: { uuid: uuid ?? '' }, query }, { enabled: uuid !== null });
  const loaded = uuid === null ? mine : theirs;
  const requestMine = useServiceMutation('requestPositions');
  const requestTheirs = useServiceMutation('requestPositionsFor');
  const request = uuid === null ? requestMine : requestTheirs;

  const profileHref = hrefOf(uuid === null ? CIM_PATHS.myProfile : CIM_PATHS.userProfile(uuid));
  const selfHref = hrefOf(uuid === null ? CIM_PATHS.addMyPositions : CIM_PATHS.addPositions(uuid));
  const go = (next: Step): void => {
    setProblem(null);
    setParams(next === 'choose' ? {} : { step: next });
  };
  const fail = (field: string | null, message: string): void => {
    setProblem({ field, message });
    setFailures((n) => n + 1);
  };

  if (request.isSuccess) {
    return (
      <>
        <PageHeading caption={loaded.data?.user.name}>Add access positions</PageHeading>
        <SuccessBanner heading="Position requested successfully">
          <p>
            The request waits in the Position Request List until RA staff grant it. No email is sent: check the profile for the outcome.
          </p>
        </SuccessBanner>
        <p>
          <a href={profileHref}>Back to the profile</a>
        </p>
      </>
    );
  }

  const data = loaded.data;
  const positions = data?.positions ?? [];
  const chosen = positions.filter((p) => selected.includes(p.id));
  const words = filter.trim().toLowerCase();
  const shown = positions.filter((p) => !words || `${p.title} ${p.jobRole}`.toLowerCase().includes(words));
  const errorOf = (field: string): string | null => (problem?.field === field ? problem.message : null);
  const heading = 'Add access positions';

  const back = step === 'choose' ? profileHref : step === 'review' ? selfHref : `${selfHref}?step=review`;
  return (
    <>
      <a className="nhsuk-back-link" href={back}>
        Back
      </a>
      <PageHeading key={step} caption={data?.user.name ?? 'Add access positions'} title={step === 'choose' ? heading : step === 'review' ? 'Check the positions' : 'Start date'}>
        {step === 'choose' ? heading : step === 'review' ? 'Check the positions you selected' : 'When should access begin?'}
      </PageHeading>
      <ErrorSummary ref={summaryRef} errors={problem ? [{ text: problem.message, ...(problem.field ? { href: `#${problem.field}` } : {}) }] : []} />
      <div role="status" className="nhsuk-body">
        {loaded.isPending ? 'Loading the positions…' : ''}
      </div>
      {loaded.isError && <ErrorSummary errors={[{ text: loaded.error.message }]} />}
      {data && step === 'choose' && (
        <form
          noValidate
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (chosen.length === 0) fail(POSITIONS_ID, 'Select at least one position');
            else go('review');
          }}
        >
          {data.organisations.length > 1 && (
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="organisation">
                Organisation
              </label>
              <select
                className="nhsuk-select"
                id="organisation"
                value={data.organisation?.code ?? ''}
                onChange={(e) => {
                  setOrganisation(e.target.value);
                  setSelected([]);
                }}
              >
                {data.organisations.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.name} ({o.code})
                  </option>
                ))}
              </select>
            </div>
          )}
          {data.organisation === null ? (
            <p>There is no organisation you can request positions at for this user.</p>
          ) : (
            <>
              <div className="nhsuk-form-group">
                <label className="nhsuk-label" htmlFor={FILTER_ID}>
                  Filter
                </label>
                <div className="nhsuk-hint" id={`${FILTER_ID}-hint`}>
                  Type part of a position name or job role to narrow the list.
                </div>
                <input className="nhsuk-input nhsuk-input--width-20" id={FILTER_ID} type="search" value={filter} aria-describedby={`${FILTER_ID}-hint`} onChange={(e) => setFilter(e.target.value)} />
              </div>
              <LiveStatus className="nhsuk-body" message={`${plural(shown.length, 'position')} shown`} />
              <div className={`nhsuk-form-group${errorOf(POSITIONS_ID) ? ' nhsuk-form-group--error' : ''}`}>
                <fieldset className="nhsuk-fieldset" aria-describedby={errorOf(POSITIONS_ID) ? `${POSITIONS_ID}-error` : undefined}>
                  <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">{`Positions at ${data.organisation.name}`}</legend>
                  {errorOf(POSITIONS_ID) && <ErrorMessage id={`${POSITIONS_ID}-error`}>{errorOf(POSITIONS_ID) ?? ''}</ErrorMessage>}
                  <div className="nhsuk-checkboxes" id={POSITIONS_ID} tabIndex={-1}>
                    {shown.map((p) => (
                      <div className="nhsuk-checkboxes__item" key={p.id}>
                        <input
                          className="nhsuk-checkboxes__input"
                          id={`position-${p.id}`}
                          type="checkbox"
                          checked={selected.includes(p.id)}
                          onChange={(e) => setSelected((s) => (e.target.checked ? [...s, p.id] : s.filter((id) => id !== p.id)))}
                        />
                        <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`position-${p.id}`}>
                          {p.title}
                        </label>
                        <div className="nhsuk-hint nhsuk-checkboxes__hint">{`${p.jobRole}. ${describeRoles(p.roles)}`}</div>
                      </div>
                    ))}
                  </div>
                </fieldset>
              </div>
              <button className="nhsuk-button" type="submit">
                Continue
              </button>
            </>
          )}
        </form>
      )}
      {data && step === 'review' && (
        <>
          <SummaryList
            rows={chosen.map((p) => ({
              key: p.title,
              value: `${p.jobRole}, ${p.organisation.name}`,
              change: { href: selfHref, what: p.title },
            }))}
          />
          {chosen.length === 0 && <p>No positions are selected.</p>}
          <button className="nhsuk-button" type="button" disabled={chosen.length === 0} onClick={() => go('date')}>
            Continue
          </button>
        </>
      )}
      {data && step === 'date' && (
        <form
          noValidate
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (request.isPending) return;
            if (chosen.length === 0) return fail(null, 'Select at least one position');
            const read = readDate(start, 'Start date', todayUtc());
            if ('problem' in read) return fail(START_ID, read.problem);
            setProblem(null);
            const body = { positionIds: chosen.map((p) => p.id), startDate: read.date };
            const done = { onError: (error: Error) => fail(null, error.message) };
            if (uuid === null) requestMine.mutate({ body }, done);
            else requestTheirs.mutate({ params: { uuid }, body }, done);
          }}
        >
          <DateInput id={START_ID} legend="Start date" hint="For example, 15 3 2026" value={start} error={errorOf(START_ID)} onChange={setStart} />
          <EndDate start={start} />
          <LiveStatus className="nhsuk-body" message={request.isPending ? 'Requesting the positions…' : ''} />
          <button className="nhsuk-button" type="submit" disabled={request.isPending}>
            Request positions
          </button>
        </form>
      )}
    </>
  );
}

/** The fixed end date, shown as the start date is typed; it cannot be changed. */
function EndDate({ start }: { start: DateParts }) {
  const read = readDate(start, 'Start date', '0000-01-01');
  return (
    <>
      <p>The end date is fixed and cannot be changed.</p>
      <SummaryList
      rows={[
        {
          key: 'End date',
          value: 'date' in read ? formatDate(addDaysIso(read.date, POSITION_TERM_DAYS)) : `${POSITION_TERM_DAYS} days after the start date`,
        },
      ]}
    />
    </>
  );
}
