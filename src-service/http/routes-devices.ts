import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { createIpadEnrolment, ipadRegistrationChallenge, registerIpad } from '../devices/ipad-enrolment.js';
import { createIpadSignIn, ipadSignInChallenge, ipadSignInState, signInWithIpad } from '../devices/ipad-sign-in.js';
import { signInFinisher } from '../devices/sign-in-finisher.js';
import { confirmTotpEnrolment, createTotpEnrolment } from '../devices/totp-enrolment.js';
import { signInWithTotp } from '../devices/totp-sign-in.js';
import { route, type AnyRoute } from './route.js';

// The iPad app's and the authenticator app's endpoints: CIM's link (authorised inside, manage-ipad-authenticators), the
// device's calls (the one-time link is their credential) and the sign-in page's.

export function devicesRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.createIpadEnrolment, ({ ctx, session, params }) => createIpadEnrolment(ctx, session, params.uuid)),
    route(SERVICE_ENDPOINTS.ipadRegistrationChallenge, ({ ctx, body }) => ipadRegistrationChallenge(ctx, body.token)),
    route(SERVICE_ENDPOINTS.registerIpad, ({ ctx, body }) => registerIpad(ctx, body)),
    route(SERVICE_ENDPOINTS.createIpadSignIn, ({ ctx, params }) => createIpadSignIn(ctx, signInFinisher, params.uid)),
    route(SERVICE_ENDPOINTS.ipadSignInChallenge, ({ ctx, body }) => ipadSignInChallenge(ctx, body.token)),
    route(SERVICE_ENDPOINTS.signInWithIpad, ({ ctx, body }) => signInWithIpad(ctx, body)),
    route(SERVICE_ENDPOINTS.ipadSignInState, ({ ctx, params, body }) => ipadSignInState(ctx, signInFinisher, params.uid, body.pollToken)),
    route(SERVICE_ENDPOINTS.createTotpEnrolment, ({ ctx, session, params }) => createTotpEnrolment(ctx, session, params.uuid)),
    route(SERVICE_ENDPOINTS.confirmTotpEnrolment, ({ ctx, session, params, body }) => confirmTotpEnrolment(ctx, session, params.uuid, params.enrolmentId, body.code)),
    route(SERVICE_ENDPOINTS.signInWithTotp, ({ ctx, params, body }) => signInWithTotp(ctx, signInFinisher, params.uid, body)),
  ];
}
