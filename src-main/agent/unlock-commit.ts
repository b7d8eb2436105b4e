import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import type { AgentRuntime } from './agent-runtime.js';

// The last step of an unlock: telling the service the card now holds the next PUK, so it becomes
// the current one. By then the card is already unlocked and the holder can sign in, so a service
// that cannot be reached does not stop anything: the commit is tried again in the background a
// few times, as it is when the service answers with a server error (5xx). Should it never arrive,
// the service keeps both PUKs and the next unlock reconciles (card-unlock.ts). A refusal (4xx)
// is final and changes nothing on the card either.

/** Waits between background attempts, after the first one failed. */
export const COMMIT_RETRY_DELAYS_MS = [1_000, 3_000, 10_000, 30_000] as const;

async function commitOnce(rt: AgentRuntime, unlockId: string): Promise<'done' | 'unreachable'> {
  try {
    await rt.monitor.track(rt.client.commitUnlock(unlockId, rt.options.workstationId));
    return 'done';
  } catch (err) {
    const passing = err instanceof ServiceUnreachableError || (err instanceof ServiceRefusedError && err.status >= 500);
    return passing ? 'unreachable' : 'done';
  }
}

/** Commits at once; if the service cannot be reached, carries on trying after this returns. */
export async function commitUnlock(rt: AgentRuntime, unlockId: string, delays: readonly number[] = COMMIT_RETRY_DELAYS_MS): Promise<void> {
  if ((await commitOnce(rt, unlockId)) === 'done') return;
  void retryInBackground(rt, unlockId, delays);
}

async function retryInBackground(rt: AgentRuntime, unlockId: string, delays: readonly number[]): Promise<void> {
  for (const delay of delays) {
    try {
      await sleep(delay, undefined, { signal: rt.closing, ref: false });
    } catch {
      return; // the agent is closing
    }
    if ((await commitOnce(rt, unlockId)) === 'done') return;
  }
}
