import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { listSessionSignIns } from '../oidc/sign-ins-list.js';
import { signOutOfApp } from '../oidc/sign-ins-sign-out.js';
import { route, type AnyRoute } from './route.js';

// "Signed in to" in the Identity Agent box: the session's own app sign-ins, and signing out of one.

export function signInsRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.currentSignIns, ({ ctx, session }) => listSessionSignIns(ctx, session)),
    route(SERVICE_ENDPOINTS.signOutOfApp, ({ ctx, session, params }) => signOutOfApp(ctx, session, params.signInId)),
  ];
}
