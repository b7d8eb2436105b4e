import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// The seed command and a SQLite file that is not a database: refused, untouched.

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('seed command, SQLite file', () => {
  it('refuses a file that is not a database, with exit status 2, without a stack trace, leaving it as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cis-seed-cli-'));
    made.push(dir);
    const notADatabase = join(dir, 'service.sqlite');
    // Private, as a database must be, so what is refused is its content.
    writeFileSync(notADatabase, 'this is not a database, it is a shopping list\n'.repeat(200), { mode: 0o600 });
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'seed', '--users', '5', '--db', notADatabase], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is not a SQLite database');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(notADatabase, 'utf8')).toMatch(/^this is not a database/);
  });
});
