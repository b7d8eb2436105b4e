import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS } from '../cim-paths.js';
import { ActionLinks } from './action-links.js';
import { DataTable } from './data-table.js';

// A profile's Workgroups tab: the workgroups the user is in today.

export function WorkgroupsTab({ profile }: { profile: ProfileView }) {
  return (
    <>
      <DataTable
        heading="Workgroups"
        empty="Not in any workgroup."
        columns={['Workgroup', 'Organisation', 'Start date', 'End date']}
        rows={profile.workgroups.map((w) => ({
          key: String(w.id),
          cells: [w.name, `${w.organisation.name} (${w.organisation.code})`, formatDate(w.startDate), w.endDate ? formatDate(w.endDate) : 'No end date'],
        }))}
      />
      <ActionLinks actions={profile.may.manageWorkgroups ? [{ href: CIM_PATHS.userWorkgroups(profile.uuid), text: 'Change workgroups' }] : []} />
    </>
  );
}
