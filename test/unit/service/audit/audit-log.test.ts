import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, GENESIS, useAuditKey, verifyAuditLog } from '../../../../src-service/audit/audit-log.js';
import { makeAuditCheckpoint, verifyAgainstCheckpoint } from '../../../../src-service/audit/audit-checkpoint.js';
import { readAuditChainKey, type AuditChainKey } from '../../../../src-service/crypto/machine-secret.js';
import { openWithMachineSecret } from '../../../../src-service/crypto/machine-secret-file.js';
import { openDatabase, type Db } from '../../../../src-service/store/database.js';
import { actor, addPosition, addUser, testStorage } from '../../../support/service-fixtures.js';
import { auditLength, NOW, startHarness, uniqueNi, type Harness } from '../cim/cim-harness.js';
import { dropTrigger, unguard } from '../support/audit-tamper.js';
import { cardHolder, changeContact } from '../support/contact-change-rig.js';

// The audit log: every CIM change adds one entry naming actor, subject and workstation; the
// entries form a hash chain; the store refuses to change or delete them; an edit made around the
// store's refusal is found by verification. The chain is keyed with the audit key held in the
// service secret file, so rewriting it needs more than the database; cutting its end off is
// found against an exported checkpoint.

/** A log of its own: a fresh store opened with its service secret file, as the service opens it. */
interface Log {
  readonly db: Db;
  readonly storage: { dbFile: string; secretFile: string };
  /** The audit key of the log's secret file. */
  key(): AuditChainKey;
  discard(): Promise<void>;
}

async function openLog(prefix: string, storage = testStorage(prefix)): Promise<Log> {
  const { db } = await openWithMachineSecret(storage);
  return {
    db,
    storage,
    key: () => readAuditChainKey(storage.secretFile) as AuditChainKey,
    discard: async () => {
      await db.destroy();
      rmSync(dirname(storage.secretFile), { recursive: true, force: true });
    },
  };
}

/** A log of `entries` test events, one a day from 2025-01-01. */
async function logOf(prefix: string, entries: number): Promise<Log> {
  const log = await openLog(prefix);
  for (let i = 1; i <= entries; i++) await appendAudit(log.db, { action: 'test.event', actor: 'system', subject: `thing-${i}`, details: { n: i } }, new Date(Date.UTC(2025, 0, i)));
  return log;
}

interface Row {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  subject: string | null;
  workstation_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

const rows = (db: Db, afterSeq = 0): Promise<Row[]> => db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').execute();

describe('entries appended by the CIM endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('rule: each change adds one entry naming actor, subject and workstation, and the whole log verifies as one chain', async () => {
    const orgs = await h.tree();
    const ram = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const sponsor = await actor(h.db, orgs.trustA.id, ['S'], 'Sponsor');
    const requester = await cardHolder(h, orgs.siteA1.id, { name: 'Requester' });
    const user = await addUser(h.db, { given: 'Audited', family: 'User', homeOrgId: orgs.siteA1.id, ni: uniqueNi() });
    const [p, q] = [await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'P' }), await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Q' })];
    const startSeq = (await rows(h.db)).at(-1)?.seq ?? 0;

    const made = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [p, q], startDate: '2025-07-01' } });
    const [rp, rq] = made.body.requests.map((r: { id: number }) => r.id) as [number, number];
    const niNumber = uniqueNi();
    const calls: [string, string, unknown?, string?][] = [
      ['POST', `/v1/position-requests/${rp}/grant`, undefined, ram.token],
      ['POST', `/v1/position-requests/${rq}/reject`, { reason: 'Duplicate access' }, ram.token],
      ['PUT', '/v1/me/contact', { email: 'requester.new@nhs.net' }, requester.token],
      ['PATCH', `/v1/users/${user.uuid}/details`, { familyName: 'Renamed', niNumber }, ram.token],
      ['PATCH', `/v1/users/${user.uuid}/details`, { mobile: '07700900555' }, sponsor.token],
    ];
    for (const [method, path, json, token] of calls) {
      // The own contact change is approved by the requester's card (a challenge, then the change).
      const res =
        path === '/v1/me/contact'
          ? await changeContact(h, requester, json as { email: string })
          : await h.call(method, path, { ...(token ? { token } : {}), ...(json !== undefined ? { json } : {}) });
      expect(res.status).toBeLessThan(300);
    }

    const added = await rows(h.db, startSeq);
    expect(added.map((r) => [r.action, r.actor, r.subject, r.workstation_id])).toEqual([
      ['position-request.created', requester.uuid, requester.uuid, 'test-ws'],
      ['position-request.created', requester.uuid, requester.uuid, 'test-ws'],
      ['position-request.granted', ram.uuid, requester.uuid, 'test-ws'],
      ['position-request.rejected', ram.uuid, requester.uuid, 'test-ws'],
      // A new email is two steps: the code sent to it, then the change once the code is entered.
      ['contact.email-code-sent', requester.uuid, requester.uuid, 'test-ws'],
      ['contact.changed', requester.uuid, requester.uuid, 'test-ws'],
      ['user-details.changed', ram.uuid, user.uuid, 'test-ws'],
      ['user-details.change-requested', sponsor.uuid, user.uuid, 'test-ws'],
    ]);
    // Timestamps come from the service's clock.
    expect(new Set(added.map((r) => r.at))).toEqual(new Set([NOW.toISOString()]));
    // Each entry links to the one before it.
    const all = await rows(h.db);
    all.forEach((row, i) => expect(row.prev_hash).toBe(i === 0 ? '0'.repeat(64) : all[i - 1]?.hash));
    const key = readAuditChainKey(h.service.ctx.config.secretFile as string) as AuditChainKey;
    expect(await verifyAuditLog(h.db, key)).toEqual({ ok: true, entries: all.length });
    // No secrets or personal values in the details: tokens, NI numbers, addresses stay out.
    const text = JSON.stringify(added);
    for (const secret of [ram.token, sponsor.token, requester.token, niNumber, 'requester.new@nhs.net', '07700900555']) expect(text).not.toContain(secret);
  });
});

describe('the store keeps the log append-only', () => {
  let log: Log;
  beforeAll(async () => {
    log = await logOf('cis-audit-', 5);
  });
  afterAll(async () => log.discard());

  it('rule: UPDATE on the audit log is refused by the store', async () => {
    await expect(log.db.updateTable('audit_log').set({ details: '{}' }).where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
    await expect(log.db.updateTable('audit_log').set({ actor: 'someone-else' }).execute()).rejects.toThrow(/append-only/);
    expect(JSON.parse(((await rows(log.db))[1] as Row).details)).toEqual({ n: 2 });
  });

  it('rule: DELETE on the audit log is refused by the store', async () => {
    await expect(log.db.deleteFrom('audit_log').where('seq', '=', 3).execute()).rejects.toThrow(/append-only/);
    await expect(log.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    expect(await auditLength(log.db)).toBe(5);
    expect(await verifyAuditLog(log.db, log.key())).toEqual({ ok: true, entries: 5 });
  });
});

describe('verification finds edits made around the triggers', () => {
  const freshLog = (): Promise<Log> => logOf('cis-audit-tamper-', 6);

  it('rule: an edited entry is reported by its sequence number', async () => {
    const log = await freshLog();
    expect((await verifyAuditLog(log.db, log.key())).ok).toBe(true);
    await dropTrigger(log.db, 'audit_log_no_update');
    await log.db.updateTable('audit_log').set({ details: '{"n":99}' }).where('seq', '=', 4).execute();
    expect(await verifyAuditLog(log.db, log.key())).toEqual({ ok: false, entries: 4, brokenAt: 4 });
    await log.discard();
  });

  it.each(['actor', 'action', 'subject', 'workstation_id', 'at'] as const)('rule: an edit to the %s column is found', async (column) => {
    const log = await freshLog();
    await dropTrigger(log.db, 'audit_log_no_update');
    await log.db
      .updateTable('audit_log')
      .set({ [column]: column === 'at' ? '2025-01-02T00:00:00.001Z' : 'forged' })
      .where('seq', '=', 2)
      .execute();
    expect(await verifyAuditLog(log.db, log.key())).toMatchObject({ ok: false, brokenAt: 2 });
    await log.discard();
  });

  it('rule: a deleted entry breaks the chain at the entry after it', async () => {
    const log = await freshLog();
    await dropTrigger(log.db, 'audit_log_no_delete');
    await log.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
    expect(await verifyAuditLog(log.db, log.key())).toMatchObject({ ok: false, brokenAt: 4 });
    await log.discard();
  });

  it("rule: copying a later entry's hash onto an edited one does not hide the edit", async () => {
    const log = await freshLog();
    await dropTrigger(log.db, 'audit_log_no_update');
    const next = (await rows(log.db))[4] as Row;
    await log.db.updateTable('audit_log').set({ details: '{"n":0}', hash: next.hash }).where('seq', '=', 5).execute();
    expect(await verifyAuditLog(log.db, log.key())).toMatchObject({ ok: false, brokenAt: 5 });
    await log.discard();
  });
});

describe('the keyed chain', () => {
  const keyedLog = (): Promise<Log> => logOf('cis-audit-keyed-', 6);

  it('rule: an entry rewritten with a recomputed plain SHA-256 chain does not verify without the audit key', async () => {
    const log = await keyedLog();
    await unguard(log.db);
    // The writer recomputes every hash from entry 3 on, as the unkeyed chain allowed.
    let prev = ((await rows(log.db))[1] as Row).hash;
    for (const row of await rows(log.db, 2)) {
      const details = row.seq === 3 ? '{"n":33}' : row.details;
      const hash = createHash('sha256').update(JSON.stringify([prev, row.at, row.actor, row.action, row.subject, row.workstation_id, details])).digest('hex');
      await log.db.updateTable('audit_log').set({ details, prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
      prev = hash;
    }
    expect(await verifyAuditLog(log.db, log.key())).toMatchObject({ ok: false, brokenAt: 3 });
    await log.discard();
  });

  it('rule: another key does not verify the chain', async () => {
    const log = await keyedLog();
    expect(await verifyAuditLog(log.db, { key: Buffer.alloc(32, 7), keyedAfter: 0 })).toMatchObject({ ok: false, brokenAt: 1 });
    await log.discard();
  });

  it('rule: a log from before the audit key keeps its entries, and the first keyed entry seals them', async () => {
    const storage = testStorage('cis-audit-legacy-');
    const legacy = await openDatabase(storage.dbFile);
    // Written as the unkeyed chain was, by a service that had no audit key yet.
    useAuditKey(legacy, { key: Buffer.alloc(32), keyedAfter: Number.MAX_SAFE_INTEGER });
    for (let i = 1; i <= 3; i++) await appendAudit(legacy, { action: 'old.event', actor: 'system', subject: `old-${i}` });
    expect(await verifyAuditLog(legacy, null)).toEqual({ ok: true, entries: 3 });
    await legacy.destroy();

    const { db, secret } = await openWithMachineSecret(storage);
    expect(secret.audit.keyedAfter).toBe(3);
    await appendAudit(db, { action: 'new.event', actor: 'system', subject: 'new-1' });
    expect(await verifyAuditLog(db, secret.audit)).toEqual({ ok: true, entries: 4 });
    // The keyed entry covers the last unkeyed one: rewriting the old part, links and all, shows.
    await unguard(db);
    const first = (await rows(db))[0] as Row;
    const forged = createHash('sha256').update(JSON.stringify([GENESIS, first.at, 'someone', first.action, first.subject, first.workstation_id, first.details])).digest('hex');
    await db.updateTable('audit_log').set({ actor: 'someone', hash: forged }).where('seq', '=', 1).execute();
    await db.updateTable('audit_log').set({ prev_hash: forged }).where('seq', '=', 2).execute();
    expect(await verifyAuditLog(db, secret.audit)).toMatchObject({ ok: false, brokenAt: 2 });
    await db.destroy();
    rmSync(dirname(storage.secretFile), { recursive: true, force: true });
  });
});

describe('a secret file from before the audit key', () => {
  it('rule: the next start adds the audit key beside the data key, 0600, and keys the entries after those already written', async () => {
    const storage = testStorage('cis-audit-upgrade-');
    const { secretFile } = storage;
    const old = { dataKey: Buffer.alloc(32, 9).toString('base64'), caPassphrase: 'an old passphrase of enough length' };
    writeFileSync(secretFile, JSON.stringify(old), { mode: 0o600 });
    const legacy = await openDatabase(storage.dbFile);
    useAuditKey(legacy, { key: Buffer.alloc(32), keyedAfter: Number.MAX_SAFE_INTEGER });
    for (let i = 1; i <= 2; i++) await appendAudit(legacy, { action: 'old.event', actor: 'system' });
    await legacy.destroy();

    const { db, secret } = await openWithMachineSecret(storage);
    expect(secret.dataKey.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(secret.caPassphrase).toBe(old.caPassphrase);
    expect(secret.audit.keyedAfter).toBe(2);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(secretFile, 'utf8'))).toMatchObject({ ...old, auditKeyedAfter: 2, auditKey: secret.audit.key.toString('base64') });
    await appendAudit(db, { action: 'new.event', actor: 'system' });
    expect(await verifyAuditLog(db, readAuditChainKey(secretFile) as AuditChainKey)).toEqual({ ok: true, entries: 3 });
    await db.destroy();
    rmSync(dirname(secretFile), { recursive: true, force: true });
  });
});

describe('truncation and the checkpoint', () => {
  it('rule: a log cut short verifies as a chain, and is reported as truncated only against a checkpoint', async () => {
    const log = await openLog('cis-audit-cut-');
    const key = log.key();
    for (let i = 1; i <= 6; i++) await appendAudit(log.db, { action: 'test.event', actor: 'system', subject: `thing-${i}` });
    const checkpoint = await makeAuditCheckpoint(log.db, key, new Date('2025-02-01T00:00:00Z'));
    expect(checkpoint).toMatchObject({ seq: 6 });
    expect(await verifyAgainstCheckpoint(log.db, key, checkpoint)).toEqual({ ok: true, entries: 6 });
    await unguard(log.db);
    await log.db.deleteFrom('audit_log').where('seq', '>', 4).execute();
    expect(await verifyAuditLog(log.db, key)).toEqual({ ok: true, entries: 4 });
    const found = await verifyAgainstCheckpoint(log.db, key, checkpoint);
    expect(found.ok).toBe(false);
    expect(found.problem).toMatch(/TRUNCATED: the checkpoint of 2025-02-01T00:00:00.000Z names entry 6, but the log ends at entry 4/);
    await log.discard();
  });

  it('rule: a cut tail written over by new entries does not match the checkpoint', async () => {
    const log = await openLog('cis-audit-regrown-');
    const key = log.key();
    for (let i = 1; i <= 5; i++) await appendAudit(log.db, { action: 'test.event', actor: 'system', subject: `thing-${i}` });
    const checkpoint = await makeAuditCheckpoint(log.db, key, new Date());
    await unguard(log.db);
    await log.db.deleteFrom('audit_log').where('seq', '>', 3).execute();
    for (let i = 4; i <= 6; i++) await appendAudit(log.db, { action: 'test.other', actor: 'system', subject: `other-${i}` });
    expect((await verifyAuditLog(log.db, key)).ok).toBe(true);
    expect(await verifyAgainstCheckpoint(log.db, key, checkpoint)).toMatchObject({ ok: false, brokenAt: 5 });
    await log.discard();
  });

  it('rule: a checkpoint edited to name an earlier entry is refused', async () => {
    const log = await openLog('cis-audit-forged-cp-');
    const key = log.key();
    for (let i = 1; i <= 4; i++) await appendAudit(log.db, { action: 'test.event', actor: 'system', subject: `thing-${i}` });
    const checkpoint = await makeAuditCheckpoint(log.db, key, new Date());
    const earlier = (await rows(log.db))[1] as Row;
    const found = await verifyAgainstCheckpoint(log.db, key, { ...checkpoint, seq: 2, hash: earlier.hash });
    expect(found).toMatchObject({ ok: false });
    expect(found.problem).toMatch(/not made with this service's audit key/);
    await log.discard();
  });
});
