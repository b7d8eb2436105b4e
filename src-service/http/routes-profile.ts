import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { confirmOwnEmail } from '../cim/change-own-contact.js';
import { organisationDetail } from '../cim/organisation-detail.js';
import { userHistory } from '../cim/profile-history.js';
import { route, type AnyRoute } from './route.js';

// A user's history, one organisation of the directory, and the code that confirms a new email address. Each handler authorises inside its cim/ module.

export function profileRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.userHistory, ({ ctx, session, params }) => userHistory(ctx, session, params.uuid)),
    route(SERVICE_ENDPOINTS.organisation, ({ ctx, session, params }) => organisationDetail(ctx, session, params.code)),
    route(SERVICE_ENDPOINTS.confirmContactEmail, ({ ctx, session, body }) => confirmOwnEmail(ctx, session, body.code)),
  ];
}
