import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, GENESIS, useAuditKey, verifyAuditLog } from '../../../src-service/audit/audit-log.js';
import { makeAuditCheckpoint, verifyAgainstCheckpoint } from '../../../src-service/audit/audit-checkpoint.js';
import { readAuditChainKey, type AuditChainKey } from '../../../src-service/crypto/machine-secret.js';
import { machineSecretFileFor, openWithMachineSecret } from '../../../src-service/crypto/machine-secret-file.js';
import { openDatabase, type Db } from '../../../src-service/store/database.js';
import { actor, addPosition, addUser, tempDbFile } from '../../support/service-fixtures.js';
import { auditLength, NOW, startHarness, uniqueNi, type Harness } from './cim-harness.js';
import { cardHolder, changeContact } from './support/contact-change-rig.js';

// The audit log: every CIM change adds one entry naming actor, subject and workstation; the
// entries form a hash chain; the store refuses to change or delete them; an edit made around the
// store's refusal is found by verification. The chain is keyed with the audit key held in the
// service secret file, so rewriting it needs more than the database; cutting its end off is
// found against an exported checkpoint.

/** The audit key of the service secret file beside `db`. */
const keyOf = (db: Db): AuditChainKey => readAuditChainKey(machineSecretFileFor({ dbFile: db.name })) as AuditChainKey;

function discard(db: Db): void {
  const file = db.name;
  db.close();
  rmSync(dirname(file), { recursive: true, force: true });
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

const rows = (db: Db, afterSeq = 0): Row[] => db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq').all(afterSeq) as Row[];

describe('entries appended by the CIM endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('rule: each change adds one entry naming actor, subject and workstation, and the whole log verifies as one chain', async () => {
    const orgs = h.tree();
    const ram = actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const sponsor = actor(h.db, orgs.trustA.id, ['S'], 'Sponsor');
    const requester = cardHolder(h, orgs.siteA1.id, { name: 'Requester' });
    const user = addUser(h.db, { given: 'Audited', family: 'User', homeOrgId: orgs.siteA1.id, ni: uniqueNi() });
    const [p, q] = [addPosition(h.db, { orgId: orgs.siteA1.id, title: 'P' }), addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Q' })];
    const startSeq = (h.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number) ?? 0;

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

    const added = rows(h.db, startSeq);
    expect(added.map((r) => [r.action, r.actor, r.subject, r.workstation_id])).toEqual([
      ['position-request.created', requester.uuid, requester.uuid, 'test-ws'],
      ['position-request.created', requester.uuid, requester.uuid, 'test-ws'],
      ['position-request.granted', ram.uuid, requester.uuid, 'test-ws'],
      ['position-request.rejected', ram.uuid, requester.uuid, 'test-ws'],
      ['contact.changed', requester.uuid, requester.uuid, 'test-ws'],
      ['user-details.changed', ram.uuid, user.uuid, 'test-ws'],
      ['user-details.change-requested', sponsor.uuid, user.uuid, 'test-ws'],
    ]);
    // Timestamps come from the service's clock.
    expect(new Set(added.map((r) => r.at))).toEqual(new Set([NOW.toISOString()]));
    // Each entry links to the one before it.
    const all = rows(h.db);
    all.forEach((row, i) => expect(row.prev_hash).toBe(i === 0 ? '0'.repeat(64) : all[i - 1]?.hash));
    expect(verifyAuditLog(h.db, keyOf(h.db))).toEqual({ ok: true, entries: all.length });
    // No secrets or personal values in the details: tokens, NI numbers, addresses stay out.
    const text = JSON.stringify(added);
    for (const secret of [ram.token, sponsor.token, requester.token, niNumber, 'requester.new@nhs.net', '07700900555']) expect(text).not.toContain(secret);
  });
});

describe('the store keeps the log append-only', () => {
  let db: Db;
  beforeAll(() => {
    db = openWithMachineSecret({ dbFile: tempDbFile('cis-audit-') }).db;
    for (let i = 1; i <= 5; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}`, details: { n: i } }, new Date(Date.UTC(2025, 0, i)));
  });
  afterAll(() => discard(db));

  it('rule: UPDATE on the audit log is refused by the store', () => {
    expect(() => db.prepare("UPDATE audit_log SET details = '{}' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone-else'").run()).toThrow(/append-only/);
    expect(JSON.parse((rows(db)[1] as Row).details)).toEqual({ n: 2 });
  });

  it('rule: DELETE on the audit log is refused by the store', () => {
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(auditLength(db)).toBe(5);
    expect(verifyAuditLog(db, keyOf(db))).toEqual({ ok: true, entries: 5 });
  });
});

describe('verification finds edits made around the triggers', () => {
  function freshLog(): Db {
    const { db } = openWithMachineSecret({ dbFile: tempDbFile('cis-audit-tamper-') });
    for (let i = 1; i <= 6; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}`, details: { n: i } }, new Date(Date.UTC(2025, 0, i)));
    return db;
  }

  it('rule: an edited entry is reported by its sequence number', () => {
    const db = freshLog();
    expect(verifyAuditLog(db, keyOf(db)).ok).toBe(true);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET details = '{\"n\":99}' WHERE seq = 4").run();
    expect(verifyAuditLog(db, keyOf(db))).toEqual({ ok: false, entries: 4, brokenAt: 4 });
    discard(db);
  });

  it.each(['actor', 'action', 'subject', 'workstation_id', 'at'] as const)('rule: an edit to the %s column is found', (column) => {
    const db = freshLog();
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = 2`).run(column === 'at' ? '2025-01-02T00:00:00.001Z' : 'forged');
    expect(verifyAuditLog(db, keyOf(db))).toMatchObject({ ok: false, brokenAt: 2 });
    discard(db);
  });

  it('rule: a deleted entry breaks the chain at the entry after it', () => {
    const db = freshLog();
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(verifyAuditLog(db, keyOf(db))).toMatchObject({ ok: false, brokenAt: 4 });
    discard(db);
  });

  it("rule: copying a later entry's hash onto an edited one does not hide the edit", () => {
    const db = freshLog();
    db.exec('DROP TRIGGER audit_log_no_update');
    const next = rows(db)[4] as Row;
    db.prepare("UPDATE audit_log SET details = '{\"n\":0}', hash = ? WHERE seq = 5").run(next.hash);
    expect(verifyAuditLog(db, keyOf(db))).toMatchObject({ ok: false, brokenAt: 5 });
    discard(db);
  });
});

/** Drops the triggers, as someone with write access to the database file could. */
function unguard(db: Db): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
}

describe('the keyed chain', () => {
  function keyedLog(entries = 6): Db {
    const { db } = openWithMachineSecret({ dbFile: tempDbFile('cis-audit-keyed-') });
    for (let i = 1; i <= entries; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}`, details: { n: i } }, new Date(Date.UTC(2025, 0, i)));
    return db;
  }

  it('rule: an entry rewritten with a recomputed plain SHA-256 chain does not verify without the audit key', () => {
    const db = keyedLog();
    unguard(db);
    // The writer recomputes every hash from entry 3 on, as the unkeyed chain allowed.
    let prev = (rows(db)[1] as Row).hash;
    for (const row of rows(db, 2)) {
      const details = row.seq === 3 ? '{"n":33}' : row.details;
      const hash = createHash('sha256').update(JSON.stringify([prev, row.at, row.actor, row.action, row.subject, row.workstation_id, details])).digest('hex');
      db.prepare('UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(details, prev, hash, row.seq);
      prev = hash;
    }
    expect(verifyAuditLog(db, keyOf(db))).toMatchObject({ ok: false, brokenAt: 3 });
    discard(db);
  });

  it('rule: another key does not verify the chain', () => {
    const db = keyedLog();
    expect(verifyAuditLog(db, { key: Buffer.alloc(32, 7), keyedAfter: 0 })).toMatchObject({ ok: false, brokenAt: 1 });
    discard(db);
  });

  it('rule: a log from before the audit key keeps its entries, and the first keyed entry seals them', () => {
    const dbFile = tempDbFile('cis-audit-legacy-');
    const legacy = openDatabase(dbFile);
    // Written as the unkeyed chain was, by a service that had no audit key yet.
    useAuditKey(legacy, { key: Buffer.alloc(32), keyedAfter: Number.MAX_SAFE_INTEGER });
    for (let i = 1; i <= 3; i++) appendAudit(legacy, { action: 'old.event', actor: 'system', subject: `old-${i}` });
    expect(verifyAuditLog(legacy, null)).toEqual({ ok: true, entries: 3 });
    legacy.close();

    const { db, secret } = openWithMachineSecret({ dbFile });
    expect(secret.audit.keyedAfter).toBe(3);
    appendAudit(db, { action: 'new.event', actor: 'system', subject: 'new-1' });
    expect(verifyAuditLog(db, secret.audit)).toEqual({ ok: true, entries: 4 });
    // The keyed entry covers the last unkeyed one: rewriting the old part, links and all, shows.
    unguard(db);
    const first = rows(db)[0] as Row;
    const forged = createHash('sha256').update(JSON.stringify([GENESIS, first.at, 'someone', first.action, first.subject, first.workstation_id, first.details])).digest('hex');
    db.prepare("UPDATE audit_log SET actor = 'someone', hash = ? WHERE seq = 1").run(forged);
    db.prepare('UPDATE audit_log SET prev_hash = ? WHERE seq = 2').run(forged);
    expect(verifyAuditLog(db, secret.audit)).toMatchObject({ ok: false, brokenAt: 2 });
    discard(db);
  });
});

describe('a secret file from before the audit key', () => {
  it('rule: the next start adds the audit key beside the data key, 0600, and keys the entries after those already written', () => {
    const dbFile = tempDbFile('cis-audit-upgrade-');
    const secretFile = machineSecretFileFor({ dbFile });
    const old = { dataKey: Buffer.alloc(32, 9).toString('base64'), caPassphrase: 'an old passphrase of enough length' };
    writeFileSync(secretFile, JSON.stringify(old), { mode: 0o600 });
    const legacy = openDatabase(dbFile);
    useAuditKey(legacy, { key: Buffer.alloc(32), keyedAfter: Number.MAX_SAFE_INTEGER });
    for (let i = 1; i <= 2; i++) appendAudit(legacy, { action: 'old.event', actor: 'system' });
    legacy.close();

    const { db, secret } = openWithMachineSecret({ dbFile });
    expect(secret.dataKey.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(secret.caPassphrase).toBe(old.caPassphrase);
    expect(secret.audit.keyedAfter).toBe(2);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(secretFile, 'utf8'))).toMatchObject({ ...old, auditKeyedAfter: 2, auditKey: secret.audit.key.toString('base64') });
    appendAudit(db, { action: 'new.event', actor: 'system' });
    expect(verifyAuditLog(db, keyOf(db))).toEqual({ ok: true, entries: 3 });
    discard(db);
  });
});

describe('truncation and the checkpoint', () => {
  it('rule: a log cut short verifies as a chain, and is reported as truncated only against a checkpoint', () => {
    const { db } = openWithMachineSecret({ dbFile: tempDbFile('cis-audit-cut-') });
    const key = keyOf(db);
    for (let i = 1; i <= 6; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}` });
    const checkpoint = makeAuditCheckpoint(db, key, new Date('2025-02-01T00:00:00Z'));
    expect(checkpoint).toMatchObject({ seq: 6 });
    expect(verifyAgainstCheckpoint(db, key, checkpoint)).toEqual({ ok: true, entries: 6 });
    unguard(db);
    db.prepare('DELETE FROM audit_log WHERE seq > 4').run();
    expect(verifyAuditLog(db, key)).toEqual({ ok: true, entries: 4 });
    const found = verifyAgainstCheckpoint(db, key, checkpoint);
    expect(found.ok).toBe(false);
    expect(found.problem).toMatch(/TRUNCATED: the checkpoint of 2025-02-01T00:00:00.000Z names entry 6, but the log ends at entry 4/);
    discard(db);
  });

  it('rule: a cut tail written over by new entries does not match the checkpoint', () => {
    const { db } = openWithMachineSecret({ dbFile: tempDbFile('cis-audit-regrown-') });
    const key = keyOf(db);
    for (let i = 1; i <= 5; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}` });
    const checkpoint = makeAuditCheckpoint(db, key, new Date());
    unguard(db);
    db.prepare('DELETE FROM audit_log WHERE seq > 3').run();
    for (let i = 4; i <= 6; i++) appendAudit(db, { action: 'test.other', actor: 'system', subject: `other-${i}` });
    expect(verifyAuditLog(db, key).ok).toBe(true);
    expect(verifyAgainstCheckpoint(db, key, checkpoint)).toMatchObject({ ok: false, brokenAt: 5 });
    discard(db);
  });

  it('rule: a checkpoint edited to name an earlier entry is refused', () => {
    const { db } = openWithMachineSecret({ dbFile: tempDbFile('cis-audit-forged-cp-') });
    const key = keyOf(db);
    for (let i = 1; i <= 4; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}` });
    const checkpoint = makeAuditCheckpoint(db, key, new Date());
    const earlier = rows(db)[1] as Row;
    const found = verifyAgainstCheckpoint(db, key, { ...checkpoint, seq: 2, hash: earlier.hash });
    expect(found).toMatchObject({ ok: false });
    expect(found.problem).toMatch(/not made with this service's audit key/);
    discard(db);
  });
});
