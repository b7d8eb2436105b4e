import { useParams, type RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { CardsToIssuePage } from './cards-to-issue-page.js';
import { CheckApplicationPage } from './check-application-page.js';
import { CheckApplicationsPage } from './check-applications-page.js';

// Apply for Care ID inside CIM: the ID checkers' and RA staff's applications to check, one
// application's ID check, and the RA's cards to issue.

function CheckApplicationRoute() {
  const reference = (useParams()['reference'] ?? '').toUpperCase();
  return <CheckApplicationPage key={reference} reference={reference} />;
}

export const APPLICATIONS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.checkApplications, element: <CheckApplicationsPage /> },
  { path: CIM_PATHS.checkApplication(':reference'), element: <CheckApplicationRoute /> },
  { path: CIM_PATHS.cardsToIssue, element: <CardsToIssuePage /> },
];
