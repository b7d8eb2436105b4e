import type { ComponentType } from 'react';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useMayManageWorkgroups } from './workgroup-ui.js';

// The dashboard's "Manage workgroups" task, offered only to the roles that may manage them.

type TaskCardProps = { href: string; title: string; children: string };

export function WorkgroupsCard({ TaskCard }: { TaskCard: ComponentType<TaskCardProps> }) {
  if (!useMayManageWorkgroups()) return null;
  return (
    <li className="nhsuk-grid-column-one-half nhsuk-card-group__item">
      <TaskCard href={hrefOf(CIM_PATHS.workgroups)} title="Manage workgroups">
        Create workgroups, assign them to users, change their dates and close them.
      </TaskCard>
    </li>
  );
}
