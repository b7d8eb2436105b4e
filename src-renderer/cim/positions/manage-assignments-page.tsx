import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { Assignment } from '../../../src-shared/api/cim-positions.js';
import { grantFor } from '../../../src-shared/domain/roles.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { formatDate, formatTime } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { DateInput } from '../../components/date-input.js';
import { EMPTY_DATE, partsOf, todayUtc, type DateParts } from '../../components/date-parts.js';
import { readDate } from './date-parts.js';
import { SuccessBanner } from './success-banner.js';

// Manage a user's position assignments: assign a position directly (sponsors: assignable ones
// only), change an assignment's dates (?edit=ID), remove one, see the ended and removed ones,
// and (RAM, RAA(A)) remove several at once.

type AssignmentView = z.infer<typeof Assignment>;

const STATE: Record<AssignmentView['state'], string> = { current: 'Current', upcoming: 'Starts later', ended: 'Ended', removed: 'Removed' };

function useProblem() {
  const [problem, setProblem] = useState<{ field: string | null; message: string } | null>(null);
  const [failures, setFailures] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failures > 0) ref.current?.focus();
  }, [failures]);
  const fail = (field: string | null, message: string): void => {
    setProblem({ field, message });
    setFailures((n) => n + 1);
  };
  const errorOf = (field: string): string | null => (problem?.field === field ? problem.message : null);
  const summary = <ErrorSummary ref={ref} errors={problem ? [{ text: problem.message, ...(problem.field ? { href: `#${problem.field}` } : {}) }] : []} />;
  return { fail, errorOf, summary, clear: () => setProblem(null) };
}

export function ManageAssignmentsPage({ uuid }: { uuid: string }) {
  const session = useCimSession();
  const roles = session.position.roles;
  const canSeeEnded = grantFor(roles, 'view-ended-assignments') !== undefined;
  const canBatch = grantFor(roles, 'manage-multiple-assignments') !== undefined;
  const [params, setParams] = useSearchParams();
  const [showEnded, setShowEnded] = useState(false);
  const [selected, setSelected] = useState<readonly number[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const list = useServiceQuery('userAssignments', { params: { uuid }, query: { include: showEnded ? 'all' : 'active' } });
  const remove = useServiceMutation('removeAssignment');
  const batch = useServiceMutation('changeAssignments');
  const { fail, summary, clear } = useProblem();
  const editing = list.data?.assignments.find((a) => a.id === Number(params.get('edit')));
  const finish = (message: string): void => {
    setDone(message);
    setSelected([]);
    clear();
    setParams({});
  };
  if (editing) return <EditDates uuid={uuid} assignment={editing} onDone={finish} />;

  const open = (list.data?.assignments ?? []).filter((a) => a.state === 'current' || a.state === 'upcoming');
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.userProfile(uuid))}>
        Back
      </a>
      <PageHeading caption={list.data?.user.name ?? 'User profile'}>Manage positions</PageHeading>
      {done && <SuccessBanner heading={done} />}
      {summary}
      <div role="status" className="nhsuk-body">
        {list.isPending ? 'Loading the assignments…' : ''}
      </div>
      {list.isError && <ErrorSummary errors={[{ text: list.error.message }]} />}
      {canSeeEnded && (
        <div className="nhsuk-checkboxes nhsuk-checkboxes--small nhsuk-u-margin-bottom-4">
          <div className="nhsuk-checkboxes__item">
            <input className="nhsuk-checkboxes__input" id="show-ended" type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.target.checked)} />
            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="show-ended">
              Show expired and removed assignments
            </label>
          </div>
        </div>
      )}
      {list.data && list.data.assignments.length === 0 && <p>No positions assigned.</p>}
      {list.data && list.data.assignments.length > 0 && (
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption">Assignments</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              {[...(canBatch ? ['Select'] : []), 'Position', 'Dates', 'Status', 'Actions'].map((c) => (
                <th className="nhsuk-table__header" scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {list.data.assignments.map((a) => {
              const live = a.state === 'current' || a.state === 'upcoming';
              return (
                <tr className="nhsuk-table__row" key={a.id}>
                  {canBatch && (
                    <td className="nhsuk-table__cell">
                      {live && (
                        <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
                          <div className="nhsuk-checkboxes__item">
                            <input
                              className="nhsuk-checkboxes__input"
                              id={`select-${a.id}`}
                              type="checkbox"
                              checked={selected.includes(a.id)}
                              onChange={(e) => setSelected((s) => (e.target.checked ? [...s, a.id] : s.filter((id) => id !== a.id)))}
                            />
                            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`select-${a.id}`}>
                              <span className="nhsuk-u-visually-hidden">{`Select ${a.position.title}`}</span>
                            </label>
                          </div>
                        </div>
                      )}
                    </td>
                  )}
                  <td className="nhsuk-table__cell">
                    {a.position.title}
                    <br />
                    <span className="nhsuk-body-s">{`${a.position.organisation.name} (${a.position.organisation.code})`}</span>
                  </td>
                  <td className="nhsuk-table__cell">{`${formatDate(a.startDate)} to ${a.endDate ? formatDate(a.endDate) : 'no end date'}`}</td>
                  <td className="nhsuk-table__cell">{a.removedAt ? `Removed ${formatDate(a.removedAt)} ${formatTime(a.removedAt)}` : STATE[a.state]}</td>
                  <td className="nhsuk-table__cell">
                    {live && (
                      <>
                        <a href={`${hrefOf(CIM_PATHS.manageAssignments(uuid))}?edit=${a.id}`}>
                          Change dates<span className="nhsuk-u-visually-hidden">{` of ${a.position.title}`}</span>
                        </a>{' '}
                        <button
                          className="nhsuk-link"
                          type="button"
                          disabled={remove.isPending}
                          onClick={() =>
                            remove.mutate({ params: { uuid, id: a.id } }, { onSuccess: () => finish(`Assignment removed: ${a.position.title}`), onError: (error) => fail(null, error.message) })
                          }
                        >
                          Remove<span className="nhsuk-u-visually-hidden">{` ${a.position.title}`}</span>
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canBatch && open.length > 1 && (
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          disabled={selected.length === 0 || batch.isPending}
          onClick={() =>
            batch.mutate(
              { params: { uuid }, body: { changes: selected.map((id) => ({ id, action: 'remove' as const })) } },
              { onSuccess: () => finish(`${selected.length} assignments removed`), onError: (error) => fail(null, error.message) },
            )
          }
        >
          Remove the selected assignments
        </button>
      )}
      <AssignForm uuid={uuid} onDone={finish} />
      <p>
        <a href={hrefOf(CIM_PATHS.addPositions(uuid))}>Add access positions by request</a> for positions you cannot assign directly.
      </p>
    </>
  );
}

function AssignForm({ uuid, onDone }: { uuid: string; onDone: (message: string) => void }) {
  const [organisation, setOrganisation] = useState<string | undefined>(undefined);
  const options = useServiceQuery('requestablePositions', { params: { uuid }, query: organisation ? { organisation } : {} });
  const assign = useServiceMutation('assignPosition');
  const [positionId, setPositionId] = useState('');
  const [start, setStart] = useState<DateParts>(EMPTY_DATE);
  const { fail, errorOf, summary } = useProblem();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!positionId) return fail('assign-position', 'Select a position to assign');
    const read = readDate(start, 'Start date', todayUtc());
    if ('problem' in read) return fail('assign-start', read.problem);
    const title = options.data?.positions.find((p) => p.id === Number(positionId))?.title ?? 'position';
    assign.mutate(
      { params: { uuid }, body: { positionId: Number(positionId), startDate: read.date } },
      {
        onSuccess: () => {
          setPositionId('');
          setStart(EMPTY_DATE);
          onDone(`Position assigned: ${title}`);
        },
        onError: (error) => fail(null, error.message),
      },
    );
  };
  const data = options.data;
  return (
    <>
      <h2 className="nhsuk-heading-m">Assign a position</h2>
      {summary}
      {options.isError && <ErrorSummary errors={[{ text: options.error.message }]} />}
      {data && (
        <form noValidate onSubmit={submit}>
          {data.organisations.length > 1 && (
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="assign-organisation">
                Organisation
              </label>
              <select className="nhsuk-select" id="assign-organisation" value={data.organisation?.code ?? ''} onChange={(e) => setOrganisation(e.target.value)}>
                {data.organisations.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.name} ({o.code})
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className={`nhsuk-form-group${errorOf('assign-position') ? ' nhsuk-form-group--error' : ''}`}>
            <label className="nhsuk-label" htmlFor="assign-position">
              Position
            </label>
            {errorOf('assign-position') && <ErrorMessage id="assign-position-error">{errorOf('assign-position') ?? ''}</ErrorMessage>}
            <select className="nhsuk-select" id="assign-position" value={positionId} onChange={(e) => setPositionId(e.target.value)}>
              <option value="">Choose a position</option>
              {data.positions.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                  {p.assignable ? '' : ' (not assignable by sponsors)'}
                </option>
              ))}
            </select>
          </div>
          <DateInput id="assign-start" legend="Start date" hint="For example, 15 3 2026. The assignment runs for a year unless its end date is changed." value={start} error={errorOf('assign-start')} onChange={setStart} />
          <button className="nhsuk-button" type="submit" disabled={assign.isPending}>
            Assign position
          </button>
        </form>
      )}
    </>
  );
}


function EditDates({ uuid, assignment, onDone }: { uuid: string; assignment: AssignmentView; onDone: (message: string) => void }) {
  const [start, setStart] = useState<DateParts>(partsOf(assignment.startDate));
  const [end, setEnd] = useState<DateParts>(partsOf(assignment.endDate));
  const edit = useServiceMutation('editAssignment');
  const { fail, errorOf, summary } = useProblem();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    // A start already in the past may stay as it is; a new one must not be.
    const readStart = readDate(start, 'Start date', '0000-01-01');
    if ('problem' in readStart) return fail('edit-start', readStart.problem);
    if (readStart.date !== assignment.startDate && readStart.date < todayUtc()) return fail('edit-start', 'Start date must be today or in the future');
    const readEnd = readDate(end, 'End date', todayUtc());
    if ('problem' in readEnd) return fail('edit-end', readEnd.problem);
    if (readEnd.date < readStart.date) return fail('edit-end', 'End date must be on or after the start date');
    edit.mutate(
      { params: { uuid, id: assignment.id }, body: { startDate: readStart.date, endDate: readEnd.date } },
      { onSuccess: () => onDone(`Dates changed: ${assignment.position.title}`), onError: (error) => fail(null, error.message) },
    );
  };
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.manageAssignments(uuid))}>
        Back
      </a>
      <PageHeading caption={assignment.position.title}>Change the assignment dates</PageHeading>
      {summary}
      <form noValidate onSubmit={submit}>
        <DateInput id="edit-start" legend="Start date" hint="For example, 15 3 2026" value={start} error={errorOf('edit-start')} onChange={setStart} />
        <DateInput id="edit-end" legend="End date" hint="For example, 14 3 2027" value={end} error={errorOf('edit-end')} onChange={setEnd} />
        <button className="nhsuk-button" type="submit" disabled={edit.isPending}>
          Save dates
        </button>
      </form>
    </>
  );
}
