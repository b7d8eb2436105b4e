import type { AgentRuntime } from './agent-runtime.js';
import { retryInBackground, RETRY_DELAYS_MS, worthRetrying } from './background-retry.js';

// The last step of an unlock: telling the service the card now holds the next PUK, so it becomes
// the current one. By then the card is already unlocked and the holder can sign in, so a service
// that cannot be reached (or answers 5xx) does not stop anything: the commit is asked again in
// the background (background-retry.ts). Should it never arrive, the service keeps both PUKs and
// the next unlock reconciles (unlock-card.ts). A refusal (4xx) is final and changes nothing on
// the card either.

/** Commits at once; if the service cannot be reached, carries on trying after this returns. */
export async function commitUnlock(rt: AgentRuntime, unlockId: string, delays: readonly number[] = RETRY_DELAYS_MS): Promise<void> {
  const attempt = (): Promise<unknown> => rt.monitor.track(rt.client.commitUnlock(unlockId, rt.options.workstationId));
  try {
    await attempt();
  } catch (err) {
    if (worthRetrying(err)) void retryInBackground(rt, attempt, delays);
  }
}
