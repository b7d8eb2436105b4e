import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Db } from '../store/database.js';
import { pruneDue } from '../store/prune-due.js';

// A store for @fastify/rate-limit kept in the service database, so several instances of the
// service on one database share every count (the library's own store is per process). Fixed
// windows: one row per key per window, counted up by one statement (an upsert, atomic in the
// engine), so two instances answering at once can never both see the same count. Rows of
// ended windows are deleted now and then; the table holds at most one row per active key.


type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** Counts one request for `key` in the window that holds `now`; the count so far and the time left in the window. */
async function countRequest(db: Db, key: string, windowMs: number, now: number): Promise<{ current: number; ttl: number }> {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const expiresAt = windowStart + windowMs;
  if (pruneDue(db, 'rate_limit_hits', now)) await pruneRequestCounts(db, now);
  const { hits } = await db
    .insertInto('rate_limit_hits')
    .values({ key, window_start: windowStart, expires_at: expiresAt, hits: 1 })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet((eb) => ({ hits: eb('rate_limit_hits.hits', '+', 1) })))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return { current: hits, ttl: expiresAt - now };
}

/** Deletes the counts of windows that have ended. */
export async function pruneRequestCounts(db: Db, now: number): Promise<void> {
  await db.deleteFrom('rate_limit_hits').where('expires_at', '<=', now).execute();
}

/** The store class @fastify/rate-limit constructs, bound to this database and clock. */
export function databaseRateLimitStore(db: Db, now: () => number): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(_options?: FastifyRateLimitOptions) {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      countRequest(db, key, timeWindow, now()).then(
        (result) => callback(null, result),
        (err: unknown) => callback(err as Error),
      );
    }

    child(options: FastifyRateLimitOptions): FastifyRateLimitStore {
      return new DatabaseRateLimitStore(options);
    }
  }
  return DatabaseRateLimitStore;
}
