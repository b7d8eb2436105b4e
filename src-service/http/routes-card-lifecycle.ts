import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { currentRevocationList } from '../ca/revocation-list.js';
import { cancelSmartcard } from '../cards/cancel-smartcard.js';
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
    route(SERVICE_ENDPOINTS.cancelSmartcard, ({ ctx, session, params, body }) => cancelSmartcard(ctx, session, params.cardUuid, body)),
    route(SERVICE_ENDPOINTS.certificateRevocationList, ({ ctx }) => currentRevocationList(ctx)),
  ];
}
