import type Database from 'better-sqlite3';
import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations.js';
import { ddlFor, MIGRATION_LOCK_KEY } from './sql-dialect.js';

// Brings a database up to the schema this code knows, at start, on either engine: one ordered
// set of migrations (store/migrations.ts), each in its own transaction, recorded by version in
// schema_migrations. A database some newer version of the service has migrated further is
// refused, not used: this code would misread what it does not know about. On PostgreSQL the
// run holds an advisory lock, so instances starting together migrate once.

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
  constructor(readonly found: number, readonly known: number) {
    super(
      `This database has been updated by a newer version of the identity service (schema ${found}; this version knows up to ${known}). ` +
        'Run the newer version, or restore a backup taken before the update.',
    );
  }
}

const CREATE_LEDGER = 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';
const RECORD = (p: (n: number) => string): string => `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`;

export const LATEST_SCHEMA = Math.max(...MIGRATIONS.map((m) => m.version));

/** The migrations still to run, in order; throws when the database is ahead of this code. */
function pending(applied: readonly number[]): Migration[] {
  const newest = Math.max(0, ...applied);
  if (newest > LATEST_SCHEMA) throw new SchemaTooNewError(newest, LATEST_SCHEMA);
  const done = new Set(applied);
  return [...MIGRATIONS].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
}

/** SQLite: synchronous, before the store is handed to anyone. Returns how many ran. */
export function migrateSqlite(raw: Database.Database): number {
  raw.exec(CREATE_LEDGER);
  const todo = pending(raw.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const d = ddlFor('sqlite');
  for (const m of todo) {
    raw
      .transaction(() => {
        raw.exec(m.sql(d));
        raw.prepare(RECORD(() => '?')).run(m.version, m.name, new Date().toISOString());
      })
      .immediate();
  }
  return todo.length;
}

/**
 * PostgreSQL: on one pooled connection, under the migration lock, making the store's schema
 * first when it has one of its own (CREATE SCHEMA IF NOT EXISTS is not safe against another
 * instance doing the same at the same moment; under the lock it need not be). Returns how many ran.
 */
export async function migratePostgres(client: pg.PoolClient, schema: string | null = null): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(CREATE_LEDGER);
    const applied = (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version));
    const todo = pending(applied);
    const d = ddlFor('postgres');
    for (const m of todo) {
      await client.query('BEGIN');
      try {
        // No parameters: the simple protocol, which runs every statement in the text.
        await client.query(m.sql(d));
        await client.query(RECORD((n) => `$${n}`), [m.version, m.name, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
    return todo.length;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
