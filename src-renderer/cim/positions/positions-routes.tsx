import { useParams, type RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { AddPositionsPage } from './add-positions-page.js';
import { ManageAssignmentsPage } from './manage-assignments-page.js';
import { ManagePositionsPage } from './manage-positions-page.js';
import { PositionRequestsPage } from './position-requests-page.js';

// The access position pages and their addresses.

function AddPositionsForUser() {
  const uuid = (useParams()['uuid'] ?? '').toLowerCase();
  return <AddPositionsPage key={uuid} uuid={uuid} />;
}

function AssignmentsOfUser() {
  const uuid = (useParams()['uuid'] ?? '').toLowerCase();
  return <ManageAssignmentsPage key={uuid} uuid={uuid} />;
}

export const POSITIONS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.addMyPositions, element: <AddPositionsPage key="mine" uuid={null} /> },
  { path: CIM_PATHS.addPositions(':uuid'), element: <AddPositionsForUser /> },
  { path: CIM_PATHS.manageAssignments(':uuid'), element: <AssignmentsOfUser /> },
  { path: CIM_PATHS.positionRequests, element: <PositionRequestsPage /> },
  { path: CIM_PATHS.managePositions, element: <ManagePositionsPage /> },
];
