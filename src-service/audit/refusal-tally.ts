import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import { appendAudit } from './audit-log.js';

// Refusals that prove nothing about who sent them (a signature that does not verify, a nonce
// never issued, a request over the limit) cost the sender nothing, and the audit log can never
// shrink: a row each would let anyone grow it without bound. They are counted instead, one row
// per kind per bucket, and each closed bucket becomes one `refusals.counted` audit entry. Kinds
// come from fixed lists in the code, never from the request, so the tally stays a few rows.

export const TALLY_BUCKET_MS = 10 * 60_000;
/** Closed buckets are written out at most this often per connection (and at start and stop). */
const FLUSH_EVERY_MS = 60_000;

const lastFlush = new WeakMap<Db, number>();

/** Counts one refusal of `kind` at `at`; closed buckets are written to the audit log now and then. */
export function tallyRefusal(db: Db, kind: string, at: Date): void {
  const now = at.getTime();
  const bucket = Math.floor(now / TALLY_BUCKET_MS) * TALLY_BUCKET_MS;
  prepared(db, 'INSERT INTO refusal_tallies (bucket_start, kind, count) VALUES (?, ?, 1) ON CONFLICT (bucket_start, kind) DO UPDATE SET count = count + 1').run(bucket, kind);
  // abs: a clock set back must not stop the flushes until it catches up.
  if (Math.abs(now - (lastFlush.get(db) ?? 0)) >= FLUSH_EVERY_MS) flushRefusalTallies(db, at);
}

/**
 * Writes every bucket that closed before `at` to the audit log, one entry per kind, and deletes
 * it. Each bucket is taken once (DELETE ... RETURNING in one transaction), so two service
 * instances on one database never write the same summary twice.
 */
export function flushRefusalTallies(db: Db, at: Date): number {
  const now = at.getTime();
  lastFlush.set(db, now);
  const currentBucket = Math.floor(now / TALLY_BUCKET_MS) * TALLY_BUCKET_MS;
  return db
    .transaction(() => {
      const closed = prepared(db, 'DELETE FROM refusal_tallies WHERE bucket_start < ? RETURNING bucket_start AS bucketStart, kind, count').all(currentBucket) as {
        bucketStart: number;
        kind: string;
        count: number;
      }[];
      closed.sort((a, b) => a.bucketStart - b.bucketStart || a.kind.localeCompare(b.kind));
      for (const row of closed) {
        appendAudit(
          db,
          {
            action: 'refusals.counted',
            actor: 'system',
            details: {
              kind: row.kind,
              count: row.count,
              from: new Date(row.bucketStart).toISOString(),
              to: new Date(row.bucketStart + TALLY_BUCKET_MS).toISOString(),
            },
          },
          at,
        );
      }
      return closed.length;
    })
    .immediate();
}
