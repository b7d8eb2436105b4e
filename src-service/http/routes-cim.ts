import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { changeOwnContact, contactChangeChallenge } from '../cim/change-own-contact.js';
import { changeUserDetails } from '../cim/change-user-details.js';
import { grantPositionRequest, listPositionRequests, rejectPositionRequest, requestOwnPositions } from '../cim/position-requests.js';
import { viewProfile } from '../cim/view-profile.js';
import { route, type AnyRoute } from './route.js';

// The Care Identity Management core endpoints. Each handler authorises inside its cim/ module
// (activity and the target's organisation) and audits every change it makes.

/** The cim endpoints. */
export function cimRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.profile, ({ ctx, session, params }) => viewProfile(ctx, session, params.uuid)),
    route(SERVICE_ENDPOINTS.changeDetails, async ({ ctx, session, params, body, reply }) => {
      const outcome = await changeUserDetails(ctx, session, params.uuid, body);
      if (outcome.outcome === 'requested') reply.code(202);
      return outcome;
    }),
    route(SERVICE_ENDPOINTS.contactChallenge, ({ ctx, session, body }) => contactChangeChallenge(ctx, session, body)),
    route(SERVICE_ENDPOINTS.changeOwnContact, ({ ctx, session, body }) => changeOwnContact(ctx, session, body)),
    route(SERVICE_ENDPOINTS.requestPositions, ({ ctx, session, body }) => requestOwnPositions(ctx, session, body)),
    route(SERVICE_ENDPOINTS.positionRequests, ({ ctx, session, query }) => listPositionRequests(ctx, session, query)),
    route(SERVICE_ENDPOINTS.grantPositionRequest, ({ ctx, session, params }) => grantPositionRequest(ctx, session, params.id)),
    route(SERVICE_ENDPOINTS.rejectPositionRequest, ({ ctx, session, params, body }) => rejectPositionRequest(ctx, session, params.id, body.reason)),
  ];
}
