import {
  ChangeDetailsBody,
  ChangeDetailsResponse,
  ChangeOwnContactBody,
  ContactChallenge,
  ContactChallengeBody,
  ContactDetails,
  PositionRequest,
  PositionRequestList,
  PositionRequestQuery,
  Profile,
  RejectBody,
  RequestIdParams,
  RequestPositionsBody,
  UserUuidParams,
} from '../../src-shared/api/service-cim.js';
import { changeOwnContact, contactChangeChallenge } from '../cim/change-own-contact.js';
import { changeUserDetails } from '../cim/change-user-details.js';
import { grantPositionRequest, listPositionRequests, rejectPositionRequest, requestOwnPositions } from '../cim/position-requests.js';
import { viewProfile } from '../cim/view-profile.js';
import { defineRoute, type AnyRoute } from './route.js';

// The Care Identity Management core endpoints. Each handler authorises inside its cim/ module
// (activity and the target's organisation) and audits every change it makes.

/** The cim endpoints. */
export function cimRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/users/:uuid',
      summary: "View a user's profile: details, assignments, cards and authenticators",
      tag: 'cim',
      auth: 'session',
      params: UserUuidParams,
      response: Profile,
      handler: ({ ctx, session, params }) => viewProfile(ctx, session, params.uuid),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/v1/users/:uuid/details',
      summary: "Change a user's personal or contact details (200 changed; 202 when a sponsor's change is stored as a request)",
      tag: 'cim',
      auth: 'session',
      params: UserUuidParams,
      body: ChangeDetailsBody,
      response: ChangeDetailsResponse,
      handler: ({ ctx, session, params, body, reply }) => {
        const outcome = changeUserDetails(ctx, session, params.uuid, body);
        if (outcome.outcome === 'requested') reply.code(202);
        return outcome;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/me/contact/challenge',
      summary: 'Check a new email or mobile number of your own and get the challenge your smartcard signs to approve the change',
      tag: 'cim',
      auth: 'session',
      body: ContactChallengeBody,
      response: ContactChallenge,
      handler: ({ ctx, session, body }) => contactChangeChallenge(ctx, session, body),
    }),
    defineRoute({
      method: 'PUT',
      url: '/v1/me/contact',
      summary: 'Change your own email or mobile number, approved by the signature of the smartcard you signed in with',
      tag: 'cim',
      auth: 'session',
      body: ChangeOwnContactBody,
      response: ContactDetails,
      handler: ({ ctx, session, body }) => changeOwnContact(ctx, session, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/me/position-requests',
      summary: 'Request access positions for yourself from a start date (the end date is fixed)',
      tag: 'cim',
      auth: 'session',
      status: 201,
      body: RequestPositionsBody,
      response: PositionRequestList,
      handler: ({ ctx, session, body }) => requestOwnPositions(ctx, session, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/position-requests',
      summary: 'The Position Request List for positions in your organisation and its child organisations',
      tag: 'cim',
      auth: 'session',
      query: PositionRequestQuery,
      response: PositionRequestList,
      handler: ({ ctx, session, query }) => listPositionRequests(ctx, session, query.status),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/position-requests/:id/grant',
      summary: 'Grant a pending position request: the user is assigned the position for the requested dates',
      tag: 'cim',
      auth: 'session',
      params: RequestIdParams,
      response: PositionRequest,
      handler: ({ ctx, session, params }) => grantPositionRequest(ctx, session, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/position-requests/:id/reject',
      summary: 'Reject a pending position request with a reason',
      tag: 'cim',
      auth: 'session',
      params: RequestIdParams,
      body: RejectBody,
      response: PositionRequest,
      handler: ({ ctx, session, params, body }) => rejectPositionRequest(ctx, session, params.id, body.reason),
    }),
  ];
}
