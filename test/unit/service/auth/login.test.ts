import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { CHALLENGE_TTL_MS } from '../../../../src-service/auth/login-challenge.js';
import { TICKET_TTL_MS } from '../../../../src-service/auth/login-tickets.js';
import { addOrg, addPosition, assign } from '../../../support/service-fixtures.js';
import { auditRows, call, cardLogin, holder, startServiceRig, type Holder, type ServiceRig } from '../support/card-login-rig.js';

// Card login end to end: a factory-made card in the software PIV card, driven by the agent's
// PivSession (VERIFY, then GENERAL AUTHENTICATE with 9A), against the real service over HTTP.

const NOW = new Date('2027-03-10T10:00:00.000Z');
let rig: ServiceRig;
let h: Holder;
const cards: Partial<Record<'rsa2048' | 'p256', MadeCard>> = {};

beforeAll(async () => {
  rig = await startServiceRig({ now: NOW });
  h = await holder(rig.db);
  cards.rsa2048 = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'rsa2048' });
  cards.p256 = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
});
afterAll(async () => rig.close());

describe.each(['rsa2048', 'p256'] as const)('login with a %s card', (algorithm) => {
  it('signs in: verify names the holder, the card and its certificate expiry, and the active positions; a session opens for a chosen position', async () => {
    rig.setNow(NOW);
    const card = cards[algorithm] as MadeCard;
    const verify = await cardLogin(rig.service, card.state);
    expect(verify.status).toBe(200);
    expect(verify.body.user).toEqual({ uuid: h.userUuid, name: 'Amara Okafor' });
    expect(verify.body.card).toEqual({
      uuid: card.cardUuid,
      certificateNotAfter: card.certificate.notAfter.toISOString(),
      daysToExpiry: 1096, // three calendar years from 2027-03-10, one of them a leap year
      renewalDue: false,
    });
    expect(verify.body.positions.map((p: { id: number }) => p.id)).toEqual([h.positionId]);
    expect(verify.body.loginTicket).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    expect(session.status).toBe(200);
    expect(session.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.body.position.id).toBe(h.positionId);
    expect(session.body.card.uuid).toBe(card.cardUuid);
    expect(session.body.expiresAt).toBe(new Date(NOW.getTime() + rig.service.ctx.config.sessionTtlMinutes * 60_000).toISOString());

    const info = await call(rig.service, 'GET', '/v1/session', undefined, session.body.token);
    expect(info.status).toBe(200);
    const { token: _token, ...withoutToken } = session.body;
    expect(info.body).toEqual(withoutToken);

    const out = await call(rig.service, 'POST', '/v1/logout', undefined, session.body.token);
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ ended: true });
    expect((await call(rig.service, 'GET', '/v1/session', undefined, session.body.token)).status).toBe(401);
    expect((await call(rig.service, 'POST', '/v1/logout', undefined, session.body.token)).status).toBe(401);

    const audit = (await auditRows(rig.db)).slice(-3);
    expect(audit.map((a) => a.action)).toEqual(['login.succeeded', 'session.opened', 'session.ended']);
    for (const entry of audit) {
      expect(entry.actor).toBe(h.userUuid);
      expect(entry.workstation_id).toBe('ws-ward-7');
    }
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ certificateSerial: card.certificate.serial });
  });
});

describe('login tickets and positions', () => {
  it('the login ticket is one-use: a second session request with it is refused', async () => {
    rig.setNow(NOW);
    const verify = await cardLogin(rig.service, (cards.p256 as MadeCard).state);
    const first = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    expect(first.status).toBe(200);
    const second = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    expect(second.status).toBe(401);
    expect(second.body.code).toBe('login-failed');
    expect(second.body.message).toMatch(/already been used/);
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'session.refused', actor: h.userUuid });
  });

  it('a login ticket lasts five minutes', async () => {
    rig.setNow(NOW);
    const early = await cardLogin(rig.service, (cards.p256 as MadeCard).state);
    const late = await cardLogin(rig.service, (cards.p256 as MadeCard).state);
    rig.setNow(new Date(NOW.getTime() + TICKET_TTL_MS - 1));
    expect((await call(rig.service, 'POST', '/v1/login/session', { loginTicket: early.body.loginTicket, positionId: h.positionId })).status).toBe(200);
    rig.setNow(new Date(NOW.getTime() + TICKET_TTL_MS));
    const expired = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: late.body.loginTicket, positionId: h.positionId });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
  });

  it('an unknown login ticket is refused', async () => {
    const reply = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: 'A'.repeat(43), positionId: h.positionId });
    expect(reply.status).toBe(401);
    expect(reply.body.message).toMatch(/not recognised/);
  });

  it('only active assignments are offered (started, not ended, not removed, position open), and a session opens only for one of them', async () => {
    rig.setNow(NOW);
    const org = await addOrg(rig.db, { code: 'POSX', name: 'Positions Trust' });
    const user = await holder(rig.db, { given: 'Bo', family: 'Chen' });
    const card = await makeCard(rig.service.ctx, { userUuid: user.userUuid, algorithm: 'p256' });
    const endsToday = await addPosition(rig.db, { orgId: org.id, title: 'Ends today', roles: ['S'] });
    await assign(rig.db, user.userId, endsToday, '2027-01-01', '2027-03-10');
    const startsToday = await addPosition(rig.db, { orgId: org.id, title: 'Starts today' });
    await assign(rig.db, user.userId, startsToday, '2027-03-10', null);
    const future = await addPosition(rig.db, { orgId: org.id, title: 'Future' });
    await assign(rig.db, user.userId, future, '2027-03-11', null);
    const ended = await addPosition(rig.db, { orgId: org.id, title: 'Ended yesterday' });
    await assign(rig.db, user.userId, ended, '2026-01-01', '2027-03-09');
    const removed = await addPosition(rig.db, { orgId: org.id, title: 'Removed' });
    const removedAssignment = await assign(rig.db, user.userId, removed, '2026-01-01', null);
    await rig.db.updateTable('position_assignments').set({ removed_at: '2027-02-01T00:00:00Z' }).where('id', '=', removedAssignment).execute();
    const closed = await addPosition(rig.db, { orgId: org.id, title: 'Closed position' });
    await assign(rig.db, user.userId, closed, '2026-01-01', null);
    await rig.db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();

    const verify = await cardLogin(rig.service, card.state);
    expect(verify.status).toBe(200);
    const offered = verify.body.positions.map((p: { id: number }) => p.id).sort((a: number, b: number) => a - b);
    expect(offered).toEqual([user.positionId, endsToday, startsToday].sort((a, b) => a - b));
    const sponsor = verify.body.positions.find((p: { id: number }) => p.id === endsToday);
    expect(sponsor).toMatchObject({ title: 'Ends today', roles: ['S'], organisation: { code: 'POSX', name: 'Positions Trust', kind: 'trust', parentCode: null } });

    const notHeld = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: future });
    expect(notHeld.status).toBe(403);
    expect(notHeld.body).toEqual({ code: 'forbidden', message: 'You do not hold that position now. Choose one of the positions listed.' });
  });

  it('the challenge is 32 random bytes for one workstation, names the service origin, and expires in 60 seconds', async () => {
    rig.setNow(NOW);
    const a = await call(rig.service, 'POST', '/v1/login/challenge', { workstationId: 'ws-1' });
    const b = await call(rig.service, 'POST', '/v1/login/challenge', { workstationId: 'ws-1' });
    expect(a.status).toBe(200);
    expect(Buffer.from(a.body.nonce, 'base64url')).toHaveLength(32);
    expect(a.body.nonce).not.toBe(b.body.nonce);
    expect(a.body.serviceOrigin).toBe(rig.service.url);
    expect(a.body.expiresAt).toBe(new Date(NOW.getTime() + CHALLENGE_TTL_MS).toISOString());
  });

  it('a challenge request with a malformed workstation id is refused with the field named', async () => {
    const reply = await call(rig.service, 'POST', '/v1/login/challenge', { workstationId: 'ws 1; drop' });
    expect(reply.status).toBe(400);
    expect(reply.body.fields).toEqual([expect.objectContaining({ path: 'body.workstationId' })]);
  });

  it('GET /v1/session and POST /v1/logout need a session', async () => {
    expect((await call(rig.service, 'GET', '/v1/session')).status).toBe(401);
    expect((await call(rig.service, 'POST', '/v1/logout')).status).toBe(401);
    expect((await call(rig.service, 'GET', '/v1/session', undefined, 'x'.repeat(43))).status).toBe(401);
  });
});
