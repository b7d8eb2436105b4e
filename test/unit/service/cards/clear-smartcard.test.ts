import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { actor } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { auditRows, call, cardLogin, holder, type Holder } from '../support/card-login-rig.js';
import { blankReadout, cardProved, issuedReadout, operationStatus, WORKSTATION } from './card-lifecycle-support.js';

// Clearing a smartcard so it can be reused, at the service: the clear opens for the card on
// record and the very card in the reader; once the card proved itself and reads blank, it is
// unregistered (revoked, cleared_at), its certificates revoked and its sessions ended.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function scene(): Promise<{ who: Holder; card: MadeCard; ra: { uuid: string; token: string } }> {
  const who = await holder(h.db);
  const card = await makeCard(h.service.ctx, { userUuid: who.userUuid, algorithm: 'p256' });
  return { who, card, ra: await actor(h.db, who.orgId, ['RAA'], 'Priya') };
}

const open = (card: MadeCard, token: string, readout = issuedReadout(card)) =>
  call(h.service, 'POST', `/v1/smartcards/${card.cardUuid}/clear`, { workstationId: WORKSTATION, card: readout }, token);
const cleared = (operationId: string, token: string, body: unknown) => call(h.service, 'POST', `/v1/card-operations/${operationId}/cleared`, body, token);
const cardRow = (uuid: string) =>
  h.db.selectFrom('cards').select(['status', 'cleared_at', 'management_key_sealed', 'puk_sealed']).where('uuid', '=', uuid).executeTakeFirstOrThrow();

describe('clearing a smartcard so it can be reused', () => {
  it('rule: a card that proved itself and reads blank is unregistered: status revoked with cleared_at, certificates revoked (cleared), its sessions end, audited card.cleared', async () => {
    const { who, card, ra } = await scene();
    const verify = await cardLogin(h.service, card.state);
    const session = await call(h.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: who.positionId });
    expect(session.status).toBe(200);

    const opened = await open(card, ra.token);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ cardUuid: card.cardUuid, alreadyBlank: false });
    await cardProved(h, ra.token, opened.body.operationId, card);
    const res = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: blankReadout(card.serial) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ certificatesRevoked: 1 });

    const row = await cardRow(card.cardUuid);
    expect(row.status).toBe('revoked');
    expect(row.cleared_at).not.toBeNull();
    // The card is at factory settings: the service no longer holds secrets for it.
    expect(row.management_key_sealed).toBeNull();
    expect(row.puk_sealed).toBeNull();
    const cert = await h.db.selectFrom('certificates').select(['revoked_at', 'revocation_reason']).where('serial', '=', card.certificate.serial).executeTakeFirstOrThrow();
    expect(cert.revocation_reason).toBe('cleared');
    expect((await call(h.service, 'GET', '/v1/session', undefined, session.body.token)).status).toBe(401);
    expect(await operationStatus(h.db, opened.body.operationId)).toBe('done');
    const entry = (await auditRows(h.db)).find((a) => a.action === 'card.cleared' && a.subject === card.cardUuid);
    expect(entry?.actor).toBe(ra.uuid);
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ reason: 'cleared', certificatesRevoked: 1, sessionsEnded: 1, alreadyBlank: false });
  });

  it('rule: a card already blank with the recorded serial needs no card proof: alreadyBlank, and it is cleared', async () => {
    const { card, ra } = await scene();
    const opened = await open(card, ra.token, blankReadout(card.serial));
    expect(opened.status).toBe(201);
    expect(opened.body.alreadyBlank).toBe(true);
    const res = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: blankReadout(card.serial) });
    expect(res.status).toBe(200);
    expect((await cardRow(card.cardUuid)).cleared_at).not.toBeNull();
  });

  it('rule: a card that has not proved itself is not recorded as cleared: 409 and nothing changes', async () => {
    const { card, ra } = await scene();
    const opened = await open(card, ra.token);
    const before = await tableCounts(h.db);
    const res = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: blankReadout(card.serial) });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard has not proved itself to the service yet. Start clearing it again.');
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await cardRow(card.cardUuid)).status).toBe('active');
  });

  it('rule: a card that does not read blank after the reset is not recorded as cleared: 409 and nothing changes', async () => {
    const { card, ra } = await scene();
    const opened = await open(card, ra.token);
    await cardProved(h, ra.token, opened.body.operationId, card);
    const before = await tableCounts(h.db);
    const res = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: issuedReadout(card) });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard is not blank yet, so it has not been cleared. Start clearing it again.');
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await cardRow(card.cardUuid)).cleared_at).toBeNull();
  });

  it('rule: a blank card with another serial is not this card: refused at opening and at the end', async () => {
    const { card, ra } = await scene();
    const other = await open(card, ra.token, blankReadout(card.serial + 1));
    expect(other.status).toBe(409);
    expect(other.body.message).toBe('The smartcard in your second reader is not the card you chose. Insert that card and try again.');
    const opened = await open(card, ra.token);
    await cardProved(h, ra.token, opened.body.operationId, card);
    const swapped = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: blankReadout(card.serial + 1) });
    expect(swapped.status).toBe(409);
    expect((await cardRow(card.cardUuid)).cleared_at).toBeNull();
  });

  it('rule: a cleared report sent again (its answer lost) gets the same answer and changes nothing', async () => {
    const { card, ra } = await scene();
    const opened = await open(card, ra.token);
    await cardProved(h, ra.token, opened.body.operationId, card);
    const body = { workstationId: WORKSTATION, card: blankReadout(card.serial) };
    expect((await cleared(opened.body.operationId, ra.token, body)).body).toEqual({ certificatesRevoked: 1 });
    const before = await tableCounts(h.db);
    const again = await cleared(opened.body.operationId, ra.token, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ certificatesRevoked: 1 });
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a cleared card cannot be cleared again', async () => {
    const { card, ra } = await scene();
    const opened = await open(card, ra.token, blankReadout(card.serial));
    expect((await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: blankReadout(card.serial) })).status).toBe(200);
    const again = await open(card, ra.token, blankReadout(card.serial));
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('This smartcard has already been cleared. It can be issued again.');
  });

  it('rule: a cancelled card that turns up can be cleared for reuse', async () => {
    const { card, ra } = await scene();
    expect((await call(h.service, 'POST', `/v1/smartcards/${card.cardUuid}/cancel`, { reason: 'lost' }, ra.token)).status).toBe(200);
    const opened = await open(card, ra.token);
    await cardProved(h, ra.token, opened.body.operationId, card);
    const res = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: blankReadout(card.serial) });
    expect(res.body).toEqual({ certificatesRevoked: 0 });
    const row = await cardRow(card.cardUuid);
    expect({ status: row.status, cleared: row.cleared_at !== null }).toEqual({ status: 'revoked', cleared: true });
  });
});

describe('clearing a smartcard: bad input', () => {
  it('rule: a cleared report without a readout, or with an unknown field, gets 400 naming the field; nothing changes', async () => {
    const { card, ra } = await scene();
    const opened = await open(card, ra.token);
    await cardProved(h, ra.token, opened.body.operationId, card);
    const before = await tableCounts(h.db);
    const none = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION });
    expect(none.status).toBe(400);
    expect(none.body.fields.map((f: { path: string }) => f.path)).toContain('body.card');
    const extra = await cleared(opened.body.operationId, ra.token, { workstationId: WORKSTATION, card: { ...blankReadout(card.serial), pin: '123456' } });
    expect(extra.status).toBe(400);
    expect(extra.body.fields.map((f: { path: string }) => f.path)).toContain('body.card');
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await operationStatus(h.db, opened.body.operationId)).toBe('authenticated');
  });

  it('rule: opening a clear with a readout that is not one gets 400; nothing changes', async () => {
    const { card, ra } = await scene();
    const before = await tableCounts(h.db);
    const res = await call(h.service, 'POST', `/v1/smartcards/${card.cardUuid}/clear`, { workstationId: WORKSTATION, card: { serial: 'twelve' } }, ra.token);
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toContain('body.card.serial');
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
