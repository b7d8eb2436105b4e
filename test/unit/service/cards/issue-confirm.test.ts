import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCardSecret } from '../../../../src-service/crypto/card-secrets.js';
import { sessionFor } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { blankCard, issueUntil, loginWith, operationRows, orphanRows, people, step } from './issue-support.js';

// Confirming an issue registers the card (src-service/cards/issue-confirm.ts); abandoning voids
// it (operation-abandon.ts). Every step is taken only by the session and workstation that opened
// the operation, while it is open.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const serialOf = (der: Buffer): string => new X509Certificate(der).serialNumber.toLowerCase();

describe('confirming an issue', () => {
  it("rule: confirm registers the card to the holder, active, with its sealed secrets and attestation key, its certificate live, and audits 'card.issued'", async () => {
    const p = await people(h);
    const card = blankCard();
    const issued = await issueUntil(h, p, card, 'confirm');
    const registered = await h.db.selectFrom('cards').selectAll().where('uuid', '=', issued.cardUuid).executeTakeFirstOrThrow();
    expect(registered).toMatchObject({ user_id: p.holder.id, status: 'active', serial: card.serial, algorithm: 'p256', management_key_algorithm: 'aes128', cleared_at: null });
    expect(registered.attestation_key).not.toBeNull();
    expect(openCardSecret(h.service.ctx.dataKey, issued.cardUuid, 'puk', registered.puk_sealed!).toString('ascii')).toBe(issued.puk);
    expect(openCardSecret(h.service.ctx.dataKey, issued.cardUuid, 'management-key', registered.management_key_sealed!)).toEqual(issued.managementKey);
    const certs = await h.db.selectFrom('certificates').select(['serial', 'revoked_at']).where('card_id', '=', registered.id).execute();
    expect(certs).toEqual([{ serial: serialOf(issued.certificate!), revoked_at: null }]);
    expect(await operationRows(h, issued.cardUuid)).toEqual([expect.objectContaining({ status: 'done', outcome: 'issued', card_id: registered.id })]);
    const audit = await h.db.selectFrom('audit_log').select(['action', 'actor', 'workstation_id']).where('subject', '=', issued.cardUuid).where('action', '=', 'card.issued').execute();
    expect(audit).toEqual([{ action: 'card.issued', actor: p.ra.uuid, workstation_id: 'test-ws' }]);
    // The holder signs in with the new card.
    expect((await loginWith(h, issued.certificate!, issued.key!.privateKey)).status).toBe(200);
  });

  it('rule: confirm is repeatable: asked again it answers the same and registers nothing twice', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'confirm');
    const before = await tableCounts(h.db);
    const again = await step(h, p.ra.token, issued.operationId, 'confirm');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ok: true });
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: confirm before the card proved the new key is refused in words and registers nothing', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'personalise');
    const before = await tableCounts(h.db);
    const res = await step(h, p.ra.token, issued.operationId, 'confirm');
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard has not yet proved it holds the key the service gave it, so it cannot be registered. Issue the smartcard again.');
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a holder whose profile was closed during the issue is not registered a card, in words', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'authenticate');
    await h.db.updateTable('users').set({ status: 'closed' }).where('id', '=', p.holder.id).execute();
    const before = await tableCounts(h.db);
    const res = await step(h, p.ra.token, issued.operationId, 'confirm');
    expect(res.status).toBe(409);
    expect(res.body.message).toBe("Nia Holder's profile was closed, so the smartcard cannot be registered to them.");
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a step from another workstation, or from another session of the same RA, finds no such operation (404) and changes nothing', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'authenticate');
    const otherSession = await sessionFor(h.db, p.ra.userId, p.ra.positionId);
    const before = await tableCounts(h.db);
    const elsewhere = await h.call('POST', `/v1/card-operations/${issued.operationId}/confirm`, { token: p.ra.token, json: { workstationId: 'other-ws' } });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.message).toBe('That card operation was not found on this workstation. Start again.');
    expect((await step(h, otherSession, issued.operationId, 'confirm')).status).toBe(404);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: an issue left for more than 15 minutes has expired: its steps are refused in words, and its certificate never becomes live', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'authenticate');
    h.setNow(new Date(h.service.ctx.now().getTime() + 15 * 60_000 + 1));
    try {
      const res = await step(h, p.ra.token, issued.operationId, 'confirm');
      expect(res.status).toBe(409);
      expect(res.body.message).toBe('This smartcard issue took too long and has expired. Start again.');
      expect(await h.db.selectFrom('cards').select('id').where('uuid', '=', issued.cardUuid).execute()).toEqual([]);
    } finally {
      h.resetClock();
    }
  });
});

describe('abandoning an issue', () => {
  it('rule: abandon voids the issue, its unconfirmed certificate becomes a revoked orphan, and nothing more can be done with it', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'authenticate');
    const res = await step(h, p.ra.token, issued.operationId, 'abandon', { reason: 'card-removed' });
    expect(res.status).toBe(200);
    expect(await operationRows(h, issued.cardUuid)).toEqual([expect.objectContaining({ status: 'void', outcome: 'card-removed' })]);
    expect((await orphanRows(h)).find((o) => o.serial === serialOf(issued.certificate!))).toMatchObject({ revocation_reason: 'cessationOfOperation' });
    const confirm = await step(h, p.ra.token, issued.operationId, 'confirm');
    expect(confirm.status).toBe(409);
    expect(confirm.body.message).toBe('This smartcard issue was stopped. Start again.');
    expect(await h.db.selectFrom('cards').select('id').where('uuid', '=', issued.cardUuid).execute()).toEqual([]);
    const audit = await h.db.selectFrom('audit_log').select('details').where('subject', '=', issued.cardUuid).where('action', '=', 'card.operation-abandoned').execute();
    expect(audit.map((a) => JSON.parse(a.details))).toEqual([expect.objectContaining({ reason: 'card-removed', certificateRevoked: serialOf(issued.certificate!) })]);
  });

  it('rule: abandoning an issue already confirmed leaves the card registered and its certificate live', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'confirm');
    expect((await step(h, p.ra.token, issued.operationId, 'abandon', { reason: 'failed' })).status).toBe(200);
    expect((await h.db.selectFrom('cards').select('status').where('uuid', '=', issued.cardUuid).executeTakeFirstOrThrow()).status).toBe('active');
    expect((await orphanRows(h)).some((o) => o.serial === serialOf(issued.certificate!))).toBe(false);
  });
});
