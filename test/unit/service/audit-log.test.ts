import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditLog } from '../../../src-service/audit/audit-log.js';
import { openDatabase, type Db } from '../../../src-service/store/database.js';
import { actor, addPosition, addUser, tempDbFile } from '../../support/service-fixtures.js';
import { auditLength, NOW, startHarness, uniqueNi, type Harness } from './cim-harness.js';
import { cardHolder, changeContact } from './support/contact-change-rig.js';

// The audit log: every CIM change adds one entry naming actor, subject and workstation; the
// entries form a hash chain; the store refuses to change or delete them; an edit made around the
// store's refusal is found by verification.

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
    expect(verifyAuditLog(h.db)).toEqual({ ok: true, entries: all.length });
    // No secrets or personal values in the details: tokens, NI numbers, addresses stay out.
    const text = JSON.stringify(added);
    for (const secret of [ram.token, sponsor.token, requester.token, niNumber, 'requester.new@nhs.net', '07700900555']) expect(text).not.toContain(secret);
  });
});

describe('the store keeps the log append-only', () => {
  let db: Db;
  beforeAll(() => {
    db = openDatabase(tempDbFile('cis-audit-'));
    for (let i = 1; i <= 5; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}`, details: { n: i } }, new Date(Date.UTC(2025, 0, i)));
  });
  afterAll(() => {
    const file = db.name;
    db.close();
    rmSync(dirname(file), { recursive: true, force: true });
  });

  it('rule: UPDATE on the audit log is refused by the store', () => {
    expect(() => db.prepare("UPDATE audit_log SET details = '{}' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone-else'").run()).toThrow(/append-only/);
    expect(JSON.parse((rows(db)[1] as Row).details)).toEqual({ n: 2 });
  });

  it('rule: DELETE on the audit log is refused by the store', () => {
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(auditLength(db)).toBe(5);
    expect(verifyAuditLog(db)).toEqual({ ok: true, entries: 5 });
  });
});

describe('verification finds edits made around the triggers', () => {
  function freshLog(): Db {
    const db = openDatabase(tempDbFile('cis-audit-tamper-'));
    for (let i = 1; i <= 6; i++) appendAudit(db, { action: 'test.event', actor: 'system', subject: `thing-${i}`, details: { n: i } }, new Date(Date.UTC(2025, 0, i)));
    return db;
  }
  function discard(db: Db): void {
    const file = db.name;
    db.close();
    rmSync(dirname(file), { recursive: true, force: true });
  }

  it('rule: an edited entry is reported by its sequence number', () => {
    const db = freshLog();
    expect(verifyAuditLog(db).ok).toBe(true);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET details = '{\"n\":99}' WHERE seq = 4").run();
    expect(verifyAuditLog(db)).toEqual({ ok: false, entries: 4, brokenAt: 4 });
    discard(db);
  });

  it.each(['actor', 'action', 'subject', 'workstation_id', 'at'] as const)('rule: an edit to the %s column is found', (column) => {
    const db = freshLog();
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = 2`).run(column === 'at' ? '2025-01-02T00:00:00.001Z' : 'forged');
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, brokenAt: 2 });
    discard(db);
  });

  it('rule: a deleted entry breaks the chain at the entry after it', () => {
    const db = freshLog();
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, brokenAt: 4 });
    discard(db);
  });

  it("rule: copying a later entry's hash onto an edited one does not hide the edit", () => {
    const db = freshLog();
    db.exec('DROP TRIGGER audit_log_no_update');
    const next = rows(db)[4] as Row;
    db.prepare("UPDATE audit_log SET details = '{\"n\":0}', hash = ? WHERE seq = 5").run(next.hash);
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, brokenAt: 5 });
    discard(db);
  });
});
