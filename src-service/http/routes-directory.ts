import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { authorize } from '../auth/authorize.js';
import { findOrganisations } from '../cim/find-organisations.js';
import { findUsers } from '../cim/find-users.js';
import { utcDate } from '../cim/dates.js';
import { route, type AnyRoute } from './route.js';

/** The directory endpoints: finding users and organisations. */
export function directoryRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.findUsers, ({ body: query, session, ctx }) => {
      // Anyone signed in may search the national directory; "only my organisations" narrows it
      // to the session organisation's subtree.
      authorize(session, 'find-user');
      return findUsers(ctx.db, {
        name: query.name,
        niNumber: query.niNumber,
        cardUuid: query.cardUuid,
        withinOrgPath: query.onlyMyOrganisations ? session.orgPath : undefined,
        limit: query.limit,
        today: utcDate(ctx.now()),
      });
    }),
    route(SERVICE_ENDPOINTS.findOrganisations, async ({ query, session, ctx }) => {
      authorize(session, 'find-organisation');
      return { results: await findOrganisations(ctx.db, query.query) };
    }),
  ];
}
