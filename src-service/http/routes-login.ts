import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { issueChallenge } from '../auth/login-challenge.js';
import { logout, openLoginSession, sessionInfo } from '../auth/login-session.js';
import { verifyLogin } from '../auth/login-verify.js';
import { route, proofKeyFrom, type AnyRoute } from './route.js';

/** The login endpoints: challenge -> card signs -> verify -> pick a position -> session. */
export function loginRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.loginChallenge, ({ ctx, body }) => issueChallenge(ctx, body.workstationId)),
    route(SERVICE_ENDPOINTS.loginVerify, ({ ctx, body }) => verifyLogin(ctx, body)),
    route(SERVICE_ENDPOINTS.openSession, async ({ ctx, body, request, reply }) => openLoginSession(ctx, body, await proofKeyFrom(ctx, request, reply))),
    route(SERVICE_ENDPOINTS.session, ({ ctx, session }) => sessionInfo(ctx, session)),
    route(SERVICE_ENDPOINTS.logout, ({ ctx, session }) => logout(ctx, session)),
  ];
}
