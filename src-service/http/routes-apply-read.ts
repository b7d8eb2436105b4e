import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { viewApplication } from '../apply/application-view.js';
import { applicationDashboard } from '../apply/dashboard.js';
import { searchApplications } from '../apply/search.js';
import { route, type AnyRoute } from './route.js';

// Apply for Care ID, what sponsors and RA staff read: the dashboard's tabs and counts, search,
// and one application's steps. Scope is applied inside the apply/ modules (apply/tabs.ts).

export function applyReadRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.applyDashboard, ({ ctx, session, query }) => applicationDashboard(ctx, session, query)),
    route(SERVICE_ENDPOINTS.applySearch, ({ ctx, session, query }) => searchApplications(ctx, session, query)),
    route(SERVICE_ENDPOINTS.applyApplication, ({ ctx, session, params }) => viewApplication(ctx, session, params.reference)),
  ];
}
