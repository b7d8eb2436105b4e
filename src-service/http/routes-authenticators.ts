import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { listAuthenticators } from '../authenticators/authenticator-list.js';
import { removeAuthenticator } from '../authenticators/authenticator-remove.js';
import { startEnrolment } from '../authenticators/enrolments.js';
import { webauthnRegistrationOptions, webauthnRegistrationVerify } from '../authenticators/webauthn-registration.js';
import { webauthnSignIn } from '../authenticators/webauthn-sign-in.js';
import { route, type AnyRoute } from './route.js';

// The authenticator endpoints. Role and scope are checked in src-service/authenticators/ (the
// registration page's calls carry the one-time link's token instead of a session).

export function authenticatorsRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.userAuthenticators, ({ ctx, session, params }) => listAuthenticators(ctx, session, params.uuid)),
    route(SERVICE_ENDPOINTS.startAuthenticatorEnrolment, ({ ctx, session, params, body }) => startEnrolment(ctx, session, params.uuid, body.kind)),
    route(SERVICE_ENDPOINTS.removeAuthenticator, ({ ctx, session, params }) => removeAuthenticator(ctx, session, params.uuid, params.authenticatorId)),
    route(SERVICE_ENDPOINTS.webauthnRegistrationOptions, ({ ctx, body }) => webauthnRegistrationOptions(ctx, body.token)),
    route(SERVICE_ENDPOINTS.webauthnRegistrationVerify, ({ ctx, body }) => webauthnRegistrationVerify(ctx, body.token, body.credential)),
    route(SERVICE_ENDPOINTS.webauthnSignIn, ({ ctx, body }) => webauthnSignIn(ctx, body)),
  ];
}
