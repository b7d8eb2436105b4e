import { useParams, type RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim/cim-paths.js';
import { ApplicationPage, CancelApplicationPage } from './application-page.js';
import { ApplyHomePage } from './apply-home-page.js';
import { ApplyLayout } from './apply-layout.js';
import { ApplySettingsEmailPage, ApplySettingsPage } from './apply-settings-pages.js';
import { ApplyLogInPage, ApplyNotFound, ApplyStartPage } from './apply-start-pages.js';
import { BulkInvitationsPage } from './bulk-invitations-page.js';
import { AddressChoicePage, AddressPage, ApplicationSubmittedPage, CheckAnswersPage, NotesPage, PersonalDetailsPage } from './new-application-pages.js';
import { SearchApplicationsPage } from './search-applications-page.js';

// Apply for Care ID's pages, at their own address (/apply) beside CIM's: the sponsor's start,
// log in, dashboard, settings, new application, search, one application and bulk invitations. One layout holds the application being
// filled in across its steps.

const useReference = (): string => (useParams()['reference'] ?? '').toUpperCase();

function ApplicationRoute() {
  const reference = useReference();
  return <ApplicationPage key={reference} reference={reference} />;
}

function CancelRoute() {
  const reference = useReference();
  return <CancelApplicationPage key={reference} reference={reference} />;
}

export const APPLY_ROUTES: RouteObject[] = [
  {
    path: CIM_PATHS.applyStart,
    element: <ApplyLayout />,
    children: [
      { index: true, element: <ApplyStartPage /> },
      { path: CIM_PATHS.applyLogIn, element: <ApplyLogInPage /> },
      { path: CIM_PATHS.applyHome, element: <ApplyHomePage /> },
      { path: CIM_PATHS.applySettings, element: <ApplySettingsPage /> },
      { path: CIM_PATHS.applySettingsEmail, element: <ApplySettingsEmailPage /> },
      { path: CIM_PATHS.applyNew, element: <PersonalDetailsPage /> },
      { path: CIM_PATHS.applyNewStep('address-choice'), element: <AddressChoicePage /> },
      { path: CIM_PATHS.applyNewStep('address'), element: <AddressPage /> },
      { path: CIM_PATHS.applyNewStep('notes'), element: <NotesPage /> },
      { path: CIM_PATHS.applyNewStep('check'), element: <CheckAnswersPage /> },
      { path: CIM_PATHS.applyNewStep('submitted'), element: <ApplicationSubmittedPage /> },
      { path: CIM_PATHS.applySearch, element: <SearchApplicationsPage /> },
      { path: CIM_PATHS.applyApplication(':reference'), element: <ApplicationRoute /> },
      { path: CIM_PATHS.applyCancelApplication(':reference'), element: <CancelRoute /> },
      { path: CIM_PATHS.applyBulk, element: <BulkInvitationsPage /> },
      { path: '*', element: <ApplyNotFound /> },
    ],
  },
];
