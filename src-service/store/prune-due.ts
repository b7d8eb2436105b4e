import type { Db } from './database.js';
import { rootOf } from './transaction.js';

// Tables that requests fill (challenges, spent proof ids, request counts) are swept by the
// requests themselves, a few seconds' worth of rows at a time (a short pause, not a long one),
// and by the service's periodic sweep when no requests come. This keeps the "every few seconds"
// per table and connection in one place.

const PRUNE_EVERY_MS = 5_000;
const lastRun = new WeakMap<Db, Map<string, number>>();

/** Whether `table` on `db` is due a sweep at `now`; when it is, the sweep is counted as done. */
export function pruneDue(db: Db, table: string, now: number): boolean {
  const store = rootOf(db);
  let runs = lastRun.get(store);
  if (!runs) lastRun.set(store, (runs = new Map<string, number>()));
  // abs: a clock set back (NTP, or a test) must not stop the sweeps until it catches up.
  if (Math.abs(now - (runs.get(table) ?? Number.NEGATIVE_INFINITY)) < PRUNE_EVERY_MS) return false;
  runs.set(table, now);
  return true;
}
