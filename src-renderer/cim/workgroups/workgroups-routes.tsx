import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { EditAssignmentDatesPage, RemoveAssignmentPage } from './assignment-change-pages.js';
import { AssignWorkgroupPage } from './assign-workgroup-page.js';
import { CloseWorkgroupPage } from './close-workgroup-page.js';
import { CreateWorkgroupPage } from './create-workgroup-page.js';
import { AssignUserWorkgroupPage, UserWorkgroupsPage } from './user-workgroups-page.js';
import { WorkgroupListPage } from './workgroup-list-page.js';
import { WorkgroupPage } from './workgroup-page.js';
import { WorkgroupsOnly } from './workgroup-ui.js';

// The workgroup pages (RAM and RAA(A)): any other role reaching one by its address is told it
// is not allowed, before anything is asked of the service.

const only = (page: ReactNode): ReactNode => <WorkgroupsOnly>{page}</WorkgroupsOnly>;

export const WORKGROUPS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.workgroups, element: only(<WorkgroupListPage />) },
  { path: CIM_PATHS.createWorkgroup, element: only(<CreateWorkgroupPage />) },
  { path: CIM_PATHS.workgroup(':id'), element: only(<WorkgroupPage key="workgroup" />) },
  { path: CIM_PATHS.assignWorkgroup(':id'), element: only(<AssignWorkgroupPage />) },
  { path: CIM_PATHS.workgroupAssignmentDates(':id', ':assignmentId'), element: only(<EditAssignmentDatesPage />) },
  { path: CIM_PATHS.removeWorkgroupAssignment(':id', ':assignmentId'), element: only(<RemoveAssignmentPage />) },
  { path: CIM_PATHS.closeWorkgroup(':id'), element: only(<CloseWorkgroupPage />) },
  { path: CIM_PATHS.userWorkgroups(':uuid'), element: only(<UserWorkgroupsPage />) },
  { path: CIM_PATHS.assignUserWorkgroup(':uuid'), element: only(<AssignUserWorkgroupPage />) },
];
