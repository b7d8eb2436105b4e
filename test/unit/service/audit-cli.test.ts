import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../src-service/audit/audit-log.js';
import { openDatabase } from '../../../src-service/store/database.js';
import { tempDbFile } from '../../support/service-fixtures.js';

// `npm run service -- audit-verify --db <file>`: the operator's check of the audit chain. Its exit
// status is what scripts act on: 0 intact, 1 broken.

const made: string[] = [];
afterEach(() => {
  for (const file of made.splice(0)) rmSync(dirname(file), { recursive: true, force: true });
});

function logWith(entries: number): string {
  const file = tempDbFile('cis-audit-cli-');
  made.push(file);
  const db = openDatabase(file);
  for (let i = 1; i <= entries; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `s${i}`, workstationId: 'ws-1', details: { i } });
  db.close();
  return file;
}

function auditVerify(file: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'audit-verify', '--db', file], {
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
