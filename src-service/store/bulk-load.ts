import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompiledQuery, sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { engineOf, postgresPoolOf, type Db } from './database.js';
import { inTransaction } from './transaction.js';

// Writing many rows at once (the synthetic directory, src-service/seed/): millions of rows, where
// a statement per row would take many minutes. The caller writes the same rows on both engines;
// only how they reach the database differs, here: SQLite takes multi-row INSERTs inside one
// transaction per call, PostgreSQL takes COPY (several times quicker than any INSERT there).
// Also here: making a store ready for a bulk load of an empty directory and back, and its size.

export type BulkValue = string | number | null;

/**
 * Writes `rows` (values in `columns` order) into `table`, all or nothing. `table` and `columns`
 * are fixed names from the caller's code, never user input.
 */
export async function bulkInsert(db: Db, table: string, columns: readonly string[], rows: readonly (readonly BulkValue[])[]): Promise<void> {
  if (rows.length === 0) return;
  if (engineOf(db) === 'sqlite') await insertRowsSqlite(db, table, columns, rows);
  else await copyRowsPostgres(db, table, columns, rows);
}

/** SQLite's limit on parameters in one statement (32,766 since 3.32), with room to spare. */
const SQLITE_PARAMETERS = 32_000;

async function insertRowsSqlite(db: Db, table: string, columns: readonly string[], rows: readonly (readonly BulkValue[])[]): Promise<void> {
  const perStatement = Math.floor(SQLITE_PARAMETERS / columns.length);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  await inTransaction(db, async (trx) => {
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      // Full chunks share one text, so the statement is prepared once (store/database.ts).
      await trx.executeQuery(CompiledQuery.raw(head + new Array<string>(chunk.length).fill(tuple).join(', '), chunk.flat()));
    }
  });
}

/** A value in COPY's text format: \N for NULL; backslash, tab, newline and return escaped. */
function copyText(value: BulkValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

const COPY_CHUNK_ROWS = 5_000;

function* copyChunks(rows: readonly (readonly BulkValue[])[]): Generator<string> {
  for (let i = 0; i < rows.length; i += COPY_CHUNK_ROWS) {
    let text = '';
    for (const row of rows.slice(i, i + COPY_CHUNK_ROWS)) text += row.map(copyText).join('\t') + '\n';
    yield text;
  }
}

async function copyRowsPostgres(db: Db, table: string, columns: readonly string[], rows: readonly (readonly BulkValue[])[]): Promise<void> {
  const pool = postgresPoolOf(db);
  // A transaction's connection is not reachable from here: a COPY is its own transaction.
  if (!pool || db.isTransaction) throw new Error('bulkInsert on PostgreSQL needs the store itself, not a transaction');
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(copyChunks(rows)), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
  } finally {
    client.release();
  }
}

/**
 * Readies an empty directory's tables for a bulk load and returns what puts them back. SQLite (a
 * new file only: see seed/seed-file.ts): no rollback journal, no fsync, no foreign-key look-ups, a
 * large page cache. Both: the secondary indexes are dropped and built once at the end (sorting
 * the keys once beats inserting them one by one), and on PostgreSQL the foreign keys too
 * (checked once, by one join, when put back). The returned function also gives the planner
 * fresh statistics; call it whether or not the load succeeded.
 */
export async function prepareBulkLoad(db: Db, tables: readonly string[]): Promise<() => Promise<void>> {
  return engineOf(db) === 'sqlite' ? prepareSqlite(db, tables) : preparePostgres(db, tables);
}

async function prepareSqlite(db: Db, tables: readonly string[]): Promise<() => Promise<void>> {
  for (const pragma of ['journal_mode = OFF', 'synchronous = OFF', 'foreign_keys = OFF', 'cache_size = -1048576', 'temp_store = MEMORY']) {
    await sql.raw(`PRAGMA ${pragma}`).execute(db);
  }
  // sql IS NULL marks the automatic indexes behind UNIQUE and PRIMARY KEY: those stay.
  const { rows: indexes } = await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master
    WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${sql.join(tables)}) ORDER BY name`.execute(db);
  for (const { name } of indexes) await sql`DROP INDEX ${sql.id(name)}`.execute(db);
  return async () => {
    for (const index of indexes) await sql.raw(index.sql).execute(db);
    for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON']) await sql.raw(`PRAGMA ${pragma}`).execute(db);
    await analyse(db, tables);
  };
}

async function preparePostgres(db: Db, tables: readonly string[]): Promise<() => Promise<void>> {
  // Indexes behind a constraint (primary keys, UNIQUE) stay: they are the constraint.
  const { rows: indexes } = await sql<{ name: string; sql: string }>`SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS sql
      FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relname IN (${sql.join(tables)})
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
     ORDER BY c.relname`.execute(db);
  const { rows: foreignKeys } = await sql<{ name: string; table: string; definition: string }>`SELECT k.conname AS name, t.relname AS "table", pg_get_constraintdef(k.oid) AS definition
      FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE k.contype = 'f' AND n.nspname = current_schema() AND t.relname IN (${sql.join(tables)})
     ORDER BY k.conname`.execute(db);
  for (const fk of foreignKeys) await sql`ALTER TABLE ${sql.table(fk.table)} DROP CONSTRAINT ${sql.id(fk.name)}`.execute(db);
  for (const { name } of indexes) await sql`DROP INDEX ${sql.id(name)}`.execute(db);
  return async () => {
    for (const index of indexes) await sql.raw(index.sql).execute(db);
    for (const fk of foreignKeys) await sql`ALTER TABLE ${sql.table(fk.table)} ADD CONSTRAINT ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(db);
    await analyse(db, tables);
  };
}

/**
 * After rows were written with ids chosen by the writer: the database's own id generator must
 * carry on above them (PostgreSQL's identity sequences do not follow explicit ids; SQLite's row
 * ids always take the highest plus one).
 */
export async function continueIdsAfter(db: Db, tables: readonly string[]): Promise<void> {
  if (engineOf(db) === 'sqlite') return;
  for (const table of tables) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM ${sql.table(table)}), false)`.execute(db);
  }
}

/**
 * Statistics for the query planner. On PostgreSQL also VACUUM, which marks the freshly written
 * pages all-visible, so searches read the covering indexes alone (index-only scans).
 */
export async function analyse(db: Db, tables: readonly string[]): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    // From a sample of each index: fast even at full size.
    await sql`PRAGMA analysis_limit = 1000`.execute(db);
    await sql`ANALYZE`.execute(db);
  } else {
    await sql`VACUUM (ANALYZE) ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
  }
}

/** Bytes the store takes: the SQLite file's pages, or the PostgreSQL schema's tables and indexes. */
export async function storeBytes(db: Db): Promise<number> {
  const query =
    engineOf(db) === 'sqlite'
      ? sql<{ bytes: number }>`SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()`
      : sql<{ bytes: number }>`SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`;
  const { rows } = await query.execute(db);
  return Number(rows[0]?.bytes ?? 0);
}
