import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// A throwaway PostgreSQL cluster for tests and benches: initdb into a temporary folder, a
// loopback port, a socket in that folder, no durability (nothing here must survive), stopped
// and deleted afterwards. As root the server runs as the `postgres` account (it refuses root).
// Uses Debian's postgresql package (installed by scripts/prepare-test-machine.sh).

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  readonly url: string;
  readonly port: number;
  /** The server's process id (its backends are its children). */
  readonly pid: number;
  stop(): Promise<void>;
}

function binDir(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  throw new Error('PostgreSQL is not installed: run `bash scripts/prepare-test-machine.sh` (as root) or `sudo apt-get install postgresql`.');
}

const asRoot = process.getuid?.() === 0;

/** As root: the postgres account's ids, for the server and its files. */
function postgresAccount(): { uid: number; gid: number } | Record<string, never> {
  if (!asRoot) return {};
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function ready(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL stopped while starting (exit ${server.exitCode}).`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('PostgreSQL did not start within 10 seconds.');
}

export async function startPostgresCluster(options: { database?: string; settings?: Record<string, string> } = {}): Promise<PostgresCluster> {
  const bin = binDir();
  const account = postgresAccount();
  const dir = mkdtempSync(join(tmpdir(), 'cis-pg-'));
  if ('uid' in account) chownSync(dir, account.uid, account.gid);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'], { stdio: 'pipe', cwd: dir, ...account });
  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '400',
    ...options.settings,
  };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const postgres = join(bin, 'postgres');
  const server = spawn(postgres, args, { stdio: 'ignore', cwd: dir, ...account });
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await ready(admin, server);
    const database = options.database ?? 'cis';
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${database}`);
    await client.end();
  } catch (err) {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${options.database ?? 'cis'}`,
    port,
    pid: server.pid as number,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        // SIGINT: PostgreSQL's fast shutdown (ends sessions, no waiting for clients).
        server.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
