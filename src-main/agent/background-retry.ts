import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import type { AgentRuntime } from './agent-runtime.js';

// Telling the service something the card has already done (an unlock's PUK commit, a renewal's
// confirmation): nothing on the card waits for it, so a service that cannot be reached, or that
// answers with a server error, is simply asked again later, a few times, until the agent closes.
// A refusal (4xx) is final.

/** Waits between background attempts, after the first one failed. */
export const RETRY_DELAYS_MS = [1_000, 3_000, 10_000, 30_000] as const;

/** The service may answer later: unreachable, or a server error (5xx). */
export const worthRetrying = (err: unknown): boolean =>
  err instanceof ServiceUnreachableError || (err instanceof ServiceRefusedError && err.status >= 500);

/**
 * Runs `attempt` after each delay until it settles: resolves, or throws something not worth
 * retrying. Stops quietly when the agent closes.
 */
export async function retryInBackground(rt: AgentRuntime, attempt: () => Promise<unknown>, delays: readonly number[] = RETRY_DELAYS_MS): Promise<void> {
  for (const delay of delays) {
    try {
      await sleep(delay, undefined, { signal: rt.closing, ref: false });
    } catch {
      return; // the agent is closing
    }
    try {
      await attempt();
      return;
    } catch (err) {
      if (!worthRetrying(err)) return;
    }
  }
}
