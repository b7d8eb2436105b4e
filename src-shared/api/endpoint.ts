import type { z, ZodType } from 'zod';

// What one endpoint of the identity service is, declared once (service-endpoints.ts) and read by
// the service's routes, its OpenAPI document and the agent's client, so the three cannot name a
// method, a path or a shape differently.

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Endpoint {
  readonly method: HttpMethod;
  /** The path, with `:name` for each member of `params`. */
  readonly path: string;
  readonly params?: ZodType;
  readonly query?: ZodType;
  readonly body?: ZodType;
  readonly response: ZodType;
  /** HTTP status of a success (200 unless said). */
  readonly status?: number;
  /** 'session': the call carries `Authorization: DPoP <token>` and a proof (service-login.ts). */
  readonly auth: 'none' | 'session';
  readonly summary: string;
  readonly tag: string;
  /**
   * The renderer may ask the agent to make this call for it (agent channel `service.call`): the
   * agent adds the session's token and proof, which never leave it. Only plain CIM calls carry
   * it; a call that needs the card (a passcode, a signature) has its own agent channel.
   */
  readonly viaAgent?: true;
  /** A larger request body than the service's configured limit, for an endpoint that takes a file. */
  readonly bodyLimit?: number;
  /**
   * What a success answers with when it is not JSON: 'text/csv' is streamed as the handler
   * produces it (a report export), never held whole; `response` then documents it (z.string()).
   */
  readonly produces?: 'text/csv' | 'application/pkix-crl';
}

/** Keeps each endpoint's own schema types (a table entry is not widened to `Endpoint`). */
export const endpoint = <const E extends Endpoint>(e: E): E => e;

/** What a part of a request is once validated (`undefined` for a part the endpoint has none of). */
type Parsed<S> = S extends ZodType ? z.output<S> : undefined;

export type ParamsOf<E extends Endpoint> = Parsed<E['params']>;
export type QueryOf<E extends Endpoint> = Parsed<E['query']>;
export type BodyOf<E extends Endpoint> = Parsed<E['body']>;
export type ResponseOf<E extends Endpoint> = z.output<E['response']>;

/** The names `:name` in a path, in order. */
export const pathParamNames = (path: string): string[] => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);

/** The path with each `:name` replaced by its value, percent-encoded (a value never adds a path segment). */
export function fillPath(path: string, params: Readonly<Record<string, unknown>> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_whole, name: string) => {
    const value = params[name];
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`The path ${path} needs a value for ${name}.`);
    return encodeURIComponent(String(value));
  });
}
