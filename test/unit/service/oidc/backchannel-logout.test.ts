import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopCard } from '../../../../src-service/auth/card-revocation.js';
import { closeProfile } from '../../../../src-service/auth/login-profile-closure.js';
import { endSignIns } from '../../../../src-service/oidc/backchannel-logout.js';
import { inTransaction } from '../../../../src-service/store/transaction.js';
import { proofHeaders } from '../../../support/service-fixtures.js';
import { addClient } from '../../../../src-service/oidc/oidc-clients.js';
import { CookieJar, appMetadata, clinician, signIn, startRig, type Rig } from '../../../support/oidc-rig.js';

// Back-channel logout: whenever the workstation session a smartcard sign-in came through ends
// (Log out / card removed, card cancelled, profile closed, expiry), every app signed in through
// it receives a logout token it can verify against the provider's JWKS (typ logout+jwt, iss, aud,
// sub, sid, the back-channel event, no nonce), and an app that was down receives it later.

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
let clock = Date.now();
let rig: Rig;
beforeAll(async () => {
  rig = await startRig([{ clientId: 'ward-app' }, { clientId: 'rota' }, { clientId: 'no-backchannel', backchannel: false }], { now: () => new Date(clock) });
});
afterAll(() => rig.close());

/** A clinician signed in by card to `apps` in one browser; the sids each app was given. */
async function signedInByCard(apps: string[], ttlMs?: number) {
  const who = await clinician(rig, 'Amelia Hart', [], ttlMs);
  const jar = new CookieJar();
  const sids: Record<string, string> = {};
  for (const clientId of apps) {
    const { claims } = await signIn(rig, await rig.app(clientId), jar, sids[apps[0] as string] ? null : { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId });
    sids[clientId] = String(claims.sid);
  }
  return { who, jar, sids };
}

const tokensFor = (sub: string) => rig.backchannel.received.filter((r) => r.payload.sub === sub);

async function expectLoggedOut(sub: string, sids: Record<string, string>, reason: string): Promise<void> {
  const apps = Object.keys(sids).filter((c) => c !== 'no-backchannel');
  const deadline = Date.now() + 8_000;
  while (tokensFor(sub).length < apps.length && Date.now() < deadline) await rig.backchannel.until(rig.backchannel.received.length + 1, 200);
  const got = tokensFor(sub);
  expect(got.map((g) => g.clientId).sort()).toEqual(apps.sort());
  for (const token of got) {
    expect(token.header.typ).toBe('logout+jwt');
    expect(token.payload).toMatchObject({ iss: rig.service.ctx.oidcIssuer, aud: token.clientId, sub, sid: sids[token.clientId], events: { [EVENT]: {} } });
    expect(token.payload.nonce).toBeUndefined();
    expect(typeof token.payload.jti).toBe('string');
    expect(typeof token.payload.iat).toBe('number');
  }
  const rows = await rig.service.ctx.db.selectFrom('oidc_sign_ins as si').innerJoin('users as u', 'u.id', 'si.user_id').select(['si.ended_at', 'si.end_reason']).where('u.uuid', '=', sub).execute();
  expect(rows.every((r) => r.ended_at !== null && r.end_reason === reason)).toBe(true);
}

describe('rule: ending the workstation session tells every app it signed in to', () => {
  it('Log out (what the agent calls when the card is removed): each app with a back-channel URI gets a valid logout token', async () => {
    const { who, sids, jar } = await signedInByCard(['ward-app', 'rota', 'no-backchannel']);
    const path = '/v1/logout';
    const response = await fetch(`${rig.service.url}${path}`, { method: 'POST', headers: await proofHeaders(rig.service, 'POST', path, who.token) });
    expect(response.status).toBe(200);
    await expectLoggedOut(who.uuid, sids, 'logout');
    // The provider session ended with it: the app meets the sign-in page again.
    await expect(signIn(rig, await rig.app('ward-app'), jar, null)).rejects.toThrow(/asked for a sign-in/);
  });

  it('an app added with `oidc-client add` (kept in the store, not the configuration) is told as well', async () => {
    // Its back-channel address is read inside the transaction that ends the sign-in.
    await addClient(rig.service.ctx.db, rig.service.ctx.dataKey, appMetadata('added-app', rig.backchannel), rig.service.ctx.config.oidcClients, new Date(clock));
    const { who, sids } = await signedInByCard(['added-app', 'rota']);
    const path = '/v1/logout';
    const response = await fetch(`${rig.service.url}${path}`, { method: 'POST', headers: await proofHeaders(rig.service, 'POST', path, who.token) });
    expect(response.status).toBe(200);
    await expectLoggedOut(who.uuid, sids, 'logout');
  });

  it('an authenticator removed from the profile: every app signed in with it is told', async () => {
    const who = await clinician(rig, 'Ravi Shah');
    const db = rig.service.ctx.db;
    const { id } = await db
      .insertInto('authenticators')
      .values({ user_id: who.userId, kind: 'security-key', label: 'Security key', created_at: new Date(clock).toISOString(), aal: 2, uuid: crypto.randomUUID() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const jar = new CookieJar();
    const sids: Record<string, string> = {};
    for (const clientId of ['ward-app', 'rota']) {
      const { claims } = await signIn(rig, await rig.app(clientId), jar, clientId === 'ward-app' ? { userId: who.userId, aal: 2, kind: 'security-key', authenticatorId: id } : null);
      sids[clientId] = String(claims.sid);
    }
    const path = `/v1/users/${who.uuid}/authenticators/${id}/remove`;
    const response = await fetch(`${rig.service.url}${path}`, {
      method: 'POST',
      headers: { ...(await proofHeaders(rig.service, 'POST', path, who.token)), 'content-type': 'application/json' },
      body: JSON.stringify({ confirm: true }),
    });
    expect(response.status).toBe(200);
    await expectLoggedOut(who.uuid, sids, 'authenticator-removed');
  });

  it('the session lost its standing (the assignment ended): its next call ends it, and the apps are told', async () => {
    const { who, sids } = await signedInByCard(['ward-app', 'rota']);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await rig.service.ctx.db.updateTable('position_assignments').set({ end_date: yesterday }).where('user_id', '=', who.userId).execute();
    const path = '/v1/session';
    expect((await fetch(`${rig.service.url}${path}`, { headers: await proofHeaders(rig.service, 'GET', path, who.token) })).status).toBe(401);
    await expectLoggedOut(who.uuid, sids, 'position-ended');
  });

  it('the card cancelled', async () => {
    const { who, sids } = await signedInByCard(['ward-app', 'rota']);
    await inTransaction(rig.service.ctx.db, (trx) =>
      stopCard(trx, { cardUuid: who.cardUuid, reason: 'lost', actor: 'system', stop: 'cancelled', action: 'card.cancelled' }, rig.service.ctx.now()),
    );
    await expectLoggedOut(who.uuid, sids, 'card-stopped');
  });

  it('the profile closed: every sign-in of the user, however made', async () => {
    const { who, sids } = await signedInByCard(['ward-app']);
    // Another browser, signed in with a security key (no workstation session).
    const other = await signIn(rig, await rig.app('rota'), new CookieJar(), { userId: who.userId, aal: 2, kind: 'security-key' });
    await closeProfile(rig.service.ctx, { userUuid: who.uuid, actor: 'system', reason: 'leaver' });
    await expectLoggedOut(who.uuid, { ...sids, rota: String(other.claims.sid) }, 'profile-closed');
  });

  it('the workstation session expired (the sweep, on the service clock)', async () => {
    const { who, sids } = await signedInByCard(['ward-app', 'rota'], 60_000);
    clock = Date.now() + 61_000;
    try {
      await expectLoggedOut(who.uuid, sids, 'session-expired');
    } finally {
      clock = Date.now();
    }
  });

  it('signing out of one app (endSignIns by sign-in) tells that app only', async () => {
    const { who, sids } = await signedInByCard(['ward-app', 'rota']);
    const row = await rig.service.ctx.db.selectFrom('oidc_sign_ins').select('id').where('user_id', '=', who.userId).where('client_id', '=', 'rota').executeTakeFirstOrThrow();
    expect(await endSignIns(rig.service.ctx, { signInId: row.id }, 'signed-out')).toBe(1);
    await rig.backchannel.until(rig.backchannel.received.length + 1, 3_000);
    expect(tokensFor(who.uuid).map((t) => [t.clientId, t.payload.sid])).toEqual([['rota', sids.rota]]);
    const open = await rig.service.ctx.db.selectFrom('oidc_sign_ins').select('client_id').where('user_id', '=', who.userId).where('ended_at', 'is', null).execute();
    expect(open).toEqual([{ client_id: 'ward-app' }]);
  });
});

describe('rule: an app that was down receives its logout token when it is back', () => {
  it('the delivery is retried with backoff and recorded as delivered', async () => {
    const { who, sids } = await signedInByCard(['ward-app']);
    rig.backchannel.down = true;
    try {
      await endSignIns(rig.service.ctx, { agentSessionIds: [who.sessionId] }, 'logout');
      const failed = async () =>
        (await rig.service.ctx.db.selectFrom('backchannel_deliveries').select(['attempts', 'last_error', 'delivered_at']).where('client_id', '=', 'ward-app').orderBy('id', 'desc').executeTakeFirstOrThrow());
      const deadline = Date.now() + 3_000;
      while ((await failed()).attempts === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await failed()).toMatchObject({ attempts: 1, last_error: 'answered 503', delivered_at: null });
    } finally {
      rig.backchannel.down = false;
    }
    await expectLoggedOut(who.uuid, sids, 'logout');
    // The app has the token; the dispatcher records the delivery when the answer reaches it.
    const delivered = () => rig.service.ctx.db.selectFrom('backchannel_deliveries').select(['attempts', 'delivered_at']).where('client_id', '=', 'ward-app').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const deadline = Date.now() + 2_000;
    while ((await delivered()).delivered_at === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const delivery = await delivered();
    expect(delivery.attempts).toBe(2);
    expect(delivery.delivered_at).not.toBeNull();
  });
});
