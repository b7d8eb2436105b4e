import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaError } from '../../../../src-service/ca/ca-storage.js';
import { startService } from '../../../../src-service/start-service.js';
import { testStorage } from '../../../support/service-fixtures.js';

// Which passphrase protects the CA keys (config.caPassphrase, else the machine secret's), and
// what a start with the wrong one looks like: a clear message, no stack trace, no secret.

const storage = testStorage('cis-ca-start-');
const CONFIGURED = 'standalone service CA passphrase';
afterAll(() => rmSync(dirname(storage.secretFile), { recursive: true, force: true }));

describe('the CA passphrase at startup', () => {
  it('config caPassphrase protects the CA; a start without it (machine secret passphrase) is refused, a start with it loads the same CA', async () => {
    const first = await startService({ ...storage, caPassphrase: CONFIGURED });
    const fingerprint = first.ctx.ca.issuing.fingerprint256;
    await first.close();

    const err = await startService(storage).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaError);
    expect((err as Error).message).toMatch(/passphrase/);

    const again = await startService({ ...storage, caPassphrase: CONFIGURED });
    expect(again.ctx.ca.issuing.fingerprint256).toBe(fingerprint);
    await again.close();
  });

  it('`npm run service` with a wrong CIS_CA_PASSPHRASE exits 2 with the message only', () => {
    const wrong = 'definitely the wrong passphrase';
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'serve', '--db', storage.dbFile], {
      env: { ...process.env, CIS_CA_PASSPHRASE: wrong, CIS_SECRET_FILE: storage.secretFile },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/The CA passphrase does not open the certificate authority keys in this database/);
    expect(run.stderr).not.toContain(wrong);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });
});
