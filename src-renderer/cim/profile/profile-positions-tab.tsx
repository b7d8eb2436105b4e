import type { AssignmentState, ProfileView } from '../../../src-shared/api/cim-profile.js';
import { formatDate } from '../../format/dates.js';
import { describeRoles } from '../../format/roles.js';
import { CIM_PATHS } from '../cim-paths.js';
import { ActionLinks, type Action } from './action-links.js';
import { DataTable } from './data-table.js';

// A profile's Positions tab: the positions held now and from a later date, for viewers with
// view-ended-assignments the expired and removed ones too (marked so), and what became of the
// user's position requests.

const STATE_TAG: Record<AssignmentState, { text: string; colour: string }> = {
  current: { text: 'Current', colour: 'green' },
  future: { text: 'Future', colour: 'blue' },
  expired: { text: 'Expired', colour: 'grey' },
  removed: { text: 'Removed', colour: 'red' },
};

const REQUEST_STATUS: Record<ProfileView['positionRequests'][number]['status'], string> = {
  pending: 'Waiting for a decision',
  granted: 'Granted',
  rejected: 'Rejected',
};

export function PositionsTab({ profile, own }: { profile: ProfileView; own: boolean }) {
  const { may } = profile;
  const actions: Action[] = [
    ...(may.addPositions ? [{ href: own ? CIM_PATHS.addMyPositions : CIM_PATHS.addPositions(profile.uuid), text: 'Add access positions' }] : []),
    ...(may.assignPositions || may.manageMultiple ? [{ href: CIM_PATHS.manageAssignments(profile.uuid), text: 'Manage assignments' }] : []),
  ];
  return (
    <>
      <DataTable
        heading={profile.access === 'directory' ? 'Current positions' : 'Positions'}
        empty="No positions assigned."
        columns={['Position', 'Organisation', 'Roles', 'Start date', 'End date', 'Status']}
        rows={profile.assignments.map((a) => ({
          key: String(a.id),
          cells: [
            a.position.title,
            `${a.position.organisation.name} (${a.position.organisation.code})`,
            describeRoles(a.position.roles),
            formatDate(a.startDate),
            a.endDate ? formatDate(a.endDate) : 'No end date',
            <strong className={`nhsuk-tag nhsuk-tag--${STATE_TAG[a.state].colour}`}>{STATE_TAG[a.state].text}</strong>,
          ],
        }))}
      />
      <ActionLinks actions={actions} />
      {profile.access === 'full' && (
        <DataTable
          heading="Position requests"
          empty="No position requests."
          columns={['Position', 'Organisation', 'Start date', 'Outcome', 'Reason']}
          rows={profile.positionRequests.map((r) => ({
            key: String(r.id),
            cells: [r.position.title, `${r.position.organisation.name} (${r.position.organisation.code})`, formatDate(r.startDate), REQUEST_STATUS[r.status], r.reason ?? ''],
          }))}
        />
      )}
    </>
  );
}
