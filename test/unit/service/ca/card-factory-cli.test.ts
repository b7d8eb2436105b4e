import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT } from '../../../../src-main/card/piv/piv-constants.js';
import { VirtualCardState } from '../../../../src-shared/card/virtual-card-state.js';
import { openCardSecret } from '../../../../src-service/crypto/card-secrets.js';
import { loadOrCreateMachineSecret } from '../../../../src-service/crypto/machine-secret.js';
import { openDatabase, type Db } from '../../../../src-service/store/database.js';
import { addOrg, addUser, testStorage } from '../../../support/service-fixtures.js';
import { withCard } from '../support/card-login-rig.js';

// `npm run service -- make-card`: the command an administrator (or training setup) runs.
// It prints what it made and never the passcode, the PUK or a key.

// The service's database (a SQLite file, or a PostgreSQL URL in that engine's run) and the secret
// file beside it, named as an administrator names them: --db and --secret-file.
const { dbFile, secretFile } = testStorage('cis-make-card-');
const dir = dirname(secretFile);
let userUuid: string;

/** The service's store, opened for one look. */
async function withDb<T>(look: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(dbFile);
  try {
    return await look(db);
  } finally {
    await db.destroy();
  }
}

const cardCount = (): Promise<number> => withDb(async (db) => Number((await db.selectFrom('cards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));

beforeAll(async () => {
  await withDb(async (db) => {
    const org = await addOrg(db, { code: 'RXX', name: 'Example Trust' });
    userUuid = (await addUser(db, { given: 'Hana', family: 'Ito', homeOrgId: org.id })).uuid;
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCardCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'make-card', ...args, '--secret-file', secretFile], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('make-card', () => {
  it('makes a registered card and writes its state file (0600); the chosen passcode works on it and is never printed', async () => {
    const state = join(dir, 'hana.json');
    const run = makeCardCli(['--user', userUuid, '--state', state, '--passcode', '97531864', '--algorithm', 'p256', '--valid-days', '30', '--db', dbFile]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    const card = VirtualCardState.parse(JSON.parse(readFileSync(state, 'utf8')));

    const { row, notAfter } = await withDb(async (db) => ({
      row: await db.selectFrom('cards').select(['uuid', 'status', 'algorithm', 'puk_sealed']).executeTakeFirstOrThrow(),
      notAfter: (await db.selectFrom('certificates').select('not_after').executeTakeFirstOrThrow()).not_after,
    }));
    expect(row).toMatchObject({ status: 'active', algorithm: 'p256' });
    expect(run.stdout).toContain(`card ${row.uuid} (serial ${card.serial}, p256) issued to user ${userUuid}`);
    expect(Date.parse(notAfter) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(Date.parse(notAfter) - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);

    const puk = openCardSecret(loadOrCreateMachineSecret(secretFile).dataKey, row.uuid, 'puk', row.puk_sealed as Buffer).toString();
    for (const secret of ['97531864', puk, card.managementKey.key]) expect(run.stdout + run.stderr).not.toContain(secret);

    await withCard(card, async (piv) => {
      await piv.verifyPin(Buffer.from('97531864'));
      expect(await piv.readCertificate(SLOT.AUTHENTICATION)).toBeDefined();
    });
  });

  it('refuses to overwrite an existing state file (that would destroy a card)', () => {
    const state = join(dir, 'hana.json');
    const before = readFileSync(state);
    const run = makeCardCli(['--user', userUuid, '--state', state, '--db', dbFile]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/already exists/);
    expect(readFileSync(state).equals(before)).toBe(true);
  });

  it('refuses a passcode outside the national rule without printing it, and makes nothing', async () => {
    const state = join(dir, 'bad.json');
    const run = makeCardCli(['--user', userUuid, '--state', state, '--passcode', '12ab', '--db', dbFile]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/passcode is not valid: Your passcode must contain numbers only/);
    expect(run.stderr).not.toContain('12ab');
    expect(existsSync(state)).toBe(false);
    expect(await cardCount()).toBe(1);
  });

  it('refuses an unknown algorithm and missing arguments with the usage', () => {
    expect(makeCardCli(['--user', userUuid, '--state', join(dir, 'x.json'), '--algorithm', 'rsa1024', '--db', dbFile]).stderr).toMatch(/rsa2048 or p256/);
    const run = makeCardCli(['--db', dbFile]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage: npm run service -- make-card --user <uuid> --state <file>/);
  });
});
