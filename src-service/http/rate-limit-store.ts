import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import { pruneDue } from '../store/prune-due.js';

// A store for @fastify/rate-limit kept in the service database, so several instances of the
// service on one database share every count (the library's own store is per process). Fixed
// windows: one row per key per window, counted up by one statement (an upsert, atomic in the
// engine), so two instances answering at once can never both see the same count. Rows of
// ended windows are deleted now and then; the table holds at most one row per active key.


type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** Counts one request for `key` in the window that holds `now`; the count so far and the time left in the window. */
function countRequest(db: Db, key: string, windowMs: number, now: number): { current: number; ttl: number } {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const expiresAt = windowStart + windowMs;
  if (pruneDue(db, 'rate_limit_hits', now)) pruneRequestCounts(db, now);
  const current = prepared(
    db,
    'INSERT INTO rate_limit_hits (key, window_start, expires_at, hits) VALUES (?, ?, ?, 1) ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1 RETURNING hits',
  )
    .pluck()
    .get(key, windowStart, expiresAt) as number;
  return { current, ttl: expiresAt - now };
}

/** Deletes the counts of windows that have ended. */
export function pruneRequestCounts(db: Db, now: number): void {
  prepared(db, 'DELETE FROM rate_limit_hits WHERE expires_at <= ?').run(now);
}

/** The store class @fastify/rate-limit constructs, bound to this database and clock. */
export function databaseRateLimitStore(db: Db, now: () => number): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(_options?: FastifyRateLimitOptions) {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      let result: { current: number; ttl: number };
      try {
        result = countRequest(db, key, timeWindow, now());
      } catch (err) {
        return callback(err as Error);
      }
      callback(null, result);
    }

    child(options: FastifyRateLimitOptions): FastifyRateLimitStore {
      return new DatabaseRateLimitStore(options);
    }
  }
  return DatabaseRateLimitStore;
}
