import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { Workgroup } from '../../../src-shared/api/cim-workgroups.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { WarningCallout } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { plural } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useWorkgroupId } from './workgroup-page.js';
import { useProblems, type Done } from './workgroup-ui.js';

// "Close workgroup": a warning with the number of current assignments that will end today, then
// Close. The count goes with the request: if it has changed since, the service refuses and the
// page shows the new count.

export function CloseWorkgroupPage() {
  const id = useWorkgroupId();
  const query = useServiceQuery('workgroup', { params: { id } });
  const back = hrefOf(CIM_PATHS.workgroup(id));
  return (
    <>
      <a className="nhsuk-back-link" href={back}>
        Back
      </a>
      <PageHeading caption={query.data?.workgroup.name ?? 'Workgroup'}>Close workgroup</PageHeading>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading the workgroup…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {query.data && (query.data.workgroup.status === 'closed' ? <p>This workgroup is already closed.</p> : <CloseForm workgroup={query.data.workgroup} back={back} />)}
    </>
  );
}

function CloseForm({ workgroup, back }: { workgroup: Workgroup; back: string }) {
  const navigate = useNavigate();
  const form = useProblems();
  const close = useServiceMutation('closeWorkgroup');
  const count = workgroup.liveAssignments;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (close.isPending) return;
    close.mutate(
      { params: { id: workgroup.id }, body: { endingAssignments: count } },
      {
        onSuccess: () => void navigate(CIM_PATHS.workgroup(workgroup.id), { state: { done: `${workgroup.name} was closed` } satisfies Done }),
        onError: (error) => form.fail([{ field: null, message: error.message }]),
      },
    );
  };

  return (
    <>
      <ErrorSummary ref={form.summaryRef} errors={form.summary} />
      <WarningCallout heading={count === 0 ? 'No current assignments' : `${plural(count, 'current assignment')} will end today`} headingLevel={2}>
        <p>
          {count === 0
            ? `Nobody is assigned ${workgroup.name}.`
            : `Closing ${workgroup.name} ends ${count === 1 ? 'its current assignment' : `all ${count} of its current assignments`} today. Assignments that have not started yet are removed.`}{' '}
          A closed workgroup cannot be assigned again. Its history is kept.
        </p>
      </WarningCallout>
      <form noValidate onSubmit={submit}>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--warning" type="submit" disabled={close.isPending}>
            Close workgroup
          </button>
          <a className="nhsuk-link" href={back}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
