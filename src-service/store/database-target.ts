// Where the service's data lives, from one setting: a file path is a SQLite database (the
// embedded default); a postgres:// or postgresql:// URL is PostgreSQL. The URL may say
// `?schema=name` to keep the tables in a schema of their own (made if missing). TLS and the pool
// size come from their own settings (config.ts), which a URL's own sslmode cannot weaken.

export type DatabaseTls = 'off' | 'require' | 'verify-full';

interface SqliteTarget {
  readonly engine: 'sqlite';
  readonly file: string;
}

export interface PostgresTarget {
  readonly engine: 'postgres';
  /** The connection URL without our own parameters (schema). */
  readonly url: string;
  readonly schema: string | null;
  readonly tls: DatabaseTls;
  /** A CA certificate (PEM) to verify the server with; the system's CAs without one. */
  readonly caFile: string | null;
  readonly poolSize: number;
}

export type DatabaseTarget = SqliteTarget | PostgresTarget;

export class DatabaseTargetError extends Error {
  override name = 'DatabaseTargetError';
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const isPostgresUrl = (text: string): boolean => POSTGRES_URL.test(text);

export function parseDatabaseTarget(text: string, settings: { tls?: DatabaseTls; caFile?: string | null; poolSize?: number } = {}): DatabaseTarget {
  if (!isPostgresUrl(text)) return { engine: 'sqlite', file: text };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Never repeat the text: it may hold a password.
    throw new DatabaseTargetError('The database URL is not a valid postgres:// URL.');
  }
  const schema = url.searchParams.get('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) throw new DatabaseTargetError('The database URL names a schema that is not a plain lower-case name.');
  url.searchParams.delete('schema');
  for (const p of ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey']) {
    if (url.searchParams.has(p)) throw new DatabaseTargetError(`Set TLS for the database with dbTls and dbCaFile (CIS_DB_TLS, CIS_DB_CA_FILE), not with ${p} in the URL.`);
  }
  return {
    engine: 'postgres',
    url: url.toString(),
    schema,
    tls: settings.tls ?? 'off',
    caFile: settings.caFile ?? null,
    poolSize: settings.poolSize ?? 10,
  };
}

/** The target in words for people: engine, host and database, never the password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.engine === 'sqlite') return `SQLite ${target.file}`;
  const url = new URL(target.url);
  const where = `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  return `PostgreSQL ${where}${target.schema ? ` (schema ${target.schema})` : ''}${target.tls === 'off' ? '' : `, TLS ${target.tls}`}`;
}

/** The database a service configuration names: databaseUrl when set, otherwise dbFile. */
export function databaseTargetOf(config: {
  readonly dbFile: string;
  readonly databaseUrl?: string | undefined;
  readonly dbTls?: DatabaseTls;
  readonly dbCaFile?: string | undefined;
  readonly dbPoolSize?: number;
}): DatabaseTarget {
  return parseDatabaseTarget(config.databaseUrl ?? config.dbFile, {
    ...(config.dbTls ? { tls: config.dbTls } : {}),
    caFile: config.dbCaFile ?? null,
    ...(config.dbPoolSize ? { poolSize: config.dbPoolSize } : {}),
  });
}
