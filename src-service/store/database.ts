import Database from 'better-sqlite3';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CompiledQuery, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type QueryResult, type SqliteDatabase, type SqliteDialectConfig, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { preparePrivateDatabase } from '../../src-shared/private-files.js';
import { migratePostgres, migrateSqlite } from './migrate.js';
import type { Engine } from './sql-dialect.js';
import type { Tables } from './tables.js';
import { describeTarget, parseDatabaseTarget, type DatabaseTarget, type PostgresTarget } from './database-target.js';

// Opens the service's store on either engine, migrated, behind one async query interface
// (Kysely). SQLite, embedded: one file, WAL (readers never wait for the writer), foreign keys
// on, a busy timeout so concurrent service processes queue rather than fail, private to this
// account (src-shared/private-files.ts). PostgreSQL, for organisations: a connection pool, TLS
// when asked, and 64-bit integers read back as numbers (epoch milliseconds fit in 2^53).

export type Db = Kysely<Tables>;

// For /v1/health and the command-line tools: engine and place, never a password.
const descriptions = new WeakMap<Db, string>();
// A PostgreSQL store's pool, for what Kysely cannot do: COPY (store/bulk-load.ts).
const pools = new WeakMap<Db, pg.Pool>();

/** The connection pool behind a PostgreSQL store; undefined for SQLite. */
export const postgresPoolOf = (db: Db): pg.Pool | undefined => pools.get(db);

/** Which engine `db` (or a transaction on it) runs on. */
export function engineOf(db: Db): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function describeStore(db: Db): string {
  return descriptions.get(db) ?? engineOf(db);
}

export interface OpenOptions {
  /** Read without changing anything (audit-verify): no migration, and SQLite opened read-only. */
  readonly readonly?: boolean;
  /** Connections in the PostgreSQL pool. */
  readonly poolSize?: number;
}

/** `target`: a SQLite file, or a postgres:// URL (see store/database-target.ts). */
export async function openDatabase(target: string | DatabaseTarget, options: OpenOptions = {}): Promise<Db> {
  const parsed = typeof target === 'string' ? parseDatabaseTarget(target) : target;
  const db = parsed.engine === 'sqlite' ? openSqlite(parsed.file, options) : await openPostgres(parsed, options);
  descriptions.set(db, describeTarget(parsed));
  return db;
}

// ---- SQLite --------------------------------------------------------------------------------

/**
 * better-sqlite3 behind Kysely's SQLite dialect, with two changes: statements are prepared once
 * per SQL text and reused (preparing costs about as much as running a small statement, and the
 * hot paths run on every request), and a transaction begins IMMEDIATE, taking the write lock at
 * once, so two processes never both read and then both try to write (which SQLite can only
 * refuse, not queue).
 */
function openSqlite(file: string, options: OpenOptions): Db {
  const readonly = options.readonly ?? false;
  if (file !== ':memory:' && !readonly) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    preparePrivateDatabase(file);
  }
  const raw = new Database(file, { readonly });
  try {
    raw.pragma('busy_timeout = 5000');
    if (!readonly) {
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
    }
    raw.pragma('foreign_keys = ON');
    if (!readonly) migrateSqlite(raw);
  } catch (err) {
    raw.close();
    throw err;
  }
  // ':memory:' databases are each their own; a file is the same whoever opens it.
  const key = file === ':memory:' ? `:memory:${Math.random()}` : resolve(file);
  return new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database: cachingStatements(raw) }, key) });
}

const STATEMENT_CACHE_SIZE = 1000;

function cachingStatements(raw: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => raw.close(),
    prepare: (sql: string): SqliteStatement => {
      let stmt = cache.get(sql);
      if (!stmt) {
        // Query text is fixed per query shape; a cap keeps varying IN-lists from growing it.
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        stmt = raw.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/**
 * Writers on one SQLite file from this process queue here, without blocking. better-sqlite3 is
 * synchronous: a BEGIN IMMEDIATE that finds the file locked by another connection of this same
 * process would wait out the busy timeout with the event loop stopped, so the holder could never
 * finish. (Other processes are queued by SQLite's busy timeout.)
 */
const fileWriters = new Map<string, Promise<void>>();

function queueWriter(file: string): Promise<() => void> {
  const before = fileWriters.get(file) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = before.then(() => mine);
  fileWriters.set(file, tail);
  void tail.then(() => {
    if (fileWriters.get(file) === tail) fileWriters.delete(file);
  });
  return before.then(() => release);
}

const READ_ONLY_SQL = /^\s*(select|with)\b/i;

/** A write outside a transaction queues like a transaction does; reads (WAL) never wait. */
class QueuedConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly driver: ImmediateSqliteDriver,
  ) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.driver.inTransaction || READ_ONLY_SQL.test(query.sql)) return this.inner.executeQuery<R>(query);
    const release = await queueWriter(this.driver.file);
    try {
      return await this.inner.executeQuery<R>(query);
    } finally {
      release();
    }
  }
  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ImmediateSqliteDriver extends SqliteDriver implements Driver {
  #release: (() => void) | null = null;
  #connection: QueuedConnection | null = null;
  constructor(
    config: SqliteDialectConfig,
    readonly file: string,
  ) {
    super(config);
  }
  get inTransaction(): boolean {
    return this.#release !== null;
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    this.#connection ??= new QueuedConnection(await super.acquireConnection(), this);
    return this.#connection;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const release = await queueWriter(this.file);
    this.#release = release;
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (err) {
      this.#ended();
      throw err;
    }
  }
  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      this.#ended();
    }
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.#ended();
    }
  }
  #ended(): void {
    this.#release?.();
    this.#release = null;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(
    config: SqliteDialectConfig,
    private readonly file: string,
  ) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.file);
  }
}

// ---- PostgreSQL ----------------------------------------------------------------------------

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** 64-bit integers and COUNT(*) as numbers (exact up to 2^53: epoch milliseconds, row counts). */
const builtIn = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (value: string) => unknown;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return builtIn(oid, format);
  }) as typeof pg.types.getTypeParser,
};

function poolConfig(target: PostgresTarget, options: OpenOptions): pg.PoolConfig {
  const ssl =
    target.tls === 'verify-full'
      ? { rejectUnauthorized: true, ...(target.caFile ? { ca: readFileSync(target.caFile, 'utf8') } : {}) }
      : target.tls === 'require'
        ? { rejectUnauthorized: false }
        : false;
  return {
    connectionString: target.url,
    ssl,
    max: options.poolSize ?? target.poolSize,
    types,
    // A schema of its own (tests, or one database shared by several deployments). No JIT: the
    // service's queries take a millisecond or two, and compiling one (which PostgreSQL does once
    // a plan's estimate is large, as a search through a big directory's can be) takes 20-30 ms.
    options: `-c jit=off${target.schema ? ` -c search_path=${target.schema}` : ''}`,
    application_name: 'care-identity-service',
  };
}

async function openPostgres(target: PostgresTarget, options: OpenOptions): Promise<Db> {
  const pool = new pg.Pool(poolConfig(target, options));
  // An idle connection the server drops must not take the process with it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      if (!options.readonly) await migratePostgres(client, target.schema);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** The newest migration applied (what /v1/health reports). */
export async function schemaVersion(db: Db): Promise<number> {
  const row = await db.selectFrom('schema_migrations').select((eb) => eb.fn.max('version').as('version')).executeTakeFirst();
  return Number(row?.version ?? 0);
}
