import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '../../../../src-service/seed/personas.js';
import { openDatabase } from '../../../../src-service/store/database.js';
import { tempDbFile } from '../../../support/service-fixtures.js';

// `npm run service -- seed --users <n> [--seed <k>] [--db <file or postgres URL>] [--personas]`:
// what an operator (or a training set-up script) runs. Progress on stderr, one summary line on
// stdout, exit 0; a bad request is exit 2 with a message, never a stack trace. In the PostgreSQL
// run of these tests --db is a postgres:// URL (test/support/service-fixtures.ts, tempDbFile).

const made: string[] = [];
afterEach(() => {
  for (const file of made.splice(0)) if (!file.startsWith('postgres')) rmSync(dirname(file), { recursive: true, force: true });
});

function seedCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'seed', ...args], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function newFile(): string {
  const file = tempDbFile('cis-seed-cli-');
  made.push(file);
  return file;
}

describe('seed command', () => {
  it('seeds a new database with the users and personas asked for, reporting progress and a summary with counts, time and size', async () => {
    const file = newFile();
    const run = seedCli('--users', '500', '--seed', '3', '--db', file, '--personas', '--as-of', '2025-06-01');
    expect(run.status).toBe(0);
    const progress = run.stderr.split('\n').filter((l) => l.startsWith('seed: '));
    expect(progress.length).toBe(10);
    expect(progress.at(-1)).toMatch(/^seed: 500 \/ 500 users \(100%\)/);
    expect(run.stdout).toMatch(new RegExp(`^seeded .*: \\d+ organisations, \\d+ positions, 500 users, \\d+ position assignments, 500 cards, 500 certificates, ${PERSONAS.length} training personas in [\\d.]+ s; database [\\d.]+ MB\\n$`));
    const db = await openDatabase(file, { readonly: true });
    expect(Number((await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(500 + PERSONAS.length);
    await db.destroy();
  });

  it('refuses a database that already has a directory, with exit status 2 and a message', () => {
    const file = newFile();
    expect(seedCli('--users', '50', '--db', file).status).toBe(0);
    const again = seedCli('--users', '50', '--db', file);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already has a directory');
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a missing or malformed --users and a bad --as-of, without a stack trace, writing nothing', async () => {
    const file = newFile();
    for (const args of [['--db', file], ['--users', '-5', '--db', file], ['--users', 'lots', '--db', file], ['--users', '5', '--db', file, '--as-of', '1st June']]) {
      const run = seedCli(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    // Nothing was seeded: a full seed of the same database still works.
    expect(seedCli('--users', '5', '--db', file).status).toBe(0);
  });
});
