import type { z } from 'zod';
import type { ServiceCallRequest } from '../../src-shared/api/agent-api.js';
import type { ProfileView } from '../../src-shared/api/cim-profile.js';
import type { FindUsersResponse } from '../../src-shared/api/service-cim.js';
import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import type { FindUsersParams } from '../service-client/service-client.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { sessionEnded } from './agent-transitions.js';
import { AgentFailure } from './agent-types.js';
import { outcomeOfError, type FlowTerms } from './outcome-of-error.js';

// Care Identity Management requests, made with the session's token. The token is added here,
// in the main process, and never goes back to the renderer. The service decides every
// permission; its refusals are passed on in its own words.

/** Calls made with the session: every 403 is 'forbidden', and a 400 names the fields the user filled in. */
const DIRECTORY: FlowTerms<'failed', 'failed'> = {
  passing: 'failed',
  final: 'failed',
  serviceUnreachable: MESSAGES.serviceUnreachableStatus,
  cardRemoved: MESSAGES.cardRemoved,
  sessionEnded: MESSAGES.sessionEnded,
  forbidden: 'any',
  namesFields: true,
};

export async function withSession<T>(rt: AgentRuntime, call: (token: string, userUuid: string) => Promise<T>): Promise<T> {
  const session = rt.model().session;
  if (!session) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
  if (session.locked) throw new AgentFailure('not-signed-in', MESSAGES.sessionLockedNow);
  const token = session.token;
  try {
    return await rt.monitor.track(call(token, session.view.user.uuid));
  } catch (err) {
    // Already in the user's words (a card's answer, from a call that used the card too).
    if (err instanceof AgentFailure) throw err;
    const outcome = outcomeOfError(err, DIRECTORY);
    if (outcome.kind === 'session-gone') {
      // The service ended the session (expired, card revoked, profile closed): so does the agent.
      rt.apply((m) => (m.session?.token === token ? sessionEnded(m, { dismissCard: false, notice: MESSAGES.sessionEnded }) : m));
    }
    throw new AgentFailure(outcome.code, outcome.message);
  }
}

export function findUsers(rt: AgentRuntime, params: FindUsersParams): Promise<z.infer<typeof FindUsersResponse>> {
  return withSession(rt, (token) => rt.client.findUsers(token, params));
}

export function getProfile(rt: AgentRuntime, uuid: string): Promise<ProfileView> {
  return withSession(rt, (token) => rt.client.profile(token, uuid));
}

export function myProfile(rt: AgentRuntime): Promise<ProfileView> {
  return withSession(rt, (token, userUuid) => rt.client.profile(token, userUuid));
}

/**
 * A `viaAgent` endpoint called for the renderer (channel `service.call`). The channel's schema
 * only lets those names through; the service still decides every permission.
 */
export function callServiceForRenderer(rt: AgentRuntime, request: z.output<typeof ServiceCallRequest>): Promise<unknown> {
  const endpoint = SERVICE_ENDPOINTS[request.endpoint];
  return withSession(rt, (token) => rt.client.callForRenderer(endpoint, request, token));
}
