import type { FastifyInstance } from 'fastify';
import { ASSETS, registerPageAssets, SIMPLEWEBAUTHN_SCRIPT } from './page-assets.js';
import { REGISTRATION_PAGE, REGISTRATION_SCRIPT, registerRegistrationPage } from './registration-page.js';
import { WEBAUTHN_SIGN_IN_SCRIPT, WEBAUTHN_SIGN_IN_SOURCE } from './webauthn-method.js';

/** The authenticator pages the service serves to a browser, and what they load. */
export function authenticatorPages(app: FastifyInstance): void {
  registerPageAssets(app, { ...registerRegistrationPage(app), [WEBAUTHN_SIGN_IN_SCRIPT]: WEBAUTHN_SIGN_IN_SOURCE });
}

/** What authenticatorPages serves besides the endpoint table (browser pages are not API calls). */
export const AUTHENTICATOR_PAGE_ROUTES: readonly string[] = [
  `GET ${REGISTRATION_PAGE}`,
  `GET ${SIMPLEWEBAUTHN_SCRIPT}`,
  `GET ${ASSETS}/${REGISTRATION_SCRIPT}`,
  `GET ${ASSETS}/${WEBAUTHN_SIGN_IN_SCRIPT}`,
];
