import type { AgentError } from '../../src-shared/api/agent-api.js';
import { AgentFailure } from '../agent/agent-types.js';

// What a shell tells the renderer when a request fails: the agent's own failures as they are
// (they are written for users), anything else as a plain "internal" with no detail, since an
// unexpected error's message may carry paths, card data or service internals.

export function toAgentError(err: unknown): AgentError {
  if (err instanceof AgentFailure) return { code: err.code, message: err.message };
  return { code: 'internal', message: 'Something went wrong in the Identity Agent. Try again; if it keeps happening, restart the app.' };
}
