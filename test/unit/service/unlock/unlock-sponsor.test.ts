import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardServiceInspection, SponsorUnlockResponse } from '../../../../src-shared/api/service-unlock.js';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import { endSession } from '../../../../src-service/auth/session-store.js';
import { auditRows, certificateOf, startUnlockRig, witnessAndRelease, WS, type UnlockRig } from '../support/unlock-rig.js';

// "Service smartcard" (domain.md): a sponsor or local smartcard administrator signed in on one
// reader inspects and unlocks another person's card in the second reader, within their
// organisation and its child organisations; renewal per the 90-day rules.

let rig: UnlockRig;
let trust: { id: number; path: string };
let site: { id: number; path: string };
let otherTrust: { id: number; path: string };
beforeAll(async () => {
  rig = await startUnlockRig();
  const region = await rig.org();
  trust = await rig.org(region.id);
  site = await rig.org(trust.id);
  otherTrust = await rig.org(region.id);
});
afterAll(async () => rig.close());

const DAY = 86_400_000;

async function holderCard(orgId = trust.id, cardOptions: { notAfter?: Date } = {}) {
  const holder = await rig.person({ orgId, given: 'Holly' });
  const card = await rig.card(holder.uuid, cardOptions);
  return { holder, card, request: { cardUuid: card.cardUuid, certificate: certificateOf(card) } };
}

const inspect = (token: string, request: unknown) => rig.call('POST', '/v1/card-service/inspect', request, { token });
const unlock = (token: string, request: unknown) => rig.call('POST', '/v1/card-service/unlock', request, { token });

describe('who may service which card', () => {
  it.each([['S'], ['LSA'], ['RAA'], ['RAA(A)'], ['RAM']] as [RoleCode][])('rule: %s may inspect and unlock a card in their organisation', async (role) => {
    const sponsor = await rig.sponsor(trust.id, [role]);
    const { holder, card, request } = await holderCard();
    const seen = await inspect(sponsor.token, request);
    expect(seen.status).toBe(200);
    const inspection = CardServiceInspection.parse(seen.body);
    expect(inspection.holder.uuid).toBe(holder.uuid);
    expect(inspection.cardUuid).toBe(card.cardUuid);
    expect(inspection.unlock).toEqual({ allowed: true, reason: null });
    const started = await unlock(sponsor.token, request);
    expect(started.status).toBe(200);
    expect(SponsorUnlockResponse.parse(started.body).holder.uuid).toBe(holder.uuid);
  });

  it.each([[[]], [['IDC']]] as [RoleCode[]][])('rule: a session with no card-service role (%j) is refused (403 forbidden)', async (roles) => {
    const clinician = await rig.sponsor(trust.id, roles);
    const { request } = await holderCard();
    for (const res of [await inspect(clinician.token, request), await unlock(clinician.token, request)]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it('rule: a holder in a child organisation is in scope; one in a sibling organisation is not (403 out-of-scope)', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    expect((await inspect(sponsor.token, (await holderCard(site.id)).request)).status).toBe(200);
    const res = await unlock(sponsor.token, (await holderCard(otherTrust.id)).request);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('out-of-scope');
    expect(res.body.message).toMatch(/card holder is outside your organisation and its child organisations/);
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.unlock-refused', actor: sponsor.uuid });
  });

  it('rule: the smartcard the session signed in with cannot be serviced (409)', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const res = await unlock(sponsor.token, { cardUuid: sponsor.card.cardUuid, certificate: certificateOf(sponsor.card) });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/That is the smartcard you are signed in with/);
  });

  it('rule: a sponsor cannot service their own smartcard (403), even another one of theirs', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const second = await rig.card(sponsor.uuid);
    const res = await unlock(sponsor.token, { cardUuid: second.cardUuid, certificate: certificateOf(second) });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('You cannot service your own smartcard. Ask another sponsor, a local smartcard administrator or your registration authority.');
  });

  it('rule: an unknown card is 404; a certificate not issued to that card is 409', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const a = await holderCard();
    const b = await holderCard();
    expect((await inspect(sponsor.token, { ...a.request, cardUuid: '2b1e3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d' })).status).toBe(404);
    const res = await inspect(sponsor.token, { ...a.request, certificate: b.request.certificate });
    expect(res.status).toBe(409);
  });

  it('rule: a revoked or cancelled card cannot be serviced (409)', async () => {
    const sponsor = await rig.sponsor(trust.id, ['LSA']);
    const revoked = await holderCard();
    await revokeCard(rig.service.ctx, { cardUuid: revoked.card.cardUuid, reason: 'lost', actor: 'system' });
    const r1 = await unlock(sponsor.token, revoked.request);
    expect(r1.status).toBe(409);
    expect(r1.body.message).toMatch(/revoked/);
    const cancelled = await holderCard();
    await rig.db.updateTable('cards').set({ status: 'cancelled' }).where('id', '=', cancelled.card.cardId).execute();
    const r2 = await inspect(sponsor.token, cancelled.request);
    expect(r2.status).toBe(409);
    expect(r2.body.message).toMatch(/cancelled/);
  });

  it('rule: these endpoints need a session (401)', async () => {
    const res = await rig.call('POST', '/v1/card-service/inspect', (await holderCard()).request);
    expect(res.status).toBe(401);
  });
});

describe('renewal, as the inspection reports it', () => {
  it('rule: more than 90 days before expiry renewal is not open, and the reason says when it opens', async () => {
    const sponsor = await rig.sponsor(trust.id, ['RAM']);
    const notAfter = new Date(Date.UTC(2031, 2, 31, 12));
    const { request } = await holderCard(trust.id, { notAfter });
    const res = await inspect(sponsor.token, request);
    expect(res.body.renew.allowed).toBe(false);
    expect(res.body.renew.reason).toMatch(/Renewal opens on 31 December 2030/);
    expect(res.body.certificateNotAfter).toBe(notAfter.toISOString());
  });

  it.each([['S'], ['LSA'], ['RAA'], ['RAA(A)'], ['RAM']] as [RoleCode][])('rule: within 90 days of expiry %s may renew', async (role) => {
    const sponsor = await rig.sponsor(trust.id, [role]);
    const { request } = await holderCard(trust.id, { notAfter: new Date(rig.now().getTime() + 30 * DAY) });
    const res = await inspect(sponsor.token, request);
    expect(res.body.renew).toEqual({ allowed: true, reason: null });
    expect(res.body.daysToExpiry).toBeGreaterThanOrEqual(29);
    expect(res.body.daysToExpiry).toBeLessThanOrEqual(30);
  });

  it.each([
    ['S', false],
    ['LSA', false],
    ['RAA', true],
    ['RAA(A)', true],
    ['RAM', true],
  ] as [RoleCode, boolean][])('rule: once expired only RA roles may renew (%s: %s); unlocking is still allowed', async (role, allowed) => {
    const { request } = await holderCard(trust.id, { notAfter: new Date(rig.now().getTime() + 60_000) });
    rig.advance(2 * 60_000);
    const sponsor = await rig.sponsor(trust.id, [role]);
    const res = await inspect(sponsor.token, request);
    expect(res.status).toBe(200);
    expect(res.body.renew.allowed).toBe(allowed);
    if (!allowed) expect(res.body.renew.reason).toMatch(/only registration authority staff/);
    expect(res.body.unlock.allowed).toBe(true);
    expect(res.body.daysToExpiry).toBeLessThanOrEqual(0);
  });
});

describe('the sponsor unlock', () => {
  it("rule: it opens a ready unlock that remembers the sponsor's session, and is audited naming sponsor, holder, card and workstation", async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const { holder, card, request } = await holderCard();
    const res = await unlock(sponsor.token, request);
    const row = await rig.db
      .selectFrom('card_unlocks')
      .select(['kind', 'status', 'sponsor_session_id as s', 'sponsor_user_id as u', 'workstation_id as ws', 'created_at', 'expires_at'])
      .where('card_id', '=', card.cardId)
      .executeTakeFirstOrThrow();
    const { created_at: createdAt, expires_at: expiresAt, ...opened } = row;
    expect(opened).toEqual({ kind: 'sponsor', status: 'ready', s: sponsor.sessionId, u: sponsor.userId, ws: WS });
    expect((expiresAt ?? 0) - createdAt).toBe(10 * 60_000);
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.unlock-started', actor: sponsor.uuid, subject: card.cardUuid, workstation_id: WS });
    expect(JSON.parse(entry.details)).toMatchObject({ sponsorUuid: sponsor.uuid, holderUuid: holder.uuid, cardUuid: card.cardUuid, workstationId: WS });
    expect(res.text).not.toMatch(/puk/i);
  });

  it("rule: a sponsor whose own card is revoked mid-way is refused at the card step (401 'your session has ended')", async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const { card, request } = await holderCard();
    const started = await unlock(sponsor.token, request);
    await revokeCard(rig.service.ctx, { cardUuid: sponsor.card.cardUuid, reason: 'lost', actor: 'system' });
    const { witness } = await witnessAndRelease(rig, started.body.unlockId, card);
    expect(witness.status).toBe(401);
    expect(witness.body.code).toBe('unauthenticated');
    expect(witness.body.message).toMatch(/Your session has ended/);
    expect((await rig.db.selectFrom('card_unlocks').select('status').where('card_id', '=', card.cardId).executeTakeFirstOrThrow()).status).toBe('void');
  });

  it('rule: a sponsor who signed out cannot finish the unlock (401)', async () => {
    const sponsor = await rig.sponsor(trust.id, ['LSA']);
    const { card, request } = await holderCard();
    const started = await unlock(sponsor.token, request);
    await endSession(rig.db, sponsor.sessionId, 'logout');
    expect((await witnessAndRelease(rig, started.body.unlockId, card)).witness.status).toBe(401);
  });

  it('rule: a sponsor unlock lasts 10 minutes', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const { card, request } = await holderCard();
    const started = await unlock(sponsor.token, request);
    rig.advance(10 * 60_000 + 100);
    const { witness } = await witnessAndRelease(rig, started.body.unlockId, card);
    expect(witness.status).toBe(409);
    expect(witness.body.message).toMatch(/expired/);
  });

  it('rule: a new unlock of the card supersedes one still waiting for it', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const { card, request } = await holderCard();
    const first = await unlock(sponsor.token, request);
    const second = await unlock(sponsor.token, request);
    expect((await witnessAndRelease(rig, first.body.unlockId, card)).witness.status).toBe(409);
    expect((await witnessAndRelease(rig, second.body.unlockId, card)).release.status).toBe(200);
  });
});
