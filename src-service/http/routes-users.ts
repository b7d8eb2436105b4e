import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { createUser } from '../cim/create-user.js';
import { changeProfileStatus, pendingProfileStatus } from '../cim/profile-status.js';
import { route, type AnyRoute } from './route.js';

// Managing user profiles: create, close and reopen. Each handler authorises inside its cim/
// module and audits every change it makes.

/** The user-profile endpoints. */
export function usersRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.createUser, ({ ctx, session, body }) => createUser(ctx, session, body)),
    route(SERVICE_ENDPOINTS.closeProfile, async ({ ctx, session, params, body, reply }) => {
      const outcome = await changeProfileStatus(ctx, session, params.uuid, 'close', body.reason);
      if (outcome.outcome === 'requested') reply.code(202);
      return outcome;
    }),
    route(SERVICE_ENDPOINTS.reopenProfile, async ({ ctx, session, params, body, reply }) => {
      const outcome = await changeProfileStatus(ctx, session, params.uuid, 'reopen', body.reason);
      if (outcome.outcome === 'requested') reply.code(202);
      return outcome;
    }),
    route(SERVICE_ENDPOINTS.profileStatusRequest, ({ ctx, session, params }) => pendingProfileStatus(ctx, session, params.uuid)),
  ];
}
