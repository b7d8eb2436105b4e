import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../src-service/audit/audit-log.js';
import { openWithMachineSecret } from '../../../src-service/crypto/machine-secret-file.js';
import { openDatabase } from '../../../src-service/store/database.js';
import { tempDbFile } from '../../support/service-fixtures.js';

// `npm run service -- audit-verify --db <file> [--checkpoint <file>]`: the operator's check of the
// audit chain, with the audit key from the service secret file beside the database; and
// `audit-checkpoint`, which exports the head the check can later hold the log to. The exit status
// is what scripts act on: 0 intact, 1 broken.

const made: string[] = [];
afterEach(() => {
  for (const file of made.splice(0)) rmSync(dirname(file), { recursive: true, force: true });
});

function logWith(entries: number): string {
  const file = tempDbFile('cis-audit-cli-');
  made.push(file);
  const { db } = openWithMachineSecret({ dbFile: file });
  for (let i = 1; i <= entries; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `s${i}`, workstationId: 'ws-1', details: { i } });
  db.close();
  return file;
}

function auditVerify(file: string, ...more: string[]): { status: number | null; stdout: string; stderr: string } {
  return serviceCli('audit-verify', '--db', file, ...more);
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
  it('rule: an intact log verifies with exit status 0 and says how many entries it read', () => {
    const run = auditVerify(logWith(7));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('audit log intact: 7 entries');
  });

  it('rule: a tampered log fails with exit status 1, naming the entry', () => {
    const file = logWith(7);
    const db = openDatabase(file);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET subject = 'someone-else' WHERE seq = 5").run();
    db.close();
    const run = auditVerify(file);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('BROKEN at entry 5');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('audit-checkpoint', () => {
  it('rule: truncation is detected against an exported checkpoint (exit 1), though the shortened chain alone verifies', () => {
    const file = logWith(6);
    const checkpoint = join(dirname(file), 'checkpoint.json');
    const made = serviceCli('audit-checkpoint', '--db', file, '--out', checkpoint);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toContain('entry 6');
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ format: 'audit-checkpoint/1', seq: 6 });
    expect(auditVerify(file, '--checkpoint', checkpoint).status).toBe(0);

    const db = openDatabase(file);
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE seq > 4').run();
    db.close();
    expect(auditVerify(file).status).toBe(0);
    const run = auditVerify(file, '--checkpoint', checkpoint);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('TRUNCATED');
    expect(run.stderr).toContain('log ends at entry 4');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rule: a checkpoint never overwrites an earlier one', () => {
    const file = logWith(2);
    const checkpoint = join(dirname(file), 'checkpoint.json');
    expect(serviceCli('audit-checkpoint', '--db', file, '--out', checkpoint).status).toBe(0);
    const again = serviceCli('audit-checkpoint', '--db', file, '--out', checkpoint);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/must be a new file/);
  });
});
