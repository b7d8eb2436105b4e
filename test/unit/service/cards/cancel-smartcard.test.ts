import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { actor } from '../../../support/service-fixtures.js';
import { tableCounts } from '../cim/cim-harness.js';
import { auditRows, call, cardLogin, holder, startServiceRig, type Holder, type ServiceRig } from '../support/card-login-rig.js';

// Cancelling a smartcard (lost, stolen, damaged, no longer needed), as an RA does it: no card
// needed; its certificates are revoked with the reason, it can never sign in again, and the
// sessions it opened end at once.

let rig: ServiceRig;
beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

async function signIn(card: MadeCard, h: Holder, workstationId = 'ws-ward-7'): Promise<string> {
  const verify = await cardLogin(rig.service, card.state, { workstationId });
  expect(verify.status).toBe(200);
  const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
  expect(session.status).toBe(200);
  return session.body.token as string;
}

/** A holder with a card, and an RA agent in the holder's organisation. */
async function scene(): Promise<{ h: Holder; card: MadeCard; ra: { uuid: string; token: string } }> {
  const h = await holder(rig.db);
  const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
  const ra = await actor(rig.db, h.orgId, ['RAA'], 'Priya');
  return { h, card, ra };
}

const cancel = (cardUuid: string, token: string, body: unknown) => call(rig.service, 'POST', `/v1/smartcards/${cardUuid}/cancel`, body, token);
const cardRow = (uuid: string) => rig.db.selectFrom('cards').select(['status', 'cleared_at']).where('uuid', '=', uuid).executeTakeFirstOrThrow();

describe('cancelling a smartcard', () => {
  it('rule: a cancelled card has its certificates revoked with the reason, its sessions end at once (401 on the next call), and the cancel is audited', async () => {
    const { h, card, ra } = await scene();
    const onWard = await signIn(card, h, 'ws-ward-7');
    const inClinic = await signIn(card, h, 'ws-clinic-1');
    expect((await call(rig.service, 'GET', '/v1/session', undefined, onWard)).status).toBe(200);

    const res = await cancel(card.cardUuid, ra.token, { reason: 'stolen', note: 'Bag taken on the bus' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ certificatesRevoked: 1, sessionsEnded: 2 });

    for (const token of [onWard, inClinic]) {
      const next = await call(rig.service, 'GET', '/v1/session', undefined, token);
      expect(next.status).toBe(401);
    }
    expect((await cardRow(card.cardUuid)).status).toBe('cancelled');
    const cert = await rig.db.selectFrom('certificates').select(['revoked_at', 'revocation_reason']).where('serial', '=', card.certificate.serial).executeTakeFirstOrThrow();
    expect(cert.revocation_reason).toBe('stolen');
    expect(cert.revoked_at).not.toBeNull();
    const entry = (await auditRows(rig.db)).find((a) => a.action === 'card.cancelled' && a.subject === card.cardUuid);
    expect(entry?.actor).toBe(ra.uuid);
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ reason: 'stolen', note: 'Bag taken on the bus', holder: h.userUuid, certificatesRevoked: 1, sessionsEnded: 2 });
  });

  it('rule: a cancelled card is refused at login with "This smartcard has been cancelled. Contact your Registration Authority."', async () => {
    const { card, ra } = await scene();
    expect((await cardLogin(rig.service, card.state)).status).toBe(200);
    expect((await cancel(card.cardUuid, ra.token, { reason: 'lost' })).status).toBe(200);
    const refused = await cardLogin(rig.service, card.state);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('This smartcard has been cancelled. Contact your Registration Authority.');
  });

  it("rule: cancelling one card leaves the holder's other card and its sessions alone", async () => {
    const { h, card, ra } = await scene();
    const spare = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const spareToken = await signIn(spare, h);
    expect((await cancel(card.cardUuid, ra.token, { reason: 'damaged' })).body).toEqual({ certificatesRevoked: 1, sessionsEnded: 0 });
    expect((await call(rig.service, 'GET', '/v1/session', undefined, spareToken)).status).toBe(200);
    expect((await cardRow(spare.cardUuid)).status).toBe('active');
  });

  it('rule: a card already cancelled cannot be cancelled again: 409 in words, nothing changes', async () => {
    const { card, ra } = await scene();
    expect((await cancel(card.cardUuid, ra.token, { reason: 'not-needed' })).status).toBe(200);
    const before = await tableCounts(rig.db);
    const again = await cancel(card.cardUuid, ra.token, { reason: 'lost' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('This smartcard has already been cancelled, so it cannot be cancelled.');
    expect(await tableCounts(rig.db)).toEqual(before);
    const cert = await rig.db.selectFrom('certificates').select('revocation_reason').where('serial', '=', card.certificate.serial).executeTakeFirstOrThrow();
    expect(cert.revocation_reason).toBe('not-needed');
  });

  it('rule: a locked card can be cancelled', async () => {
    const { card, ra } = await scene();
    await rig.db.updateTable('cards').set({ status: 'locked' }).where('uuid', '=', card.cardUuid).execute();
    expect((await cancel(card.cardUuid, ra.token, { reason: 'lost' })).status).toBe(200);
    expect((await cardRow(card.cardUuid)).status).toBe('cancelled');
  });
});

describe('cancelling a smartcard: bad input', () => {
  it.each([
    ['no reason', {}, 'body.reason'],
    ['a reason not on the list', { reason: 'broken' }, 'body.reason'],
    ['a note over 500 characters', { reason: 'lost', note: 'x'.repeat(501) }, 'body.note'],
    ['a field the form does not have', { reason: 'lost', certificatesRevoked: 0 }, 'body'],
  ])('rule: %s gets 400 naming the field, and nothing changes', async (_what, body, field) => {
    const { card, ra } = await scene();
    const before = await tableCounts(rig.db);
    const res = await cancel(card.cardUuid, ra.token, body);
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(field);
    expect(await tableCounts(rig.db)).toEqual(before);
    expect((await cardRow(card.cardUuid)).status).toBe('active');
  });

  it('rule: a card UUID that is not a UUID gets 400; one that is not registered gets 404; nothing changes', async () => {
    const { ra } = await scene();
    const before = await tableCounts(rig.db);
    const bad = await cancel('not-a-uuid', ra.token, { reason: 'lost' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path)).toContain('params.cardUuid');
    const unknown = await cancel('00000000-0000-4000-8000-00000000abcd', ra.token, { reason: 'lost' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('That smartcard was not found.');
    expect(await tableCounts(rig.db)).toEqual(before);
  });
});
