import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { ServiceError } from '../service-error.js';
import { route, type AnyRoute } from './route.js';

// Apply for Care ID, the ID check and the RA's cards to issue: ID checkers and RA staff see the
// documents, approve (creating the profile) or reject; RA staff mark issued cards as posted.

const notYet = (): never => {
  throw new ServiceError(503, 'unavailable', 'This part of Apply for Care ID is not available yet.');
};

export function applyChecksRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.applyChecks, notYet),
    route(SERVICE_ENDPOINTS.applyCheck, notYet),
    route(SERVICE_ENDPOINTS.applyCheckDocument, notYet),
    route(SERVICE_ENDPOINTS.applyApprove, notYet),
    route(SERVICE_ENDPOINTS.applyReject, notYet),
    route(SERVICE_ENDPOINTS.applyCardsToIssue, notYet),
    route(SERVICE_ENDPOINTS.applyMarkPosted, notYet),
  ];
}
