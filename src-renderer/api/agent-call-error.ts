import { AgentError, type AgentErrorCode } from '../../src-shared/api/agent-api.js';

// One error type for every failed agent call, whether the agent refused it (its AgentError
// codes) or it never got there (the renderer's own codes below).

export type AgentCallErrorCode =
  | AgentErrorCode
  /** The connection to the agent dropped before the answer came. */
  | 'disconnected'
  /** The agent did not answer in time. */
  | 'timeout'
  /** The agent answered with something the contract does not allow. */
  | 'bad-response';

export class AgentCallError extends Error {
  override name = 'AgentCallError';
  constructor(
    readonly code: AgentCallErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Turns whatever a transport threw into an AgentCallError with words a user can act on. */
export function toAgentCallError(error: unknown): AgentCallError {
  if (error instanceof AgentCallError) return error;
  const parsed = AgentError.safeParse(error);
  if (parsed.success) return new AgentCallError(parsed.data.code, parsed.data.message);
  return new AgentCallError('internal', 'Something went wrong in the Identity Agent. Try again.');
}
