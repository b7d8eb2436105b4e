import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { conflict } from '../service-error.js';
import { route, type AnyRoute } from './route.js';

// Repairing, clearing and cancelling a smartcard (activities 'repair-smartcard',
// 'clear-smartcard', 'cancel-smartcard'), and the CA's revocation list. Authorised and scoped
// inside src-service/cards/.

const notYet = (): never => {
  throw conflict('This smartcard task is not available on this service yet.');
};

/** The repair, clear and cancel endpoints, and the revocation list. */
export function cardLifecycleRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.repairSmartcard, notYet),
    route(SERVICE_ENDPOINTS.repaired, notYet),
    route(SERVICE_ENDPOINTS.clearSmartcard, notYet),
    route(SERVICE_ENDPOINTS.cleared, notYet),
    route(SERVICE_ENDPOINTS.cancelSmartcard, notYet),
    route(SERVICE_ENDPOINTS.certificateRevocationList, notYet),
  ];
}
