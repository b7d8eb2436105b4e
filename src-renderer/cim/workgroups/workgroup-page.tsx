import { useParams } from 'react-router';
import type { WorkgroupAssignment, WorkgroupDetail, WorkgroupEvent } from '../../../src-shared/api/cim-workgroups.js';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { formatDate, formatTime, plural } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { describePeriod, SuccessBanner } from './workgroup-ui.js';

// One workgroup: its details, its current members (with Edit dates and Remove), Assign to a user,
// Close, and its history from the audit log.

export const useWorkgroupId = (): number => Number(useParams()['id']);

export function WorkgroupPage() {
  const id = useWorkgroupId();
  const query = useServiceQuery('workgroup', { params: { id } });
  const heading = query.data?.workgroup.name ?? 'Workgroup';
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(`${CIM_PATHS.workgroups}${query.data ? `?organisation=${encodeURIComponent(query.data.workgroup.organisation.code)}` : ''}`)}>
        Back
      </a>
      <SuccessBanner />
      <PageHeading caption="Workgroup" title={heading}>
        {heading}
      </PageHeading>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading the workgroup…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {query.data && <WorkgroupDetails detail={query.data} />}
    </>
  );
}

function WorkgroupDetails({ detail }: { detail: WorkgroupDetail }) {
  const { workgroup, members, history } = detail;
  const open = workgroup.status === 'open';
  return (
    <>
      <SummaryList
        rows={[
          { key: 'Organisation', value: `${workgroup.organisation.name} (${workgroup.organisation.code})` },
          { key: 'Description', value: workgroup.description },
          { key: 'Status', value: open ? 'Open' : `Closed on ${formatDate(workgroup.closedAt ?? '')}` },
          { key: 'Created', value: formatDate(workgroup.createdAt) },
        ]}
      />
      {open && (
        <div className="nhsuk-button-group">
          <a className="nhsuk-button" href={hrefOf(CIM_PATHS.assignWorkgroup(workgroup.id))} role="button" draggable="false">
            Assign to a user
          </a>
          <a className="nhsuk-button nhsuk-button--secondary" href={hrefOf(CIM_PATHS.closeWorkgroup(workgroup.id))} role="button" draggable="false">
            Close workgroup
          </a>
        </div>
      )}
      <h2 className="nhsuk-heading-m">Members</h2>
      <MembersTable workgroupId={workgroup.id} members={members} editable={open} />
      <h2 className="nhsuk-heading-m">History</h2>
      <HistoryTable history={history} />
    </>
  );
}

function MembersTable({ workgroupId, members, editable }: { workgroupId: number; members: readonly WorkgroupAssignment[]; editable: boolean }) {
  if (members.length === 0) return <p>Nobody is assigned this workgroup.</p>;
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{`${plural(members.length, 'member')} of the workgroup`}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Name
          </th>
          <th className="nhsuk-table__header" scope="col">
            Dates
          </th>
          {editable && (
            <th className="nhsuk-table__header" scope="col">
              <span className="nhsuk-u-visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {members.map((m) => (
          <tr className="nhsuk-table__row" key={m.id}>
            <td className="nhsuk-table__cell">
              <a href={hrefOf(CIM_PATHS.userWorkgroups(m.user.uuid))}>{m.user.name}</a>
            </td>
            <td className="nhsuk-table__cell">{describePeriod(m.startDate, m.endDate)}</td>
            {editable && (
              <td className="nhsuk-table__cell">
                <a href={hrefOf(CIM_PATHS.workgroupAssignmentDates(workgroupId, m.id))}>
                  Edit dates<span className="nhsuk-u-visually-hidden"> for {m.user.name}</span>
                </a>{' '}
                <a href={hrefOf(CIM_PATHS.removeWorkgroupAssignment(workgroupId, m.id))}>
                  Remove<span className="nhsuk-u-visually-hidden"> {m.user.name}</span>
                </a>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What happened, in words: "Assigned to Wendy Member from 15 June 2025". */
function describeEvent(event: WorkgroupEvent): string {
  const who = event.user?.name ?? 'a user';
  const period = event.startDate === null ? '' : ` ${describePeriod(event.startDate, event.endDate).replace(/^From/, 'from')}`;
  switch (event.kind) {
    case 'created':
      return 'Workgroup created';
    case 'assigned':
      return `Assigned to ${who}${period}`;
    case 'dates-edited':
      return `Dates for ${who} changed to${period}`;
    case 'removed':
      return `${who} removed`;
    case 'closed':
      return `Workgroup closed, ending ${plural(event.endedAssignments ?? 0, 'assignment')}`;
  }
}

function HistoryTable({ history }: { history: readonly WorkgroupEvent[] }) {
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">History of the workgroup, oldest first</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            When
          </th>
          <th className="nhsuk-table__header" scope="col">
            What happened
          </th>
          <th className="nhsuk-table__header" scope="col">
            By
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {history.map((event, i) => (
          <tr className="nhsuk-table__row" key={i}>
            <td className="nhsuk-table__cell">{`${formatDate(event.at)} at ${formatTime(event.at)}`}</td>
            <td className="nhsuk-table__cell">{describeEvent(event)}</td>
            <td className="nhsuk-table__cell">{event.by?.name ?? 'System'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
