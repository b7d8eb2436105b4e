import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { smartcardSignIn } from '../sign-in/smartcard-sign-in.js';
import { route, type AnyRoute } from './route.js';

// Sign-in for other apps: the agent's smartcard sign-in (the provider itself is mounted under /oidc).

export function oidcRoutes(): AnyRoute[] {
  return [route(SERVICE_ENDPOINTS.smartcardSignIn, ({ ctx, session, body }) => smartcardSignIn(ctx, session, body))];
}
