import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { tallyRefusal } from '../audit/refusal-tally.js';
import type { ServiceContext } from '../service-context.js';
import { databaseRateLimitStore } from './rate-limit-store.js';

// Limits on the endpoints that need no session (login, self-service unlock, renewal recovery):
// anyone can call them, so without a limit anyone could loop them. Two counts per request, in
// the database so every instance shares them (rate-limit-store.ts): one per client address,
// then one for all clients together. A client over its own limit is refused before it counts
// against everyone's. A refusal is 429 with Retry-After and the service's error body, and is
// counted in the audit log's summaries, not given an entry each.

const clientMessage = (seconds: number): string =>
  `Too many requests have come from this workstation to the identity service. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
const everyoneMessage = (seconds: number): string =>
  `The identity service is answering too many sign-in requests just now. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;

/** Registers the limiter plugin; `requestLimitHook` gives the hook for each endpoint without a session. */
export function registerRequestLimits(app: FastifyInstance, ctx: ServiceContext): void {
  void app.register(rateLimit, { global: false, store: databaseRateLimitStore(ctx.db, () => ctx.now().getTime()) });
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * The onRequest hook limiting the endpoints without a session. The limiters are made at the
 * first request: the plugin's decorators exist only once it has loaded, after the routes are declared.
 */
export function requestLimitHook(app: FastifyInstance, ctx: ServiceContext): onRequestAsyncHookHandler {
  const timeWindow = ctx.config.rateLimitWindowSeconds * 1000;
  let limiters: { perClient: Limiter; everyone: Limiter } | undefined;
  const made = (): { perClient: Limiter; everyone: Limiter } =>
    (limiters ??= {
      perClient: app.createRateLimit({ max: ctx.config.rateLimitPerClient, timeWindow, keyGenerator: (req) => `client ${normalizeIP(req.ip)}` }),
      everyone: app.createRateLimit({ max: ctx.config.rateLimitGlobal, timeWindow, keyGenerator: () => 'all clients' }),
    });

  const refuse = async (reply: FastifyReply, kind: 'client' | 'all', seconds: number): Promise<FastifyReply> => {
    await tallyRefusal(ctx.db, `rate-limited:${kind}`, ctx.now());
    const retryAfter = Math.max(1, seconds);
    return reply
      .code(429)
      .header('retry-after', String(retryAfter))
      .send({ code: 'rate-limited', message: kind === 'client' ? clientMessage(retryAfter) : everyoneMessage(retryAfter) });
  };

  // Returning the reply after sending it tells Fastify the request is answered.
  return async function limitRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const { perClient, everyone } = made();
    const own = await perClient(request);
    if (!own.isAllowed && own.isExceeded) return refuse(reply, 'client', own.ttlInSeconds);
    const all = await everyone(request);
    if (!all.isAllowed && all.isExceeded) return refuse(reply, 'all', all.ttlInSeconds);
    return undefined;
  };
}
