import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ServiceContext } from '../service-context.js';
import { registerSignInPages } from '../sign-in/sign-in-routes.js';
import { OIDC_MOUNT } from './oidc-runtime.js';

// The provider under /oidc: Fastify routes the request (so the allowed-Host check and the request
// limits apply as to every endpoint without a session), then hands the raw request and response
// to the provider before Fastify reads the body (form posts to /oidc/token are the provider's to
// read) or shapes the answer: the provider's pages and JSON errors are its own, as the OpenID
// specifications want them. The sign-in page at /oidc/interaction/:uid is the service's own route.

const PROVIDER_METHODS = ['GET', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'] as const;

export function providerMount(app: FastifyInstance, ctx: ServiceContext, limited: onRequestAsyncHookHandler): void {
  const toProvider = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!ctx.oidc) return reply.status(503).send({ code: 'unavailable', message: 'Sign-in for other apps is starting. Try again in a moment.' });
    reply.hijack();
    ctx.oidc.handle(request.raw, reply.raw);
    return undefined;
  };
  for (const url of [OIDC_MOUNT, `${OIDC_MOUNT}/*`]) {
    app.route({ method: [...PROVIDER_METHODS], url, onRequest: [limited, toProvider], handler: async () => undefined });
  }
  registerSignInPages(app, ctx, limited);
}
