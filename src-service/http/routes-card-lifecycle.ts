import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { currentRevocationList } from '../ca/revocation-list.js';
import { cancelSmartcard } from '../cards/cancel-smartcard.js';
import { openClear, recordClear } from '../cards/clear-smartcard.js';
import { openRepair, recordRepair } from '../cards/repair-smartcard.js';
import { route, type AnyRoute } from './route.js';

// Repairing, clearing and cancelling a smartcard (activities 'repair-smartcard',
// 'clear-smartcard', 'cancel-smartcard'), and the CA's revocation list. Authorised and scoped
// inside src-service/cards/.

/** The repair, clear and cancel endpoints, and the revocation list. */
export function cardLifecycleRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.repairSmartcard, ({ ctx, session, params, body }) => openRepair(ctx, session, params.cardUuid, body)),
    route(SERVICE_ENDPOINTS.repaired, ({ ctx, session, params, body }) => recordRepair(ctx, session, params.operationId, body)),
    route(SERVICE_ENDPOINTS.clearSmartcard, ({ ctx, session, params, body }) => openClear(ctx, session, params.cardUuid, body)),
    route(SERVICE_ENDPOINTS.cleared, ({ ctx, session, params, body }) => recordClear(ctx, session, params.operationId, body)),
    route(SERVICE_ENDPOINTS.cancelSmartcard, ({ ctx, session, params, body }) => cancelSmartcard(ctx, session, params.cardUuid, body)),
    route(SERVICE_ENDPOINTS.certificateRevocationList, ({ ctx }) => currentRevocationList(ctx)),
  ];
}
