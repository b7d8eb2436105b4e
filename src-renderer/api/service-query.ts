import { useMutation, useQuery, useQueryClient, type UseMutationResult, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query';
import type { z, ZodType } from 'zod';
import type { ViaAgentEndpoint } from '../../src-shared/api/agent-api.js';
import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { AgentCallError, toAgentCallError } from './agent-call-error.js';
import type { AgentClient } from './agent-client.js';
import { useAgentClient } from './agent-context.js';

// Care Identity Management data for the pages: every call is a `viaAgent` endpoint of the
// service's one table (src-shared/api/service-endpoints.ts), asked of the agent, which adds the
// session (the renderer never holds a token). TanStack Query keeps what was loaded, shows
// loading and errors, and reloads what a change may have touched.

type Endpoints = typeof SERVICE_ENDPOINTS;
type Part<Ep, Name extends 'params' | 'query' | 'body'> = Ep extends { readonly [K in Name]: infer S extends ZodType }
  ? { readonly [K in Name]: z.input<S> }
  : { readonly [K in Name]?: never };

/** What one call of endpoint `E` carries, typed from its own schemas. */
export type ServiceInput<E extends ViaAgentEndpoint> = Part<Endpoints[E], 'params'> & Part<Endpoints[E], 'query'> & Part<Endpoints[E], 'body'>;
/** The service's answer for endpoint `E`, as its response schema gives it. */
export type ServiceResult<E extends ViaAgentEndpoint> = z.output<Endpoints[E]['response']>;

/** Calls a `viaAgent` endpoint through the agent; the answer is checked against the endpoint's response schema. */
async function callService<E extends ViaAgentEndpoint>(client: AgentClient, endpoint: E, input: ServiceInput<E>): Promise<ServiceResult<E>> {
  const parts = input as { params?: Record<string, string | number>; query?: Record<string, string | number | boolean>; body?: unknown };
  let raw: unknown;
  try {
    raw = await client.invoke('service.call', { endpoint, ...parts });
  } catch (error) {
    throw toAgentCallError(error);
  }
  const checked = (SERVICE_ENDPOINTS[endpoint].response as ZodType).safeParse(raw);
  if (!checked.success) throw new AgentCallError('bad-response', 'The Identity Agent gave an answer this page cannot read. Try again.');
  return checked.data as ServiceResult<E>;
}

/** The query key of one call: the endpoint's name first, so a change can reload every call of it. */
const serviceKey = (endpoint: ViaAgentEndpoint, input: unknown): readonly unknown[] => [endpoint, input];

type QueryOptions<E extends ViaAgentEndpoint> = Omit<UseQueryOptions<ServiceResult<E>, AgentCallError>, 'queryKey' | 'queryFn'>;

/** Loads from a `viaAgent` endpoint; `error.message` is in the user's words. */
export function useServiceQuery<E extends ViaAgentEndpoint>(endpoint: E, input: ServiceInput<E>, options: QueryOptions<E> = {}): UseQueryResult<ServiceResult<E>, AgentCallError> {
  const client = useAgentClient();
  return useQuery<ServiceResult<E>, AgentCallError>({
    queryKey: serviceKey(endpoint, input),
    queryFn: () => callService(client, endpoint, input),
    ...options,
  });
}

/**
 * Changes something through a `viaAgent` endpoint. On success every loaded CIM query is
 * reloaded: a change (a granted request, a closed profile) shows wherever it appears, and the
 * directory is small next to the cost of showing stale facts to RA staff.
 */
export function useServiceMutation<E extends ViaAgentEndpoint>(endpoint: E): UseMutationResult<ServiceResult<E>, AgentCallError, ServiceInput<E>> {
  const client = useAgentClient();
  const queries = useQueryClient();
  return useMutation<ServiceResult<E>, AgentCallError, ServiceInput<E>>({
    mutationFn: (input) => callService(client, endpoint, input),
    onSuccess: () => queries.invalidateQueries(),
  });
}
