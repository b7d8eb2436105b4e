import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { ServiceContext } from '../service-context.js';
import { openApiDocument } from './openapi.js';
import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { parseOrThrow, route, sessionFrom, type AnyRoute } from './route.js';
import { ServiceError } from '../service-error.js';
import { serviceRoutes } from './routes.js';
import { allowedHostCheck } from './allowed-hosts.js';
import { registerRequestLimits, requestLimitHook } from './request-limits.js';
import { engineOf, schemaVersion } from '../store/database.js';
import { providerMount } from '../oidc/oidc-mount.js';
import { authenticatorPages } from '../authenticators/authenticator-pages.js';
import { registerNhsnetPages } from '../devices/nhsnet-pages.js';
import { registerApplicantPages } from '../apply/applicant-routes.js';

// The HTTP face of the identity service. Every request is validated against the shared zod
// contracts; every failure becomes a JSON error body with the right status, never a 5xx for a
// client's mistake and never a stack trace.


function healthRoute(): AnyRoute {
  return route(SERVICE_ENDPOINTS.health, async ({ ctx }) => ({
    status: 'ok' as const,
    // A query, so a service that has lost its database does not answer "ok".
    schemaVersion: await schemaVersion(ctx.db),
    database: engineOf(ctx.db),
  }));
}

export function buildApp(ctx: ServiceContext): FastifyInstance {
  // routerOptions: the top-level maxParamLength is deprecated in Fastify 5 and warns on every start.
  const app = Fastify({
    // No request logging: bodies and headers carry names, NI numbers and credentials.
    logger: false,
    bodyLimit: ctx.config.bodyLimitBytes,
    routerOptions: { maxParamLength: 200 },
    // Behind a load balancer the client is the one X-Forwarded-For names, if the balancer is trusted.
    ...(ctx.config.trustedProxies.length > 0 ? { trustProxy: ctx.config.trustedProxies } : {}),
    // The router's own refusals (a URL that is not valid percent-encoding, a path parameter past
    // maxParamLength) bypass the error handler and would answer in Fastify's shape, echoing the
    // URL; answer them in the service's shape instead.
    frameworkErrors: (err, _request, reply) => {
      const [status, body] =
        err.code === 'FST_ERR_BAD_URL'
          ? [400, { code: 'bad-request', message: 'The request URL is not valid.' }]
          : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? [414, { code: 'bad-request', message: 'A part of the request URL is too long.' }]
            : [500, { code: 'internal', message: 'The identity service had a problem. Try again.' }];
      void (reply as FastifyReply).status(status).send(body);
    },
  });
  const routes: AnyRoute[] = [healthRoute(), ...serviceRoutes()];
  // An endpoint in the table without a route would be documented and called, yet answer 404.
  const unserved = Object.values(SERVICE_ENDPOINTS).filter((e) => !routes.some((r) => r.endpoint === e));
  if (unserved.length > 0) throw new Error(`No route serves ${unserved.map((e) => `${e.method} ${e.path}`).join(', ')}.`);
  app.addHook('onRequest', allowedHostCheck(ctx));
  // Every answer is dated by the service's own clock, the one DPoP proofs are judged by, so an
  // agent on a workstation whose clock has drifted can date its proofs by it.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('date', ctx.now().toUTCString());
    return payload;
  });
  registerRequestLimits(app, ctx);

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof ServiceError) {
      return reply.status(err.status).send({ code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}), ...(err.existing ? { existing: err.existing } : {}) });
    }
    const e = err as { code?: string; statusCode?: number };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ code: 'payload-too-large', message: 'The request body is too large.' });
    }
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, bad URL encoding.
      return reply.status(e.statusCode === 415 ? 415 : 400).send({ code: 'bad-request', message: 'The request could not be read as JSON.' });
    }
    return reply.status(500).send({ code: 'internal', message: 'The identity service had a problem. Try again.' });
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ code: 'not-found', message: 'No such endpoint.' }));

  // The health check is left out of the limits: load balancers poll it, and it writes nothing.
  const limited = requestLimitHook(app, ctx);
  for (const { endpoint, handler } of routes) {
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      ...(endpoint.auth === 'none' && endpoint !== SERVICE_ENDPOINTS.health ? { onRequest: limited } : {}),
      ...(endpoint.bodyLimit !== undefined ? { bodyLimit: endpoint.bodyLimit } : {}),
      handler: async (request, reply) => {
        const session = endpoint.auth === 'session' ? await sessionFrom(ctx, request, reply) : undefined;
        const params = parseOrThrow(endpoint.params, request.params, 'params');
        const query = parseOrThrow(endpoint.query, request.query, 'query');
        const body = parseOrThrow(endpoint.body, request.body, 'body');
        const result = await handler({ body, query, params, request, reply, ctx, session });
        // A handler whose success status depends on the outcome (a change made: 200; a change
        // requested: 202) sets it with reply.code(); otherwise the endpoint's declared status holds.
        const status = reply.statusCode !== 200 ? reply.statusCode : (endpoint.status ?? 200);
        // A stream goes out as it is produced; should reading fail part way, the connection is
        // cut rather than the answer ended, so a partial file is never taken for the whole.
        // A revocation list is binary (DER): its type has no charset.
        if (endpoint.produces === 'application/pkix-crl') return reply.status(status).type(endpoint.produces).send(result);
        if (endpoint.produces) return reply.status(status).type(`${endpoint.produces}; charset=utf-8`).send(result);
        return reply.status(status).send(endpoint.response.parse(result));
      },
    });
  }
  providerMount(app, ctx, limited);
  const doc = openApiDocument(Object.values(SERVICE_ENDPOINTS), { title: 'Care Identity Service', version: '1' });
  app.get('/openapi.json', async () => doc);
  authenticatorPages(app);
  registerNhsnetPages(app, ctx);
  registerApplicantPages(app, ctx, limited);
  return app;
}
