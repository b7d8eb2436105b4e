import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { conflict } from '../service-error.js';
import { route, type AnyRoute } from './route.js';

// Issuing a smartcard (activity 'issue-smartcard') and the card proof every card operation makes
// with the service-held management key. Authorised and scoped inside src-service/cards/.

const notYet = (): never => {
  throw conflict('Issuing smartcards is not available on this service yet.');
};

/** The issue endpoints and the card operations' shared steps. */
export function cardIssueRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.issueSmartcard, notYet),
    route(SERVICE_ENDPOINTS.operationWitness, notYet),
    route(SERVICE_ENDPOINTS.operationAuthenticate, notYet),
    route(SERVICE_ENDPOINTS.issueCertificate, notYet),
    route(SERVICE_ENDPOINTS.personaliseSmartcard, notYet),
    route(SERVICE_ENDPOINTS.confirmIssue, notYet),
    route(SERVICE_ENDPOINTS.abandonOperation, notYet),
  ];
}
