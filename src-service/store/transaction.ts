import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { engineOf, type Db } from './database.js';
import { isRetryable, WRITER_LOCK_KEY } from './sql-dialect.js';

// Every change the service makes to more than one row, or that reads before it writes, runs
// here. The guarantee is the same on both engines: one writer at a time, readers never wait.
// On SQLite that is the database's own (BEGIN IMMEDIATE, store/database.ts). On PostgreSQL each
// transaction takes one advisory lock first, so writers on every instance queue for it, and
// runs at READ COMMITTED, so once it holds the lock it sees every writer before it. This keeps
// every rule built on "nobody else writes between my read and my write" (a challenge spent once,
// PUK release and rotation, code guess limits, the renewal journal, one-use exchanges, the audit
// chain appended in order) exactly as it is, at the cost of writes not running side by side.
// Reads outside a transaction run on any pooled connection, in parallel.
//
// A transaction that fails because of another one (a deadlock, a serialization failure, a busy
// SQLite file) is run again, a few times, after a short random pause. So `work` must do nothing
// but database work: no mail, no card, no network, which also keeps the lock short.

const ATTEMPTS = 5;

// A transaction is its own object; what is registered against a store (the audit key, sweep
// times) is found through the store it was opened on.
const roots = new WeakMap<Db, Db>();

/** The store `db` belongs to: itself, or the store a transaction was opened on. */
export const rootOf = (db: Db): Db => roots.get(db) ?? db;

export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  // Already inside one: join it (what better-sqlite3's nested transactions did).
  if (db.isTransaction) return work(db);
  const postgres = engineOf(db) === 'postgres';
  for (let attempt = 1; ; attempt++) {
    try {
      const builder = postgres ? db.transaction().setIsolationLevel('read committed') : db.transaction();
      return await builder.execute(async (trx) => {
        roots.set(trx, rootOf(db));
        if (postgres) await sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK_KEY})`.execute(trx);
        return work(trx);
      });
    } catch (err) {
      if (attempt >= ATTEMPTS || !isRetryable(err)) throw err;
      await sleep(Math.random() * 10 * attempt);
    }
  }
}
