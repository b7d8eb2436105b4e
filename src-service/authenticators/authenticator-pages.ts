import type { FastifyInstance } from 'fastify';
import { registerPageAssets } from './page-assets.js';
import { registerRegistrationPage } from './registration-page.js';

/** The authenticator pages the service serves to a browser, and what they load. */
export function authenticatorPages(app: FastifyInstance): void {
  registerPageAssets(app, { ...registerRegistrationPage(app) });
}
