// Backoff for reconnecting to the agent: quick at first (the agent is on this machine, so a
// drop is usually a restart), then slower so a stopped agent is not hammered.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** Delay before reconnection attempt `attempt` (0-based), with ±20% jitter. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
