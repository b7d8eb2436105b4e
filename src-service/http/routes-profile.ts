import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { organisationDetail } from '../cim/organisation-detail.js';
import { userHistory } from '../cim/profile-history.js';
import { route, type AnyRoute } from './route.js';

// A user's history and one organisation of the directory. Each handler authorises inside its cim/ module.

export function profileRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.userHistory, ({ ctx, session, params }) => userHistory(ctx, session, params.uuid)),
    route(SERVICE_ENDPOINTS.organisation, ({ ctx, session, params }) => organisationDetail(ctx, session, params.code)),
  ];
}
