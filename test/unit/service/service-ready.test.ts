import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../src-service/store/database.js';
import { LATEST_SCHEMA } from '../../../src-service/store/migrate.js';
import { testEngine, testStorage } from '../../support/service-fixtures.js';

// `npm run service` says where it listens and which store it opened, for the operator's log. A
// PostgreSQL URL may carry a password: the line names the engine and place, never the password.

const storage = testStorage('cis-ready-');
afterAll(() => rmSync(dirname(storage.secretFile), { recursive: true, force: true }));

const PASSWORD = 'pw-s3cret-in-url';

/** The database as an operator might give it: a PostgreSQL URL with a password in it. */
function asGiven(dbFile: string): string {
  if (testEngine() === 'sqlite') return dbFile;
  const url = new URL(dbFile);
  url.password = PASSWORD;
  return url.toString();
}

/** Starts `npm run service -- serve` and returns its first line of output, then stops it. */
function readyLine(db: string): Promise<{ line: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'serve', '--db', db, '--port', '0'], {
    env: { ...process.env, CIS_SECRET_FILE: storage.secretFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.once('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n', 1)[0] ?? '';
      if (line) resolve({ line, stderr });
      else reject(new Error(`the service stopped without a ready line: ${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) child.kill('SIGTERM');
    });
  });
}

describe('the ready line', () => {
  it('rule: the ready line names the store by engine and place, never a database password', async () => {
    const { line, stderr } = await readyLine(asGiven(storage.dbFile));
    expect(line).toMatch(/^identity service ready: http:\/\/127\.0\.0\.1:\d+ \(database (SQLite|PostgreSQL) /);
    expect(line).toContain(testEngine() === 'sqlite' ? 'SQLite' : 'PostgreSQL 127.0.0.1');
    expect(line).not.toContain(PASSWORD);
    expect(stderr).not.toContain(PASSWORD);
  });
});

/** Runs `npm run service -- serve` to its end (a refusal) and returns its exit code and stderr. */
function refusedStart(db: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'serve', '--db', db, '--port', '0'], {
    env: { ...process.env, CIS_SECRET_FILE: storage.secretFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('a start that cannot go on', () => {
  it('rule: a database a newer version has migrated stops the start in words (exit 2), with no stack trace and the database untouched', async () => {
    const mine = testStorage('cis-newer-');
    const db = await openDatabase(mine.dbFile);
    await db.insertInto('schema_migrations').values({ version: LATEST_SCHEMA + 10, name: 'newer', applied_at: new Date().toISOString() }).execute();
    const { code, stderr } = await refusedStart(asGiven(mine.dbFile));
    expect(code).toBe(2);
    expect(stderr).toMatch(/updated by a newer version of the identity service/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain(PASSWORD);
    expect(await schemaVersion(db)).toBe(LATEST_SCHEMA + 10);
    await db.destroy();
  });
});
