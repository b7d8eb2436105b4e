import type { z } from 'zod';
import type { FindUsersResponse, Profile } from '../../src-shared/api/service-cim.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import type { FindUsersParams } from '../service-client/service-client.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { sessionEnded } from './agent-transitions.js';
import { AgentFailure } from './agent-types.js';

// Care Identity Management requests, made with the session's token. The token is added here,
// in the main process, and never goes back to the renderer. The service decides every
// permission; its refusals are passed on in its own words.

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
    if (err instanceof ServiceUnreachableError) throw new AgentFailure('service-unreachable', MESSAGES.serviceUnreachableStatus);
    if (err instanceof ServiceRefusedError) {
      if (err.status === 401) {
        // The service ended the session (expired, card revoked, profile closed): so does the agent.
        rt.apply((m) => (m.session?.token === token ? sessionEnded(m, { dismissCard: false, notice: MESSAGES.sessionEnded }) : m));
        throw new AgentFailure('not-signed-in', MESSAGES.sessionEnded);
      }
      if (err.status === 403) throw new AgentFailure('forbidden', err.message);
      if (err.status === 400) {
        // The service names fields and says what is wrong, never echoing the values sent.
        const fields = err.fields.map((f) => `${f.path.replace(/^(query|body|params)\./, '')}: ${f.message}`).join('; ');
        throw new AgentFailure('bad-request', fields ? `${err.message} ${fields}.` : err.message);
      }
      throw new AgentFailure('service-refused', err.message);
    }
    if (err instanceof ServiceProtocolError) throw new AgentFailure('internal', MESSAGES.serviceConfused);
    throw new AgentFailure('internal', MESSAGES.internal);
  }
}

export function findUsers(rt: AgentRuntime, params: FindUsersParams): Promise<z.infer<typeof FindUsersResponse>> {
  return withSession(rt, (token) => rt.client.findUsers(token, params));
}

export function getProfile(rt: AgentRuntime, uuid: string): Promise<z.infer<typeof Profile>> {
  return withSession(rt, (token) => rt.client.profile(token, uuid));
}

export function myProfile(rt: AgentRuntime): Promise<z.infer<typeof Profile>> {
  return withSession(rt, (token, userUuid) => rt.client.profile(token, userUuid));
}
