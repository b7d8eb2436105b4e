import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import { closeProfile } from '../../../../src-service/auth/login-profile-closure.js';
import { WorkstationKey } from '../../../../src-main/service-client/workstation-key.js';
import { auditRows, call, cardLogin, holder, startServiceRig, type Holder, type ServiceRig } from '../support/card-login-rig.js';

// Revoking a card and closing a profile take effect at once: live sessions end (their tokens
// get 401 on the next request) and the card can no longer sign in.

let rig: ServiceRig;

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

/** Signs in from `workstationId`, the session bound to `key` (the rig's test key unless said). */
async function signIn(card: MadeCard, h: Holder, workstationId = 'ws-ward-7', key?: WorkstationKey): Promise<string> {
  const verify = await cardLogin(rig.service, card.state, { workstationId });
  expect(verify.status).toBe(200);
  const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId }, undefined, key);
  expect(session.status).toBe(200);
  return session.body.token as string;
}

const sessionStatus = async (token: string, key?: WorkstationKey): Promise<number> =>
  (await call(rig.service, 'GET', '/v1/session', undefined, token, key)).status;

describe('session binding', () => {
  it('rule: a session is bound to the workstation key it was opened with: the same token proved by another key gets 401', async () => {
    const h = await holder(rig.db);
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const ward = WorkstationKey.ephemeral();
    const token = await signIn(card, h, 'ws-ward-7', ward);
    expect(await sessionStatus(token, ward)).toBe(200);
    expect(await sessionStatus(token, WorkstationKey.ephemeral())).toBe(401);
    // And the session itself is untouched by the refused attempt.
    expect(await sessionStatus(token, ward)).toBe(200);
  });
});

describe('revoking a card', () => {
  it("ends that card's live sessions at once (old token -> 401), leaves the holder's other card signed in, and stops the card signing in", async () => {
    const h = await holder(rig.db);
    const lost = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const spare = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const onWard = await signIn(lost, h, 'ws-ward-7');
    const inClinic = await signIn(lost, h, 'ws-clinic-1');
    const spareToken = await signIn(spare, h);

    const result = await revokeCard(rig.service.ctx, { cardUuid: lost.cardUuid, reason: 'lost', actor: 'system' });
    expect(result).toEqual({ certificatesRevoked: 1, sessionsEnded: 2 });

    expect(await sessionStatus(onWard)).toBe(401);
    expect(await sessionStatus(inClinic)).toBe(401);
    expect(await sessionStatus(spareToken)).toBe(200);
    const cert = await rig.db
      .selectFrom('certificates')
      .select(['revoked_at', 'revocation_reason'])
      .where('serial', '=', lost.certificate.serial)
      .executeTakeFirstOrThrow();
    expect(cert.revoked_at).not.toBeNull();
    expect(cert.revocation_reason).toBe('lost');
    expect((await rig.db.selectFrom('cards').select('status').where('uuid', '=', lost.cardUuid).executeTakeFirstOrThrow()).status).toBe('revoked');
    expect((await auditRows(rig.db)).find((a) => a.action === 'card.revoked' && a.subject === lost.cardUuid)).toBeDefined();

    const again = await cardLogin(rig.service, lost.state);
    expect(again.status).toBe(403);
  });

  it('a login ticket issued before the revocation no longer opens a session', async () => {
    const h = await holder(rig.db);
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const verify = await cardLogin(rig.service, card.state);
    await revokeCard(rig.service.ctx, { cardUuid: card.cardUuid, reason: 'stolen', actor: 'system' });
    const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    expect(session.status).toBe(403);
    expect(session.body.message).toMatch(/revoked/);
  });
});

describe('closing a profile', () => {
  it("ends every live session of the holder, on every card, and stops them signing in", async () => {
    const h = await holder(rig.db, { given: 'Dara', family: 'Mensah' });
    const first = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const second = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'rsa2048' });
    const other = await holder(rig.db, { given: 'Eli', family: 'Novak' });
    const othersCard = await makeCard(rig.service.ctx, { userUuid: other.userUuid, algorithm: 'p256' });
    const a = await signIn(first, h);
    const b = await signIn(second, h, 'ws-2');
    const bystander = await signIn(othersCard, other);

    expect(await closeProfile(rig.service.ctx, { userUuid: h.userUuid, actor: 'system', reason: 'left the organisation' })).toEqual({ sessionsEnded: 2 });
    expect(await sessionStatus(a)).toBe(401);
    expect(await sessionStatus(b)).toBe(401);
    expect(await sessionStatus(bystander)).toBe(200);
    expect((await rig.db.selectFrom('users').select('status').where('uuid', '=', h.userUuid).executeTakeFirstOrThrow()).status).toBe('closed');
    expect((await auditRows(rig.db)).find((e) => e.action === 'profile.closed' && e.subject === h.userUuid)).toBeDefined();

    const login = await cardLogin(rig.service, first.state);
    expect(login.status).toBe(403);
    expect(login.body.message).toMatch(/profile is closed/);
  });

  it('a login ticket issued before the profile closed no longer opens a session', async () => {
    const h = await holder(rig.db);
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const verify = await cardLogin(rig.service, card.state);
    await closeProfile(rig.service.ctx, { userUuid: h.userUuid, actor: 'system' });
    const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    expect(session.status).toBe(403);
    expect(session.body.message).toMatch(/profile is closed/);
  });
});
