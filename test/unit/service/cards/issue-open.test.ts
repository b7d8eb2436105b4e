import { randomUUID, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCard, auditRows } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { blankCard, issueUntil, loginWith, openIssue, operationRows, orphanRows, people, readout, step } from './issue-support.js';

// Opening the issue of a smartcard (src-service/cards/issue-open.ts): only for a card that is
// free to issue (registered to nobody, or cleared) and blank, or left over from an issue that
// never finished, which is voided, its certificate revoked, and the card reset first.

const NOT_REGISTERED = 'This smartcard is not registered with the identity service. Contact your Registration Authority.';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('opening an issue', () => {
  it('rule: an RA opens the issue of a blank card to a user in scope: a new card UUID, 15 minutes, no reset, nothing registered yet', async () => {
    const p = await people(h);
    const card = blankCard();
    const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(card));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ holder: { uuid: p.holder.uuid, name: 'Nia Holder' }, algorithm: 'p256', resetFirst: false });
    expect(res.body.operationId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(res.body.expiresAt).getTime() - h.service.ctx.now().getTime()).toBe(15 * 60_000);
    expect(await h.db.selectFrom('cards').select('id').where('uuid', '=', res.body.cardUuid).execute()).toEqual([]);
    const [row] = await h.db.selectFrom('card_operations').selectAll().where('card_uuid', '=', res.body.cardUuid).execute();
    expect(row).toMatchObject({ kind: 'issue', status: 'opened', card_serial: card.serial, workstation_id: 'test-ws' });
    // Only the id's hash is kept, and the card's attestation key is recorded.
    expect(Buffer.from(row?.operation_hash ?? []).toString('base64url')).not.toBe(res.body.operationId);
    expect(row?.attestation_key).not.toBeNull();
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'card.issue-opened', actor: p.ra.uuid, subject: res.body.cardUuid });
  });

  it('rule: a card registered to someone is refused, in words naming its holder, and nothing changes', async () => {
    const p = await people(h);
    const card = blankCard();
    const registered = await addCard(h.db, p.holder.id);
    await h.db.updateTable('cards').set({ serial: card.serial }).where('id', '=', registered.id).execute();
    const before = await tableCounts(h.db);
    for (const r of [readout(card), readout(blankCard(), { chuidUuid: registered.uuid, factoryManagementKey: false })]) {
      const res = await openIssue(h, p.ra.token, p.holder.uuid, r);
      expect(res.status).toBe(409);
      expect(res.body.message).toBe('This smartcard is registered to Nia Holder. Clear it before issuing it again.');
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a cleared card (revoked with cleared_at) is free to issue again', async () => {
    const p = await people(h);
    const card = blankCard();
    const cleared = await addCard(h.db, p.holder.id, { status: 'revoked' });
    await h.db.updateTable('cards').set({ serial: card.serial, cleared_at: '2025-06-01T10:00:00.000Z' }).where('id', '=', cleared.id).execute();
    expect((await openIssue(h, p.ra.token, p.holder.uuid, readout(card))).status).toBe(201);
  });

  it('rule: a card that is not blank, and no unfinished issue left it so, is refused in words and nothing changes', async () => {
    const p = await people(h);
    const before = await tableCounts(h.db);
    for (const change of [{ chuidUuid: randomUUID() }, { certificateSerial: 'abc123' }, { hasAuthenticationKey: true }, { factoryManagementKey: false }]) {
      const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(blankCard(), change));
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/^This smartcard is not blank/);
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a card without a serial number is refused in words', async () => {
    const p = await people(h);
    const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(blankCard(), { serial: null }));
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('This smartcard does not give a serial number, so it cannot be issued. Use another card.');
  });

  it('rule: a card left by an unfinished issue is taken with resetFirst; that issue is voided and its certificate becomes a revoked orphan', async () => {
    const p = await people(h);
    const card = blankCard();
    const first = await issueUntil(h, p, card, 'personalise');
    const serial = new X509Certificate(first.certificate as Buffer).serialNumber.toLowerCase();
    // The card was pulled after its certificate and CHUID were written.
    const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(card, { chuidUuid: first.cardUuid, certificateSerial: serial, hasAuthenticationKey: true }));
    expect(res.status).toBe(201);
    expect(res.body.resetFirst).toBe(true);
    expect(res.body.cardUuid).not.toBe(first.cardUuid);
    expect(await operationRows(h, first.cardUuid)).toEqual([expect.objectContaining({ status: 'void', outcome: 'superseded' })]);
    const orphans = await orphanRows(h);
    expect(orphans.find((o) => o.serial.replace(/^0+/, '') === serial.replace(/^0+/, ''))).toMatchObject({ revocation_reason: 'cessationOfOperation' });
    // The first issue can go no further, and its certificate signs nobody in.
    expect((await step(h, p.ra.token, first.operationId, 'confirm')).status).toBe(409);
    const login = await loginWith(h, first.certificate as Buffer, first.key!.privateKey);
    expect({ status: login.status, message: login.body.message }).toEqual({ status: 401, message: NOT_REGISTERED });
  });

  it('rule: an expired unfinished issue left on the card is voided the same way (resetFirst)', async () => {
    const p = await people(h);
    const card = blankCard();
    const first = await issueUntil(h, p, card, 'certificate');
    h.setNow(new Date(h.service.ctx.now().getTime() + 16 * 60_000));
    try {
      const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(card, { hasAuthenticationKey: true }));
      expect(res.status).toBe(201);
      expect(res.body.resetFirst).toBe(true);
      expect(await operationRows(h, first.cardUuid)).toEqual([expect.objectContaining({ status: 'void' })]);
    } finally {
      h.resetClock();
    }
  });

  it('rule: a card whose latest issue was abandoned after it made its key is reset first and issued again, not refused as not blank', async () => {
    const p = await people(h);
    const card = blankCard();
    const first = await issueUntil(h, p, card, 'certificate');
    // The agent gave up (the card was pulled after GENERATE): the issue is void, the key stays on the card.
    expect((await step(h, p.ra.token, first.operationId, 'abandon', { reason: 'card-removed' })).status).toBe(200);
    const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(card, { hasAuthenticationKey: true }));
    expect(res.status).toBe(201);
    expect(res.body.resetFirst).toBe(true);
  });

  it('rule: a card that is not blank and whose latest issue was confirmed is still refused as not blank', async () => {
    const p = await people(h);
    const card = blankCard();
    const first = await issueUntil(h, p, card, 'confirm');
    // Cleared at the service (the card was reset elsewhere), then written to again by someone else.
    await h.db.updateTable('cards').set({ status: 'revoked', cleared_at: new Date().toISOString() }).where('uuid', '=', first.cardUuid).execute();
    const before = await tableCounts(h.db);
    const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(card, { hasAuthenticationKey: true }));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/not blank/);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it("rule: a user whose profile is closed is not issued a card, in words", async () => {
    const p = await people(h);
    await h.db.updateTable('users').set({ status: 'closed' }).where('id', '=', p.holder.id).execute();
    const before = await tableCounts(h.db);
    const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(blankCard()));
    expect(res.status).toBe(409);
    expect(res.body.message).toBe("Nia Holder's profile is closed. Reopen it before issuing a smartcard.");
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
