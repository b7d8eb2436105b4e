import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { ServiceError } from '../service-error.js';
import { route, type AnyRoute } from './route.js';

// Apply for Care ID, what sponsors and RA staff read: the dashboard's tabs and counts, search,
// and one application's steps. Scope is applied inside the apply/ modules.

const notYet = (): never => {
  throw new ServiceError(503, 'unavailable', 'This part of Apply for Care ID is not available yet.');
};

export function applyReadRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.applyDashboard, notYet),
    route(SERVICE_ENDPOINTS.applySearch, notYet),
    route(SERVICE_ENDPOINTS.applyApplication, notYet),
  ];
}
