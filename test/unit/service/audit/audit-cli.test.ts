import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../../src-service/audit/audit-log.js';
import { openWithMachineSecret } from '../../../../src-service/crypto/machine-secret-file.js';
import { openDatabase } from '../../../../src-service/store/database.js';
import { testStorage } from '../../../support/service-fixtures.js';
import { dropTrigger } from '../support/audit-tamper.js';

// `npm run service -- audit-verify --db <file or postgres URL> [--checkpoint <file>]`: the
// operator's check of the audit chain, with the audit key from the service secret file (beside a
// SQLite file unless --secret-file names it; named with PostgreSQL); and `audit-checkpoint`,
// which exports the head the check can later hold the log to. The exit status is what scripts act
// on: 0 intact, 1 broken, 2 bad usage.

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

interface Log {
  readonly dbFile: string;
  readonly secretFile: string;
  /** A folder of the test's own, for checkpoints. */
  readonly folder: string;
}

async function logWith(entries: number, storage = testStorage('cis-audit-cli-')): Promise<Log> {
  const folder = dirname(storage.secretFile);
  folders.push(folder);
  const { db } = await openWithMachineSecret(storage);
  for (let i = 1; i <= entries; i++) await appendAudit(db, { action: 'test.event', actor: 'system', subject: `s${i}`, workstationId: 'ws-1', details: { i } });
  await db.destroy();
  return { ...storage, folder };
}

/** The database and secret file options for `log`. */
const target = (log: Log): string[] => ['--db', log.dbFile, '--secret-file', log.secretFile];

function auditVerify(log: Log, ...more: string[]): { status: number | null; stdout: string; stderr: string } {
  return serviceCli('audit-verify', ...target(log), ...more);
}

function serviceCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('audit-verify', () => {
  it('rule: an intact log verifies with exit status 0 and says how many entries it read', async () => {
    const run = auditVerify(await logWith(7));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('audit log intact: 7 entries');
  });

  it('rule: a tampered log fails with exit status 1, naming the entry', async () => {
    const log = await logWith(7);
    const db = await openDatabase(log.dbFile);
    await dropTrigger(db, 'audit_log_no_update');
    await db.updateTable('audit_log').set({ subject: 'someone-else' }).where('seq', '=', 5).execute();
    await db.destroy();
    const run = auditVerify(log);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('BROKEN at entry 5');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rule: with a SQLite file and no --secret-file, the secret file beside the database is used', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cis-audit-cli-file-'));
    const dbFile = join(folder, 'service.sqlite');
    await logWith(3, { dbFile, secretFile: join(folder, 'service-secret.json') });
    const run = serviceCli('audit-verify', '--db', dbFile);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('audit log intact: 3 entries');
  });

  it('rule: with a postgres URL and no --secret-file, the command asks for the secret file (exit 2) and never repeats the URL', () => {
    const run = serviceCli('audit-verify', '--db', 'postgres://auditor:s3cret-pass@127.0.0.1:1/cis');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/name the service secret file .*--secret-file/);
    expect(run.stderr).not.toContain('s3cret-pass');
    expect(run.stdout).toBe('');
  });

  it('rule: a database URL that is not a valid postgres URL is refused in words (exit 2), its text not repeated', async () => {
    const log = await logWith(1);
    const run = serviceCli('audit-verify', '--db', 'postgres://auditor:s3cret-pass@[bad/cis', '--secret-file', log.secretFile);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('The database URL is not a valid postgres:// URL.');
    expect(run.stderr).not.toContain('s3cret-pass');
  });
});

describe('audit-checkpoint', () => {
  it('rule: truncation is detected against an exported checkpoint (exit 1), though the shortened chain alone verifies', async () => {
    const log = await logWith(6);
    const checkpoint = join(log.folder, 'checkpoint.json');
    const made = serviceCli('audit-checkpoint', ...target(log), '--out', checkpoint);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toContain('entry 6');
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ format: 'audit-checkpoint/1', seq: 6 });
    expect(auditVerify(log, '--checkpoint', checkpoint).status).toBe(0);

    const db = await openDatabase(log.dbFile);
    await dropTrigger(db, 'audit_log_no_delete');
    await db.deleteFrom('audit_log').where('seq', '>', 4).execute();
    await db.destroy();
    expect(auditVerify(log).status).toBe(0);
    const run = auditVerify(log, '--checkpoint', checkpoint);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('TRUNCATED');
    expect(run.stderr).toContain('log ends at entry 4');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rule: a checkpoint never overwrites an earlier one', async () => {
    const log = await logWith(2);
    const checkpoint = join(log.folder, 'checkpoint.json');
    expect(serviceCli('audit-checkpoint', ...target(log), '--out', checkpoint).status).toBe(0);
    const again = serviceCli('audit-checkpoint', ...target(log), '--out', checkpoint);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/must be a new file/);
  });
});
