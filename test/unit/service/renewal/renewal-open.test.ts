import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RenewalOpened } from '../../../../src-shared/api/service-renewal.js';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import { DAY, expiringIn, morning, renewalRows, startRenewalRig, throughIssue, type RenewalRig } from '../support/renewal-rig.js';
import { auditRows, certificateOf, WS } from '../support/unlock-rig.js';

// Opening a renewal (domain.md, smartcards): the holder's own card from 90 days before its
// certificate expires; a sponsor's, LSA's or RA member's for the card in their second reader,
// within their organisation and its child organisations; an expired certificate only by RA
// roles, in person. Boundaries are whole UTC days before notAfter, with the clock set exactly.

let rig: RenewalRig;
let trust: { id: number; path: string };
let site: { id: number; path: string };
let otherTrust: { id: number; path: string };
let today: Date;
beforeAll(async () => {
  rig = await startRenewalRig();
  const region = await rig.org();
  trust = await rig.org(region.id);
  site = await rig.org(trust.id);
  otherTrust = await rig.org(region.id);
});
afterAll(async () => rig.close());
beforeEach(() => {
  today = morning();
  rig.setClock(today);
});

const RA_APPOINTMENT = /make an appointment with your Registration Authority/;
const longDate = (at: Date): string => at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A holder in `orgId` whose card's certificate ends `days` UTC days from today (issued a month ago). */
async function holderCard(days: number, orgId = trust.id) {
  rig.setClock(new Date(today.getTime() - 30 * DAY));
  const holder = await rig.person({ orgId, given: 'Holly' });
  const card = await rig.makeCard(holder.uuid, { notAfter: expiringIn(today, days) });
  rig.setClock(today);
  return { holder, card, request: { cardUuid: card.cardUuid, certificate: certificateOf(card) } };
}

/** Days before expiry either side of the 90-day window and of expiry, and the status each gets (`expired` once the certificate has ended). */
const windowEdges = (expired: number): [number, number][] => [
  [91, 409],
  [90, 200],
  [89, 200],
  [1, 200],
  [0, 200],
  [-1, expired],
];

const selfRenew = (token: string) => rig.call('POST', '/v1/renewals', {}, { token });
const sponsorRenew = (token: string, request: unknown) => rig.call('POST', '/v1/card-service/renew', request, { token });

describe('the holder renews their own card', () => {
  it.each(windowEdges(409))('rule: %i days before expiry the holder gets %i', async (days, status) => {
    const { holder, card } = await holderCard(days);
    const res = await selfRenew((await rig.signIn(holder, card)).token);
    expect(res.status, res.text).toBe(status);
    if (status === 200) {
      const opened = RenewalOpened.parse(res.body);
      expect(opened).toMatchObject({ cardUuid: card.cardUuid, holder: { uuid: holder.uuid }, algorithm: 'p256' });
      expect(new Date(opened.expiresAt).getTime() - rig.now().getTime()).toBeGreaterThan(9 * 60_000);
      expect(new Date(opened.expiresAt).getTime() - rig.now().getTime()).toBeLessThanOrEqual(10 * 60_000);
      expect(await renewalRows(rig, card.cardId)).toEqual([
        { kind: 'self', status: 'opened', issued_serial: null, old_serial: card.certificate.serial, sponsor_user_id: null },
      ]);
    } else if (days > 0) {
      expect(res.body.message).toBe(`Renewal opens on ${longDate(new Date(today.getTime() + DAY))}, 90 days before the certificates expire.`);
    } else {
      expect(res.body.message).toMatch(RA_APPOINTMENT);
      expect(await renewalRows(rig, card.cardId)).toEqual([]);
    }
  });

  it('rule: a holder with a registration authority role cannot renew their own expired card either', async () => {
    rig.setClock(new Date(today.getTime() - 30 * DAY));
    const ram = await rig.person({ orgId: trust.id, roles: ['RAM'] });
    const card = await rig.makeCard(ram.uuid, { notAfter: expiringIn(today, -1) });
    rig.setClock(today);
    const res = await selfRenew((await rig.signIn(ram, card)).token);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(RA_APPOINTMENT);
  });

  it('rule: opening is audited; a refusal is audited with its reason', async () => {
    const { holder, card } = await holderCard(30);
    const { token } = await rig.signIn(holder, card);
    await selfRenew(token);
    const started = (await auditRows(rig.db)).at(-1)!;
    expect(started).toMatchObject({ action: 'card.renewal-started', actor: holder.uuid, subject: card.cardUuid, workstation_id: WS });
    expect(JSON.parse(started.details)).toMatchObject({ kind: 'self', holderUuid: holder.uuid, sponsorUuid: null, oldSerial: card.certificate.serial });
    const early = await holderCard(120);
    await selfRenew((await rig.signIn(early.holder, early.card)).token);
    const refused = (await auditRows(rig.db)).at(-1)!;
    expect(refused).toMatchObject({ action: 'card.renewal-refused', actor: early.holder.uuid, subject: early.card.cardUuid });
    expect(JSON.parse(refused.details)).toMatchObject({ kind: 'self', reason: 'not-yet-due' });
  });

  it('rule: it needs a live session on an active card (a revoked card ends it: 401)', async () => {
    const { holder, card } = await holderCard(30);
    const { token } = await rig.signIn(holder, card);
    await revokeCard(rig.service.ctx, { cardUuid: card.cardUuid, reason: 'lost', actor: 'system' });
    expect((await selfRenew(token)).status).toBe(401);
    expect((await rig.call('POST', '/v1/renewals', {})).status).toBe(401);
  });

  it('rule: a new renewal voids the unfinished ones, but not one that issued a certificate', async () => {
    const { holder, card } = await holderCard(30);
    const { token } = await rig.signIn(holder, card);
    const first = await selfRenew(token);
    await selfRenew(token);
    expect((await renewalRows(rig, card.cardId)).map((r) => r.status)).toEqual(['void', 'opened']);
    const third = await selfRenew(token);
    expect((await throughIssue(rig, third.body.renewalId, card)).issued.status).toBe(200);
    await selfRenew(token);
    expect((await renewalRows(rig, card.cardId)).map((r) => r.status)).toEqual(['void', 'void', 'issued', 'opened']);
    // The voided one can no longer take a step.
    const step = await rig.call('POST', `/v1/renewals/${first.body.renewalId}/card-witness`, { workstationId: WS, witness: Buffer.alloc(16).toString('base64') });
    expect(step.status).toBe(409);
    expect(step.body.message).toMatch(/cancelled: a newer one was started/);
  });
});

describe('a sponsor renews the card in their second reader', () => {
  it.each(windowEdges(403))('rule: %i days before expiry a sponsor gets %i', async (days, status) => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const { holder, card, request } = await holderCard(days);
    const res = await sponsorRenew(sponsor.token, request);
    expect(res.status, res.text).toBe(status);
    if (status === 200) {
      expect(RenewalOpened.parse(res.body)).toMatchObject({ cardUuid: card.cardUuid, holder: { uuid: holder.uuid } });
      expect(await renewalRows(rig, card.cardId)).toEqual([
        { kind: 'sponsor', status: 'opened', issued_serial: null, old_serial: card.certificate.serial, sponsor_user_id: sponsor.userId },
      ]);
    } else if (days > 0) {
      expect(res.body.code).toBe('conflict');
      expect(res.body.message).toBe(`Renewal opens on ${longDate(new Date(today.getTime() + DAY))}, 90 days before the certificates expire.`);
    } else {
      expect(res.body.code).toBe('forbidden');
      expect(res.body.message).toMatch(RA_APPOINTMENT);
    }
  });

  it.each([
    ['RAM', 200],
    ['RAA(A)', 200],
    ['RAA', 200],
    ['S', 403],
    ['LSA', 403],
  ] as [RoleCode, number][])('rule: an expired certificate is renewed by RA roles only (%s: %i)', async (role, status) => {
    const sponsor = await rig.sponsor(trust.id, [role]);
    const { request } = await holderCard(-1);
    const res = await sponsorRenew(sponsor.token, request);
    expect(res.status, res.text).toBe(status);
    if (status === 403) expect(res.body.message).toMatch(RA_APPOINTMENT);
  });

  it.each([[[]], [['IDC']]] as [RoleCode[]][])('rule: a session with no card-service role (%j) is refused (403)', async (roles) => {
    const clinician = await rig.sponsor(trust.id, roles);
    const res = await sponsorRenew(clinician.token, (await holderCard(30)).request);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  it('rule: a holder in a child organisation is in scope; one in a sibling organisation is not (403 out-of-scope)', async () => {
    const sponsor = await rig.sponsor(trust.id, ['LSA']);
    expect((await sponsorRenew(sponsor.token, (await holderCard(30, site.id)).request)).status).toBe(200);
    const { card, request } = await holderCard(30, otherTrust.id);
    const res = await sponsorRenew(sponsor.token, request);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('out-of-scope');
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.renewal-refused', actor: sponsor.uuid, subject: card.cardUuid });
    expect(await renewalRows(rig, card.cardId)).toEqual([]);
  });

  it('rule: not the card signed in with (409), not the sponsor\'s own other card (403)', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const sessionCard = await sponsorRenew(sponsor.token, { cardUuid: sponsor.card.cardUuid, certificate: certificateOf(sponsor.card) });
    expect(sessionCard.status).toBe(409);
    expect(sessionCard.body.message).toMatch(/That is the smartcard you are signed in with/);
    const second = await rig.makeCard(sponsor.uuid, { notAfter: expiringIn(today, 30) });
    const own = await sponsorRenew(sponsor.token, { cardUuid: second.cardUuid, certificate: certificateOf(second) });
    expect(own.status).toBe(403);
    expect(own.body.message).toMatch(/You cannot service your own smartcard/);
  });

  it('rule: a revoked card, a replaced certificate and a locked card are refused (409)', async () => {
    const sponsor = await rig.sponsor(trust.id, ['RAA']);
    const revoked = await holderCard(30);
    await revokeCard(rig.service.ctx, { cardUuid: revoked.card.cardUuid, reason: 'lost', actor: 'system' });
    const r1 = await sponsorRenew(sponsor.token, revoked.request);
    expect(r1.status).toBe(409);
    expect(r1.body.message).toBe('This smartcard has been revoked, so it cannot be renewed. A registration authority can issue a new one.');
    const locked = await holderCard(30);
    await rig.db.updateTable('cards').set({ status: 'locked' }).where('id', '=', locked.card.cardId).execute();
    const r2 = await sponsorRenew(sponsor.token, locked.request);
    expect(r2.status).toBe(409);
    expect(r2.body.message).toMatch(/locked. Unlock it first/);
    const unknown = await sponsorRenew(sponsor.token, { ...(await holderCard(30)).request, cardUuid: '2b1e3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d' });
    expect(unknown.status).toBe(404);
  });

  it('rule: opening is audited naming sponsor, holder, card, workstation and the certificate being replaced', async () => {
    const sponsor = await rig.sponsor(trust.id, ['S']);
    const { holder, card, request } = await holderCard(10);
    await sponsorRenew(sponsor.token, request);
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.renewal-started', actor: sponsor.uuid, subject: card.cardUuid, workstation_id: WS });
    expect(JSON.parse(entry.details)).toMatchObject({
      kind: 'sponsor',
      sponsorUuid: sponsor.uuid,
      holderUuid: holder.uuid,
      cardUuid: card.cardUuid,
      workstationId: WS,
      oldSerial: card.certificate.serial,
    });
  });
});
