import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../service-context.js';
import { requiredAalOf } from '../oidc/finish-sign-in.js';

// The provider's sign-in page, /oidc/interaction/:uid. A plain page naming the app and the level
// it needs, until the page offering the sign-in methods replaces this file.

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function signInPage(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { uid: string } }>('/oidc/interaction/:uid', async (request, reply) => {
    const { aal, clientName } = await requiredAalOf(ctx, request.params.uid);
    const level = aal === 3 ? 'a smartcard (very high assurance)' : 'any authenticator';
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><main><h1>Sign in to ${escape(clientName)}</h1><p>This app needs ${level}.</p></main></body></html>`);
  });
}
