import { useParams, type RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { ChangeUserDetailsPage } from './change-user-details-page.js';
import { CreateUserPage } from './create-user-page.js';
import { ProfileStatusPage } from './profile-status-page.js';

// The user-profile pages: create a new user, change a user's details, close and reopen a profile.

const useUuid = (): string => (useParams()['uuid'] ?? '').toLowerCase();

function ChangeDetailsRoute() {
  const uuid = useUuid();
  return <ChangeUserDetailsPage key={uuid} uuid={uuid} />;
}

function CloseRoute() {
  const uuid = useUuid();
  return <ProfileStatusPage key={`close-${uuid}`} uuid={uuid} action="close" />;
}

function ReopenRoute() {
  const uuid = useUuid();
  return <ProfileStatusPage key={`reopen-${uuid}`} uuid={uuid} action="reopen" />;
}

export const USERS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.createUser, element: <CreateUserPage /> },
  { path: CIM_PATHS.changeUserDetails(':uuid'), element: <ChangeDetailsRoute /> },
  { path: CIM_PATHS.closeProfile(':uuid'), element: <CloseRoute /> },
  { path: CIM_PATHS.reopenProfile(':uuid'), element: <ReopenRoute /> },
];
