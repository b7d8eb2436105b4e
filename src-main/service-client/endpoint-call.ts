import type { ZodType, z } from 'zod';
import { fillPath, type Endpoint } from '../../src-shared/api/endpoint.js';

// One call of an endpoint from the shared table (src-shared/api/service-endpoints.ts), as the
// client is given it: what it must carry is typed from that endpoint's own schemas, so a call
// cannot leave out a path parameter, send a body to an endpoint that takes none, or go without
// the session an endpoint needs.

type Part<S, Name extends string> = S extends ZodType ? { readonly [K in Name]: z.input<S> } : { readonly [K in Name]?: never };

export type CallInput<E extends Endpoint> = Part<E['params'], 'params'> &
  Part<E['query'], 'query'> &
  Part<E['body'], 'body'> &
  (E['auth'] extends 'session'
    ? { readonly token: string; readonly proof?: never }
    : {
        readonly token?: never;
        /** Prove possession of the workstation key even without a token (opening a session). */
        readonly proof?: true;
      });

/** The path of one call (parameters filled in and encoded) and its query string ('' or '?...'). */
export function callTarget(endpoint: Endpoint, input: { readonly params?: unknown; readonly query?: unknown }): { path: string; search: string } {
  const path = fillPath(endpoint.path, (input.params ?? {}) as Record<string, unknown>);
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') query.set(name, String(value));
  }
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return { path, search };
}
