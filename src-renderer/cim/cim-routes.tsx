import { useState } from 'react';
import { Navigate, Outlet, useOutletContext, type RouteObject } from 'react-router';
import { BATCH_ROUTES } from './batch/batch-routes.js';
import { ChangeContactPage } from './change-contact-page.js';
import { CimHome } from './cim-home.js';
import { CIM_PATHS, type ContactField } from './cim-paths.js';
import { FindUser, type SavedSearch } from './find-user.js';
import { EMPTY_FIND_USER_VALUES } from './find-user-request.js';
import { WORKGROUPS_ROUTES } from './workgroups/workgroups-routes.js';
import { USERS_ROUTES } from './users/users-routes.js';
import { PROFILE_ROUTES } from './profile/profile-routes.js';
import { REQUESTS_ROUTES } from './requests/requests-routes.js';
import { POSITIONS_ROUTES } from './positions/positions-routes.js';
import { REPORTS_ROUTES } from './reports/reports-routes.js';
import { SMARTCARDS_ROUTES } from './smartcards/smartcards-routes.js';
import { AUTHENTICATORS_ROUTES } from './authenticators/authenticators-routes.js';
import { APPLICATIONS_ROUTES } from './applications/applications-routes.js';
import { APPLY_ROUTES } from '../apply/apply-routes.js';

// Every CIM page and its address. A page reads its parameters from the address, so Back, reload
// and a deep link land on the same page with the same data.

interface CimLayoutContext {
  /** The last user search, so Back from a profile returns to its results. */
  readonly search: SavedSearch;
  readonly setSearch: (search: SavedSearch) => void;
}

function CimLayout() {
  const [search, setSearch] = useState<SavedSearch>({ values: EMPTY_FIND_USER_VALUES, response: null });
  return <Outlet context={{ search, setSearch } satisfies CimLayoutContext} />;
}

function FindUserPage() {
  const { search, setSearch } = useOutletContext<CimLayoutContext>();
  return <FindUser saved={search} onSaved={setSearch} />;
}

function ChangeMyContactPage({ field }: { field: ContactField }) {
  return <ChangeContactPage key={field} field={field} />;
}

export const CIM_ROUTES: RouteObject[] = [
  {
    path: CIM_PATHS.home,
    element: <CimLayout />,
    children: [
      { index: true, element: <CimHome /> },
      { path: CIM_PATHS.findUser, element: <FindUserPage /> },
      { path: CIM_PATHS.changeMyContact('email'), element: <ChangeMyContactPage field="email" /> },
      { path: CIM_PATHS.changeMyContact('mobile'), element: <ChangeMyContactPage field="mobile" /> },
      ...WORKGROUPS_ROUTES,
      ...USERS_ROUTES,
      ...PROFILE_ROUTES,
      ...BATCH_ROUTES,
      ...REQUESTS_ROUTES,
      ...POSITIONS_ROUTES,
      ...REPORTS_ROUTES,
      ...SMARTCARDS_ROUTES,
      ...AUTHENTICATORS_ROUTES,
      ...APPLICATIONS_ROUTES,
    ],
  },
  ...APPLY_ROUTES,
  // Any other address (the first start, an old link) opens the CIM home page.
  { path: '*', element: <Navigate to={CIM_PATHS.home} replace /> },
];
