import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkstationKey } from '../../../../src-main/service-client/workstation-key.js';
import { DPOP_HEADER, DPOP_SCHEME } from '../../../../src-shared/api/service-login.js';
import { makeCard } from '../../../../src-service/ca/card-factory.js';
import { startService } from '../../../../src-service/start-service.js';
import type { Db } from '../../../../src-service/store/database.js';
import { addOrg, addPosition, addUser, assign, sessionFor, TEST_KEY, testStorage } from '../../../support/service-fixtures.js';
import { call, cardLogin, holder, startServiceRig, type ServiceRig } from '../support/card-login-rig.js';

// DESIGN §10: tokens are bound to the agent that holds them (proof of possession, DPoP, RFC
// 9449), not to a header it chooses. The session opened at login is bound to the key whose proof
// came with that request; every call with the token must carry a fresh proof from the same key,
// for that method and URL, used once.

let rig: ServiceRig;
beforeAll(async () => {
  // The service clock stands still, so a proof dated 61 s off stays 61 s off however long the machine takes to answer.
  rig = await startServiceRig({ now: new Date() });
});
afterAll(async () => rig.close());

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly challenge: string | null;
}

async function raw(method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${rig.service.url}${path}`, { method, headers });
  const text = await res.text();
  return { status: res.status, code: text ? (JSON.parse(text) as { code?: string }).code : undefined, challenge: res.headers.get('www-authenticate') };
}

/** A card login whose session is bound to `key`: its token. */
async function signedIn(key: WorkstationKey): Promise<string> {
  const h = await holder(rig.db);
  const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
  const verify = await cardLogin(rig.service, card.state);
  const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId }, undefined, key);
  expect(session.status).toBe(200);
  return session.body.token as string;
}

const proof = (key: WorkstationKey, method: string, path: string, token?: string, now = rig.now()): Promise<string> =>
  key.proof({ method, url: `${rig.service.url}${path}`, now, ...(token !== undefined ? { token } : {}) });

const refusedAsDpop = (answer: Answer): void => {
  expect(answer.status).toBe(401);
  expect(answer.code).toBe('unauthenticated');
  expect(answer.challenge).toMatch(/^DPoP /);
};

describe('rule: a session token works only with proofs from the key it was opened with', () => {
  it('its own key: 200; a copied token proved by another key: 401 with WWW-Authenticate: DPoP, the session untouched', async () => {
    const own = WorkstationKey.ephemeral();
    const token = await signedIn(own);
    const auth = `${DPOP_SCHEME} ${token}`;
    expect((await raw('GET', '/v1/session', { authorization: auth, [DPOP_HEADER]: await proof(own, 'GET', '/v1/session', token) })).status).toBe(200);
    const thief = WorkstationKey.ephemeral();
    const copied = await raw('GET', '/v1/session', { authorization: auth, [DPOP_HEADER]: await proof(thief, 'GET', '/v1/session', token) });
    refusedAsDpop(copied);
    expect(copied.challenge).toMatch(/error="invalid_token"/);
    expect((await raw('GET', '/v1/session', { authorization: auth, [DPOP_HEADER]: await proof(own, 'GET', '/v1/session', token) })).status).toBe(200);
  });

  it('a proof used once is refused the second time (401)', async () => {
    const own = WorkstationKey.ephemeral();
    const token = await signedIn(own);
    const headers = { authorization: `${DPOP_SCHEME} ${token}`, [DPOP_HEADER]: await proof(own, 'GET', '/v1/session', token) };
    expect((await raw('GET', '/v1/session', headers)).status).toBe(200);
    const replayed = await raw('GET', '/v1/session', headers);
    refusedAsDpop(replayed);
    expect(replayed.challenge).toMatch(/error="invalid_dpop_proof"/);
  });

  it('a proof made for another URL or another method is refused (401)', async () => {
    const own = WorkstationKey.ephemeral();
    const token = await signedIn(own);
    const auth = `${DPOP_SCHEME} ${token}`;
    refusedAsDpop(await raw('GET', '/v1/session', { authorization: auth, [DPOP_HEADER]: await proof(own, 'GET', '/v1/users', token) }));
    refusedAsDpop(await raw('POST', '/v1/logout', { authorization: auth, [DPOP_HEADER]: await proof(own, 'GET', '/v1/logout', token) }));
    const elsewhere = await own.proof({ method: 'GET', url: 'https://cis.elsewhere.example/v1/session', now: rig.now(), token });
    refusedAsDpop(await raw('GET', '/v1/session', { authorization: auth, [DPOP_HEADER]: elsewhere }));
    // None of them spent the session: a proper call still works.
    expect((await raw('GET', '/v1/session', { authorization: auth, [DPOP_HEADER]: await proof(own, 'GET', '/v1/session', token) })).status).toBe(200);
  });

  it('no proof, the token as a bearer token, or a proof made for another token: 401', async () => {
    const own = WorkstationKey.ephemeral();
    const token = await signedIn(own);
    const other = await signedIn(own);
    const missing = await raw('GET', '/v1/session', { authorization: `${DPOP_SCHEME} ${token}` });
    refusedAsDpop(missing);
    expect(missing.challenge).toMatch(/error="invalid_dpop_proof"/);
    refusedAsDpop(await raw('GET', '/v1/session', { authorization: `Bearer ${token}`, [DPOP_HEADER]: await proof(own, 'GET', '/v1/session', token) }));
    refusedAsDpop(await raw('GET', '/v1/session', { authorization: `${DPOP_SCHEME} ${token}`, [DPOP_HEADER]: await proof(own, 'GET', '/v1/session', other) }));
    refusedAsDpop(await raw('GET', '/v1/session', {}));
  });

  it('a proof dated more than a minute from the service clock is refused (401)', async () => {
    const own = WorkstationKey.ephemeral();
    const token = await signedIn(own);
    const auth = `${DPOP_SCHEME} ${token}`;
    for (const offset of [-61_000, 61_000]) {
      const dated = await proof(own, 'GET', '/v1/session', token, new Date(rig.now().getTime() + offset));
      refusedAsDpop(await raw('GET', '/v1/session', { authorization: auth, [DPOP_HEADER]: dated }));
    }
  });

  it('opening a session needs a proof; without one the ticket is not spent, and the session is bound to the key that proved', async () => {
    const h = await holder(rig.db);
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const verify = await cardLogin(rig.service, card.state);
    const body = JSON.stringify({ loginTicket: verify.body.loginTicket, positionId: h.positionId });
    const unproved = await fetch(`${rig.service.url}/v1/login/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unproved.status).toBe(401);
    expect(unproved.headers.get('www-authenticate')).toMatch(/^DPoP /);
    const own = WorkstationKey.ephemeral();
    const proved = await fetch(`${rig.service.url}/v1/login/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [DPOP_HEADER]: await proof(own, 'POST', '/v1/login/session') },
      body,
    });
    expect(proved.status).toBe(200);
    const token = ((await proved.json()) as { token: string }).token;
    const row = await rig.db.selectFrom('sessions').select('key_thumbprint').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(row.key_thumbprint).toBe(own.thumbprint);
    expect((await call(rig.service, 'GET', '/v1/session', undefined, token, own)).status).toBe(200);
  });
});

const spentProofs = async (db: Db): Promise<number> =>
  Number((await db.selectFrom('dpop_proofs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('rule: spent proofs are recorded in the database every service instance shares', () => {
  it('a proof taken by one instance is refused by another on the same database; old ids are pruned', async () => {
    const storage = testStorage('cis-dpop-');
    let now = new Date();
    const origin = 'https://cis.example.nhs.uk';
    const first = await startService({ ...storage, serviceOrigin: origin, now: () => now });
    const second = await startService({ ...storage, serviceOrigin: origin, now: () => now });
    try {
      const db = first.ctx.db;
      const org = await addOrg(db, { code: 'DPOP1', name: 'Proof Trust' });
      const user = await addUser(db, { given: 'Pat', family: 'Proof', homeOrgId: org.id });
      const positionId = await addPosition(db, { orgId: org.id, title: 'Nurse' });
      await assign(db, user.id, positionId);
      const token = await sessionFor(db, user.id, positionId);
      // Their own profile: a call any session may make.
      const path = `/v1/users/${user.uuid}`;
      const proved = async (): Promise<Record<string, string>> => ({
        authorization: `${DPOP_SCHEME} ${token}`,
        [DPOP_HEADER]: await TEST_KEY.proof({ method: 'GET', url: `${origin}${path}`, now, token }),
      });
      const headers = await proved();
      const firstAnswer = await fetch(`${first.url}${path}`, { headers });
      expect(firstAnswer.status, await firstAnswer.text()).toBe(200);
      expect((await fetch(`${second.url}${path}`, { headers })).status).toBe(401);
      expect(await spentProofs(db)).toBe(1);

      now = new Date(now.getTime() + 10 * 60_000);
      expect((await fetch(`${second.url}${path}`, { headers: await proved() })).status).toBe(200);
      // The first proof's id is gone (it is too old to be taken anyway); the new one is kept.
      expect(await spentProofs(db)).toBe(1);
    } finally {
      await second.close();
      await first.close();
      rmSync(dirname(storage.secretFile), { recursive: true, force: true });
    }
  });
});
