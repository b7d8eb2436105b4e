import type { Db } from '../store/database.js';
import { inTransaction, rootOf } from '../store/transaction.js';
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
export async function tallyRefusal(db: Db, kind: string, at: Date): Promise<void> {
  const now = at.getTime();
  const bucket = Math.floor(now / TALLY_BUCKET_MS) * TALLY_BUCKET_MS;
  await db
    .insertInto('refusal_tallies')
    .values({ bucket_start: bucket, kind, count: 1 })
    .onConflict((oc) => oc.columns(['bucket_start', 'kind']).doUpdateSet((eb) => ({ count: eb('refusal_tallies.count', '+', 1) })))
    .execute();
  // abs: a clock set back must not stop the flushes until it catches up.
  if (Math.abs(now - (lastFlush.get(rootOf(db)) ?? 0)) >= FLUSH_EVERY_MS) await flushRefusalTallies(db, at);
}

/**
 * Writes every bucket that closed before `at` to the audit log, one entry per kind, and deletes
 * it. Each bucket is taken once (DELETE ... RETURNING in one transaction), so two service
 * instances on one database never write the same summary twice.
 */
export async function flushRefusalTallies(db: Db, at: Date): Promise<number> {
  const now = at.getTime();
  lastFlush.set(rootOf(db), now);
  const currentBucket = Math.floor(now / TALLY_BUCKET_MS) * TALLY_BUCKET_MS;
  return inTransaction(db, async (trx) => {
    const closed = await trx
      .deleteFrom('refusal_tallies')
      .where('bucket_start', '<', currentBucket)
      .returning(['bucket_start as bucketStart', 'kind', 'count'])
      .execute();
    closed.sort((a, b) => a.bucketStart - b.bucketStart || a.kind.localeCompare(b.kind));
    for (const row of closed) {
      await appendAudit(
        trx,
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
  });
}
