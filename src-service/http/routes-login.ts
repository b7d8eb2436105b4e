import {
  ChallengeRequest,
  ChallengeResponse,
  LogoutResponse,
  SessionInfo,
  SessionRequest,
  SessionResponse,
  VerifyRequest,
  VerifyResponse,
} from '../../src-shared/api/service-login.js';
import { issueChallenge } from '../auth/login-challenge.js';
import { logout, openLoginSession, sessionInfo } from '../auth/login-session.js';
import { verifyLogin } from '../auth/login-verify.js';
import { defineRoute, proofKeyFrom, type AnyRoute } from './route.js';

/** The login endpoints: challenge -> card signs -> verify -> pick a position -> session. */
export function loginRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/login/challenge',
      summary: 'Get a one-use sign-in challenge for this workstation (valid 60 s)',
      tag: 'login',
      auth: 'none',
      body: ChallengeRequest,
      response: ChallengeResponse,
      handler: ({ ctx, body }) => issueChallenge(ctx, body.workstationId),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/login/verify',
      summary: "Check the card's signed answer; returns a one-use login ticket and the holder's positions",
      tag: 'login',
      auth: 'none',
      body: VerifyRequest,
      response: VerifyResponse,
      handler: ({ ctx, body }) => verifyLogin(ctx, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/login/session',
      summary: 'Open a session for one of the positions, with the login ticket; bound to the workstation key the DPoP proof is made with',
      tag: 'login',
      auth: 'none',
      body: SessionRequest,
      response: SessionResponse,
      handler: async ({ ctx, body, request, reply }) => openLoginSession(ctx, body, await proofKeyFrom(ctx, request, reply)),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/session',
      summary: 'The current session: holder, card and position',
      tag: 'login',
      auth: 'session',
      response: SessionInfo,
      handler: ({ ctx, session }) => sessionInfo(ctx, session),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/logout',
      summary: 'End the current session',
      tag: 'login',
      auth: 'session',
      response: LogoutResponse,
      handler: ({ ctx, session }) => logout(ctx, session),
    }),
  ];
}
