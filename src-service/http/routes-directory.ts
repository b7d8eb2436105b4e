import { FindOrganisationsQuery, FindOrganisationsResponse, FindUsersBody, FindUsersResponse } from '../../src-shared/api/service-cim.js';
import { authorize } from '../auth/authorize.js';
import { findOrganisations } from '../cim/find-organisations.js';
import { findUsers } from '../cim/find-users.js';
import { utcDate } from '../cim/dates.js';
import { defineRoute, type AnyRoute } from './route.js';

/** The directory endpoints: finding users and organisations. */
export function directoryRoutes(): AnyRoute[] {
  return [
    defineRoute({
      // POST, not GET: the criteria (names, NI numbers) must not appear in a URL.
      method: 'POST',
      url: '/v1/users/search',
      summary: 'Find users by name, National Insurance number or smartcard UUID',
      tag: 'directory',
      auth: 'session',
      body: FindUsersBody,
      response: FindUsersResponse,
      handler: ({ body: query, session, ctx }) => {
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
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/organisations',
      summary: 'Find organisations by code or name',
      tag: 'directory',
      auth: 'session',
      query: FindOrganisationsQuery,
      response: FindOrganisationsResponse,
      handler: async ({ query, session, ctx }) => {
        authorize(session, 'find-organisation');
        return { results: await findOrganisations(ctx.db, query.query) };
      },
    }),
  ];
}
