import type { RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim/cim-paths.js';
import { ApplyHomePage } from './apply-home-page.js';
import { ApplyLayout } from './apply-layout.js';
import { ApplySettingsEmailPage, ApplySettingsPage } from './apply-settings-pages.js';
import { ApplyLogInPage, ApplyNotFound, ApplyStartPage } from './apply-start-pages.js';
import { AddressChoicePage, AddressPage, ApplicationSubmittedPage, CheckAnswersPage, NotesPage, PersonalDetailsPage } from './new-application-pages.js';

// Apply for Care ID's pages, at their own address (/apply) beside CIM's: the sponsor's start,
// log in, dashboard, settings and new application. One layout holds the application being
// filled in across its steps.

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
      { path: '*', element: <ApplyNotFound /> },
    ],
  },
];
