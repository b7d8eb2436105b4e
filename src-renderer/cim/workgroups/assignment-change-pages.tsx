import type { FormEvent, ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { WorkgroupAssignment, WorkgroupDetail } from '../../../src-shared/api/cim-workgroups.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useAssignmentDates } from './assignment-dates.js';
import { describePeriod, useProblems, useReturnPath, type Done } from './workgroup-ui.js';

// Changing one assignment of a workgroup: its dates, or removing it. Reached from the workgroup's
// members or from a user's workgroups, and back to where it was reached from.

interface Loaded {
  readonly detail: WorkgroupDetail;
  readonly assignment: WorkgroupAssignment;
}

/** The workgroup and the assignment the address names, or the page saying why there are none. */
function AssignmentPage({ title, children }: { title: string; children: (loaded: Loaded, back: string) => ReactNode }) {
  const params = useParams();
  const id = Number(params['id']);
  const assignmentId = Number(params['assignmentId']);
  const back = useReturnPath(CIM_PATHS.workgroup(id));
  const query = useServiceQuery('workgroup', { params: { id } });
  const assignment = query.data?.members.find((m) => m.id === assignmentId);
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(back)}>
        Back
      </a>
      <PageHeading caption={query.data?.workgroup.name ?? 'Workgroup'}>{title}</PageHeading>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading the assignment…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {query.data && !assignment && <p>This assignment has ended or been removed.</p>}
      {query.data && assignment && children({ detail: query.data, assignment }, back)}
    </>
  );
}

export function EditAssignmentDatesPage() {
  return <AssignmentPage title="Edit dates">{(loaded, back) => <EditDatesForm key={loaded.assignment.id} loaded={loaded} back={back} />}</AssignmentPage>;
}

function EditDatesForm({ loaded, back }: { loaded: Loaded; back: string }) {
  const { detail, assignment } = loaded;
  const navigate = useNavigate();
  const dates = useAssignmentDates(assignment);
  const form = useProblems();
  const edit = useServiceMutation('editWorkgroupAssignment');

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (edit.isPending) return;
    const read = dates.read();
    if (!read.ok) return form.fail(read.problems);
    form.clear();
    edit.mutate(
      { params: { id: detail.workgroup.id, assignmentId: assignment.id }, body: { startDate: read.startDate, endDate: read.endDate } },
      {
        onSuccess: (changed) =>
          void navigate(back, { state: { done: `Dates changed for ${changed.user.name} in ${detail.workgroup.name}: ${describePeriod(changed.startDate, changed.endDate)}` } satisfies Done }),
        onError: (error) => form.fail([{ field: null, message: error.message }]),
      },
    );
  };

  return (
    <>
      <ErrorSummary ref={form.summaryRef} errors={form.summary} />
      <p>
        {assignment.user.name}: {describePeriod(assignment.startDate, assignment.endDate)}
      </p>
      <form noValidate onSubmit={submit}>
        {dates.fields(form.errorOf)}
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={edit.isPending}>
            Save dates
          </button>
          <a className="nhsuk-link" href={hrefOf(back)}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}

export function RemoveAssignmentPage() {
  return <AssignmentPage title="Remove from workgroup">{(loaded, back) => <RemoveForm loaded={loaded} back={back} />}</AssignmentPage>;
}

function RemoveForm({ loaded, back }: { loaded: Loaded; back: string }) {
  const { detail, assignment } = loaded;
  const navigate = useNavigate();
  const form = useProblems();
  const remove = useServiceMutation('removeWorkgroupAssignment');

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (remove.isPending) return;
    remove.mutate(
      { params: { id: detail.workgroup.id, assignmentId: assignment.id } },
      {
        onSuccess: () => void navigate(back, { state: { done: `${assignment.user.name} was removed from ${detail.workgroup.name}` } satisfies Done }),
        onError: (error) => form.fail([{ field: null, message: error.message }]),
      },
    );
  };

  return (
    <>
      <ErrorSummary ref={form.summaryRef} errors={form.summary} />
      <p>
        Remove {assignment.user.name} from {detail.workgroup.name}? Their assignment ({describePeriod(assignment.startDate, assignment.endDate).toLowerCase()}) ends now. It stays in
        the workgroup&apos;s history.
      </p>
      <form noValidate onSubmit={submit}>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--warning" type="submit" disabled={remove.isPending}>
            Remove
          </button>
          <a className="nhsuk-link" href={hrefOf(back)}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
