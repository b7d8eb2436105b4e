import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard } from '../../../../src-service/ca/card-factory.js';
import { cardLoginSummary, daysToExpiry, RENEWAL_WINDOW_DAYS } from '../../../../src-service/auth/login-summary.js';
import { call, cardLogin, holder, startServiceRig, type Holder, type ServiceRig } from '../support/card-login-rig.js';

// The Smartcard Expiry Notification: certificates are renewable from 90 days before expiry,
// and every login in that window says so (renewalDue) until the card is renewed.

const NOW = new Date('2027-03-10T10:00:00.000Z');
const DAY = 86_400_000;
let rig: ServiceRig;
let h: Holder;

beforeAll(async () => {
  rig = await startServiceRig({ now: NOW });
  h = await holder(rig.db);
});
afterAll(async () => rig.close());

describe('days to expiry and the renewal notice at login', () => {
  it('the renewal window is 90 days', () => {
    expect(RENEWAL_WINDOW_DAYS).toBe(90);
  });

  it.each([
    [91, false],
    [90, true],
    [89, true],
    [1, true],
  ])('a certificate expiring in %i days is reported with that daysToExpiry and renewalDue %s, on verify, session and session info', async (days, due) => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256', validDays: days });
    expect(card.certificate.notAfter.getTime()).toBe(NOW.getTime() + days * DAY);
    const verify = await cardLogin(rig.service, card.state);
    expect(verify.status).toBe(200);
    expect(verify.body.card).toEqual({ uuid: card.cardUuid, certificateNotAfter: card.certificate.notAfter.toISOString(), daysToExpiry: days, renewalDue: due });
    const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    expect(session.body.card).toEqual(verify.body.card);
    const info = await call(rig.service, 'GET', '/v1/session', undefined, session.body.token);
    expect(info.body.card).toEqual(verify.body.card);
  });

  it('a certificate expiring later today: daysToExpiry 0, renewal due, login still allowed', async () => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256', notAfter: new Date('2027-03-10T16:00:00.000Z') });
    const verify = await cardLogin(rig.service, card.state);
    expect(verify.status).toBe(200);
    expect(verify.body.card).toMatchObject({ daysToExpiry: 0, renewalDue: true });
  });

  it('a certificate that expired one second ago is refused at verify', async () => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256', notAfter: new Date(NOW.getTime() + 3_600_000) });
    rig.setNow(new Date(card.certificate.notAfter.getTime() + 1000));
    const verify = await cardLogin(rig.service, card.state);
    rig.setNow(NOW);
    expect(verify.status).toBe(403);
    expect(verify.body.message).toMatch(/expired/);
  });

  it('an expired certificate counts negative days (summary function: login refuses it before any summary)', () => {
    expect(cardLoginSummary('3e0c5f7a-0000-4000-8000-000000000001', new Date(NOW.getTime() - DAY), NOW)).toEqual({
      uuid: '3e0c5f7a-0000-4000-8000-000000000001',
      certificateNotAfter: new Date(NOW.getTime() - DAY).toISOString(),
      daysToExpiry: -1,
      renewalDue: true,
    });
  });

  it('days are whole UTC calendar days: the count changes at midnight UTC, not 24 hours after issue', () => {
    expect(daysToExpiry(new Date('2027-03-10T23:59:59Z'), new Date('2027-03-10T00:00:01Z'))).toBe(0);
    expect(daysToExpiry(new Date('2027-03-11T00:30:00Z'), new Date('2027-03-10T23:00:00Z'))).toBe(1);
    expect(daysToExpiry(new Date('2027-03-09T23:59:59Z'), new Date('2027-03-10T00:00:00Z'))).toBe(-1);
    expect(daysToExpiry(new Date('2027-06-08T10:00:00Z'), NOW)).toBe(90);
  });
});
