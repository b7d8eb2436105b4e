import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { BodyOf, Endpoint, ParamsOf, QueryOf, ResponseOf } from '../../src-shared/api/endpoint.js';
import { dpopChallenge, ProofRefusal, provedKey } from '../auth/dpop-proof.js';
import { liveSession } from '../auth/session-auth.js';
import type { SessionContext } from '../auth/session-store.js';
import { DPOP_HEADER } from '../../src-shared/api/service-login.js';
import type { ServiceContext } from '../service-context.js';
import { ServiceError } from '../service-error.js';

// One way to declare a route: an endpoint from the shared table (src-shared/api/service-endpoints.ts:
// method, path, zod contracts, whether it needs a session) and a handler that only ever sees
// input validated by those contracts, typed from them. The same table produces the OpenAPI
// document and the agent's client, so neither can drift from what is enforced.

interface RouteInput<E extends Endpoint> {
  readonly body: BodyOf<E>;
  readonly query: QueryOf<E>;
  readonly params: ParamsOf<E>;
  /** The caller's session: only an endpoint that needs one has it. */
  readonly session: E['auth'] extends 'session' ? SessionContext : undefined;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly ctx: ServiceContext;
}

/** What a handler answers: the endpoint's JSON response, for a CSV endpoint the stream of its text, for a revocation list its DER. */
type Answer<E extends Endpoint> = E extends { produces: 'text/csv' } ? Readable : E extends { produces: 'application/pkix-crl' } ? Buffer : ResponseOf<E>;

export interface Route<E extends Endpoint = Endpoint> {
  readonly endpoint: E;
  readonly handler: (input: RouteInput<E>) => Answer<E> | Promise<Answer<E>>;
}

/** A route of any endpoint, as the app registers them: route() tied each handler to its own endpoint's schemas. */
export interface AnyRoute {
  readonly endpoint: Endpoint;
  readonly handler: (input: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A route for `endpoint`: its handler's input and answer are typed from the endpoint's schemas. */
export function route<E extends Endpoint>(endpoint: E, handler: Route<E>['handler']): Route<E> {
  return { endpoint, handler };
}

export function parseOrThrow<T>(schema: ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'params'): T {
  if (!schema) {
    if (where === 'body' && value !== undefined && value !== null && !(typeof value === 'object' && Object.keys(value).length === 0)) {
      throw new ServiceError(400, 'bad-request', 'This request takes no body.');
    }
    // Without a query schema every query parameter is unknown: refuse it like a strict schema
    // would, rather than let a typo or a probe pass silently.
    if (where === 'query' && value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
      const fields = Object.keys(value).map((name) => ({ path: `query.${name.slice(0, 100)}`, message: 'unknown query parameter' }));
      throw new ServiceError(400, 'bad-request', 'This request takes no query parameters.', fields);
    }
    return undefined as T;
  }
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  throw new ServiceError(400, 'bad-request', `The request ${where} is not valid.`, fields);
}

/** A refused proof of possession says so in WWW-Authenticate (RFC 9449 section 7.1), whatever answers it. */
async function challenged<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ServiceError && err.status === 401) reply.header('www-authenticate', err instanceof ProofRefusal ? err.challenge : dpopChallenge());
    throw err;
  }
}

const provedCall = (request: FastifyRequest) => ({
  method: request.method,
  path: request.url.split('?', 1)[0] as string,
  proof: request.headers[DPOP_HEADER],
});

/** The session of a call made with `Authorization: DPoP <token>` and a proof from the key it is bound to. */
export function sessionFrom(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply): Promise<SessionContext> {
  return challenged(reply, () => liveSession(ctx, { ...provedCall(request), authorization: request.headers.authorization }));
}

/** The workstation key a call without a session proves it holds: what the session it opens is bound to. */
export function proofKeyFrom(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply): Promise<string> {
  return challenged(reply, () => provedKey(ctx, provedCall(request)));
}
