import { useParams, type RouteObject } from 'react-router';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { FindOrganisationPage } from './find-organisation-page.js';
import { OrganisationPage } from './organisation-page.js';
import { ProfilePage } from './profile-page.js';
import { TAB_SLUGS, tabPath, type ProfileTab } from './profile-tabs.js';

// The profile pages (each tab its own address) and "Find an organisation".

function UserProfileRoute({ tab }: { tab: ProfileTab }) {
  const uuid = (useParams()['uuid'] ?? '').toLowerCase();
  return <ProfilePage key={uuid} source={{ kind: 'user', uuid }} tab={tab} backHref={hrefOf(CIM_PATHS.findUser)} />;
}

function OrganisationRoute() {
  const code = useParams()['code'] ?? '';
  return <OrganisationPage key={code} code={code} />;
}

const TABS: ProfileTab[] = ['details', ...(Object.keys(TAB_SLUGS) as (keyof typeof TAB_SLUGS)[])];

export const PROFILE_ROUTES: RouteObject[] = [
  ...TABS.map((tab) => ({ path: tabPath({ kind: 'mine' }, tab), element: <ProfilePage source={{ kind: 'mine' }} tab={tab} backHref={hrefOf(CIM_PATHS.home)} /> })),
  ...TABS.map((tab) => ({ path: tabPath({ kind: 'user', uuid: ':uuid' }, tab), element: <UserProfileRoute tab={tab} /> })),
  { path: CIM_PATHS.findOrganisation, element: <FindOrganisationPage /> },
  { path: CIM_PATHS.organisation(':code'), element: <OrganisationRoute /> },
];
