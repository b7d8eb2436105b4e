import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { UserWorkgroups } from '../../../src-shared/api/cim-workgroups.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { useAssignmentDates } from './assignment-dates.js';
import { describePeriod, SuccessBanner, useProblems, withReturn, type Done, type Problem } from './workgroup-ui.js';

// A user's workgroups: their current assignments, with Edit dates and Remove for the workgroups
// in your organisation's subtree, and "Assign a workgroup".

const useUserUuid = (): string => (useParams()['uuid'] ?? '').toLowerCase();

export function UserWorkgroupsPage() {
  const uuid = useUserUuid();
  const query = useServiceQuery('userWorkgroups', { params: { uuid } });
  const heading = query.data ? `Workgroups of ${query.data.user.name}` : 'Workgroups';
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.userProfile(uuid))}>
        Back
      </a>
      <SuccessBanner />
      <PageHeading caption="User profile" title={heading}>
        {heading}
      </PageHeading>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading workgroups…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {query.data && (
        <>
          <a className="nhsuk-button" href={hrefOf(CIM_PATHS.assignUserWorkgroup(uuid))} role="button" draggable="false">
            Assign a workgroup
          </a>
          <AssignmentsTable data={query.data} />
        </>
      )}
    </>
  );
}

function AssignmentsTable({ data }: { data: UserWorkgroups }) {
  const here = CIM_PATHS.userWorkgroups(data.user.uuid);
  if (data.assignments.length === 0) return <p>{data.user.name} has no workgroups.</p>;
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{`Workgroups of ${data.user.name}`}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Workgroup
          </th>
          <th className="nhsuk-table__header" scope="col">
            Organisation
          </th>
          <th className="nhsuk-table__header" scope="col">
            Dates
          </th>
          <th className="nhsuk-table__header" scope="col">
            <span className="nhsuk-u-visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {data.assignments.map((a) => (
          <tr className="nhsuk-table__row" key={a.id}>
            <td className="nhsuk-table__cell">{a.manageable ? <a href={hrefOf(CIM_PATHS.workgroup(a.workgroup.id))}>{a.workgroup.name}</a> : a.workgroup.name}</td>
            <td className="nhsuk-table__cell">{a.workgroup.organisation.name}</td>
            <td className="nhsuk-table__cell">{describePeriod(a.startDate, a.endDate)}</td>
            <td className="nhsuk-table__cell">
              {a.manageable && a.workgroup.status === 'open' ? (
                <>
                  <a href={hrefOf(withReturn(CIM_PATHS.workgroupAssignmentDates(a.workgroup.id, a.id), here))}>
                    Edit dates<span className="nhsuk-u-visually-hidden"> of {a.workgroup.name}</span>
                  </a>{' '}
                  <a href={hrefOf(withReturn(CIM_PATHS.removeWorkgroupAssignment(a.workgroup.id, a.id), here))}>
                    Remove<span className="nhsuk-u-visually-hidden"> {a.workgroup.name}</span>
                  </a>
                </>
              ) : (
                <span className="nhsuk-u-visually-hidden">No actions</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const CHOICE = 'user-workgroup-choice';

/** "Assign a workgroup" from a user's page: an open workgroup of your organisation, and the dates. */
export function AssignUserWorkgroupPage() {
  const uuid = useUserUuid();
  const session = useCimSession();
  const navigate = useNavigate();
  const user = useServiceQuery('userWorkgroups', { params: { uuid } });
  const list = useServiceQuery('listWorkgroups', { query: { organisationCode: session.position.organisation.code } });
  const [chosen, setChosen] = useState<number | null>(null);
  const dates = useAssignmentDates({ startDate: null, endDate: null });
  const form = useProblems();
  const assign = useServiceMutation('assignWorkgroup');
  const back = CIM_PATHS.userWorkgroups(uuid);
  const name = user.data?.user.name ?? 'the user';

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (assign.isPending) return;
    const found: Problem[] = [];
    if (chosen === null) found.push({ field: `${CHOICE}-0`, message: 'Choose a workgroup' });
    const read = dates.read();
    if (!read.ok) found.push(...read.problems);
    if (found.length > 0 || chosen === null || !read.ok) return form.fail(found);
    form.clear();
    const workgroup = list.data?.workgroups.find((w) => w.id === chosen);
    assign.mutate(
      { params: { id: chosen }, body: { userUuid: uuid, startDate: read.startDate, endDate: read.endDate } },
      {
        onSuccess: (made) => void navigate(back, { state: { done: `${name} was assigned ${workgroup?.name ?? 'the workgroup'}: ${describePeriod(made.startDate, made.endDate)}` } satisfies Done }),
        onError: (error) => form.fail([{ field: null, message: error.message }]),
      },
    );
  };

  const choiceError = form.errorOf(`${CHOICE}-0`);
  const workgroups = list.data?.workgroups ?? [];
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(back)}>
        Back
      </a>
      <PageHeading caption={name}>Assign a workgroup</PageHeading>
      <ErrorSummary ref={form.summaryRef} errors={[...form.summary, ...(list.isError ? [{ text: list.error.message }] : [])]} />
      <div role="status" className="nhsuk-body">
        {list.isPending ? 'Loading workgroups…' : ''}
      </div>
      {list.data && workgroups.length === 0 && <p>{list.data.organisation.name} has no open workgroups.</p>}
      {workgroups.length > 0 && (
        <form noValidate onSubmit={submit}>
          <div className={`nhsuk-form-group${choiceError ? ' nhsuk-form-group--error' : ''}`}>
            <fieldset className="nhsuk-fieldset" aria-describedby={choiceError ? `${CHOICE}-error` : undefined}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{`Workgroup at ${list.data?.organisation.name ?? 'your organisation'}`}</legend>
              {choiceError && <ErrorMessage id={`${CHOICE}-error`}>{choiceError}</ErrorMessage>}
              <div className="nhsuk-radios">
                {workgroups.map((w, i) => (
                  <div className="nhsuk-radios__item" key={w.id}>
                    <input className="nhsuk-radios__input" id={`${CHOICE}-${i}`} name="workgroup" type="radio" value={w.id} checked={chosen === w.id} onChange={() => setChosen(w.id)} />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${CHOICE}-${i}`}>
                      {w.name}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
          {dates.fields(form.errorOf)}
          <div className="nhsuk-button-group">
            <button className="nhsuk-button" type="submit" disabled={assign.isPending}>
              Assign workgroup
            </button>
            <a className="nhsuk-link" href={hrefOf(back)}>
              Cancel
            </a>
          </div>
        </form>
      )}
    </>
  );
}
