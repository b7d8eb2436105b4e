import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWithMachineSecret } from '../../../../src-service/crypto/machine-secret-file.js';
import { openDatabase } from '../../../../src-service/store/database.js';
import { addOrg, testStorage } from '../../../support/service-fixtures.js';
import { tableCounts, uniqueNi } from './cim-harness.js';
import { createRecord } from './requests-fixtures.js';

// `npm run service -- esr-import --file <f>`: the operator loads an ESR file into the Requests
// queue. Exit status 0 imported, 1 the file was refused (nothing stored), 2 bad usage.

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function directory(): Promise<{ dbFile: string; secretFile: string; folder: string }> {
  const storage = testStorage('cis-esr-cli-');
  const folder = dirname(storage.secretFile);
  folders.push(folder);
  const { db } = await openWithMachineSecret(storage);
  await addOrg(db, { code: 'RXE01', name: 'Esr Test Hospital', kind: 'trust' });
  await db.destroy();
  return { ...storage, folder };
}

function serviceCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', ...args], { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function counts(dbFile: string): Promise<Record<string, number>> {
  const db = await openDatabase(dbFile);
  try {
    return await tableCounts(db);
  } finally {
    await db.destroy();
  }
}

describe('esr-import', () => {
  it('rule: a good file is imported as pending requests (exit 0), a second run ignores and counts the duplicates, and the audit chain still verifies', async () => {
    const dir = await directory();
    const file = join(dir.folder, 'feed.json');
    const records = [createRecord('RXE01'), createRecord('rxe01', { givenName: 'Ola', familyName: 'Nowak' })];
    writeFileSync(file, JSON.stringify(records));
    const target = ['--db', dir.dbFile, '--secret-file', dir.secretFile];
    const first = serviceCli('esr-import', '--file', file, ...target);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('imported 2 ESR requests; no duplicates');
    const again = serviceCli('esr-import', '--file', file, ...target);
    expect(again.stdout).toContain(`imported 0 ESR requests; 2 already imported and ignored (${records[0]?.esrId}, ${records[1]?.esrId})`);
    expect((await counts(dir.dbFile)).esr_requests).toBe(2);
    expect(serviceCli('audit-verify', ...target).status).toBe(0);
  });

  it('rule: a CSV file is read by its extension', async () => {
    const dir = await directory();
    const file = join(dir.folder, 'feed.csv');
    const ni = uniqueNi();
    writeFileSync(file, `esrId,kind,givenName,familyName,dateOfBirth,niNumber,odsCode\nCSV-${ni},create,Ada,Lovelace,1990-12-10,${ni},RXE01\n`);
    const run = serviceCli('esr-import', '--file', file, '--db', dir.dbFile, '--secret-file', dir.secretFile);
    expect(run.stdout).toContain('imported 1 ESR request;');
    expect(run.status).toBe(0);
  });

  it('rule: a bad file changes nothing, exits 1 and names each problem by record and field', async () => {
    const dir = await directory();
    const file = join(dir.folder, 'feed.json');
    writeFileSync(file, JSON.stringify([createRecord('RXE01'), createRecord('NOPE1'), createRecord('RXE01', { dateOfBirth: 'yesterday' })]));
    const before = await counts(dir.dbFile);
    const run = serviceCli('esr-import', '--file', file, '--db', dir.dbFile, '--secret-file', dir.secretFile);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('One record is not valid; nothing was imported.');
    expect(run.stderr).toContain('records.2.dateOfBirth');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const second = serviceCli('esr-import', '--file', file.replace('feed', 'none'), '--db', dir.dbFile, '--secret-file', dir.secretFile);
    expect(second.status).toBe(2);
    writeFileSync(file, JSON.stringify([createRecord('RXE01'), createRecord('NOPE1')]));
    const unknown = serviceCli('esr-import', '--file', file, '--db', dir.dbFile, '--secret-file', dir.secretFile);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('records.1.odsCode: no organisation has the code NOPE1');
    expect(await counts(dir.dbFile)).toEqual(before);
  });

  it('rule: without --file, or with a file of unknown format, esr-import prints its usage and exits 2', () => {
    expect(serviceCli('esr-import').status).toBe(2);
    const run = serviceCli('esr-import', '--file', 'records.xml');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run service -- esr-import');
  });
});
