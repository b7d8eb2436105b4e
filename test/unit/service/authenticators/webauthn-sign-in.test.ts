import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rpIdOf } from '../../../../src-service/authenticators/page-origin.js';
import { webauthnSignInOptions } from '../../../../src-service/authenticators/webauthn-sign-in.js';
import { addOrg, addUser } from '../../../support/service-fixtures.js';
import { SoftAuthenticator } from '../../../support/soft-webauthn.js';
import { REDIRECT_URI, startSignInRig, type SignInRig } from '../sign-in/sign-in-rig.js';

// Signing in to an app with a security key on the provider's sign-in page: the page carries a
// challenge answered once within 5 minutes; the key's answer must be for this origin and RP ID,
// with the user verified, and its signature counter must move on; the sign-in finishes at the
// key's own level, which an AAL3 app refuses when it is AAL2.

let rig: SignInRig;
let orgId: number;
beforeAll(async () => {
  rig = await startSignInRig();
  orgId = (await addOrg(rig.service.ctx.db, { code: 'RW1', name: 'WebAuthn Trust', kind: 'trust' })).id;
});
afterAll(() => rig.close());
afterEach(() => rig.shiftClock(0));

let people = 0;
async function holderOfKey(aal: 2 | 3 = 2, signCount = 0): Promise<{ key: SoftAuthenticator; authenticatorId: number; userId: number }> {
  const db = rig.service.ctx.db;
  const user = await addUser(db, { given: 'Kay', family: `Holder ${++people}`, homeOrgId: orgId });
  const key = new SoftAuthenticator();
  key.counter = signCount;
  const { id } = await db
    .insertInto('authenticators')
    .values({ user_id: user.id, kind: 'security-key', label: 'Security key', created_at: new Date().toISOString(), aal, credential_id: key.id, public_key: Buffer.from(key.coseKey()), sign_count: signCount })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { key, authenticatorId: id, userId: user.id };
}

const origin = (): string => rig.service.ctx.publicOrigin;

function optionsOf(html: string): { challenge: string; rpId: string; allowCredentials: unknown[] } {
  const raw = /data-options="([^"]+)"/.exec(html)?.[1];
  expect(raw, 'the page carries WebAuthn options').toBeDefined();
  return JSON.parse((raw as string).replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { challenge: string; rpId: string; allowCredentials: unknown[] };
}

async function shownPage(clientId = 'rota-app'): Promise<{ uid: string; cookie: string; challenge: string }> {
  const { uid, cookie } = await rig.begin(clientId);
  const page = await rig.page(uid, cookie);
  expect(page.status).toBe(200);
  return { uid, cookie, challenge: optionsOf(page.html).challenge };
}

async function signIn(body: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${rig.service.url}/v1/oidc/webauthn-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const answer = (key: SoftAuthenticator, challenge: string, how: { origin?: string; userVerified?: boolean; counter?: number } = {}) =>
  key.authenticate({ origin: how.origin ?? origin(), rpId: rpIdOf(origin()), challenge, ...(how.userVerified === undefined ? {} : { userVerified: how.userVerified }), ...(how.counter === undefined ? {} : { counter: how.counter }) });

describe('WebAuthn sign-in', () => {
  it('rule: the relying party is the service origin on localhost (a domain), never 127.0.0.1', async () => {
    const { uid, cookie } = await rig.begin('rota-app');
    expect(optionsOf((await rig.page(uid, cookie)).html).rpId).toBe('localhost');
  });

  it("rule: a registered key signs its holder in to an AAL2 app at the key's level, and its counter and last use are kept", async () => {
    const { key, authenticatorId, userId } = await holderOfKey(2);
    const { uid, cookie, challenge } = await shownPage();
    const res = await signIn({ uid, credential: answer(key, challenge) });
    expect(res.status).toBe(200);
    const url = await rig.follow(res.body.redirectTo as string, cookie);
    expect(url.startsWith(REDIRECT_URI)).toBe(true);
    expect(new URL(url).searchParams.get('code')).toBeTruthy();
    const row = await rig.service.ctx.db.selectFrom('authenticators').select(['sign_count', 'last_used_at']).where('id', '=', authenticatorId).executeTakeFirstOrThrow();
    expect(row.sign_count).toBe(1);
    expect(row.last_used_at).not.toBeNull();
    const signIns = await rig.service.ctx.db.selectFrom('oidc_sign_ins').select(['acr', 'amr', 'authenticator_id']).where('user_id', '=', userId).execute();
    expect(signIns).toEqual([{ acr: 'AAL2_OR_AAL3_ANY', amr: JSON.stringify(['FIDO2']), authenticator_id: authenticatorId }]);
  });

  it('rule: a signature counter that goes back (a copied key) is refused and nothing is updated', async () => {
    const { key, authenticatorId } = await holderOfKey(2, 10);
    const { uid, challenge } = await shownPage();
    const res = await signIn({ uid, credential: answer(key, challenge, { counter: 9 }) });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('signature counter went back');
    const row = await rig.service.ctx.db.selectFrom('authenticators').select(['sign_count', 'last_used_at']).where('id', '=', authenticatorId).executeTakeFirstOrThrow();
    expect(row).toEqual({ sign_count: 10, last_used_at: null });
  });

  it("rule: the page's challenge is answered once", async () => {
    const { key } = await holderOfKey();
    const { uid, challenge } = await shownPage();
    const credential = answer(key, challenge);
    expect((await signIn({ uid, credential })).status).toBe(200);
    const again = await signIn({ uid, credential: answer(key, challenge) });
    expect(again.status).toBe(409);
  });

  it("rule: the page's challenge expires after 5 minutes", async () => {
    const { key } = await holderOfKey();
    const { uid, challenge } = await shownPage();
    rig.shiftClock(5 * 60_000 + 1000);
    expect((await signIn({ uid, credential: answer(key, challenge) })).status).toBe(409);
  });

  it('rule: a challenge minted for one sign-in does not finish another', async () => {
    const { key } = await holderOfKey();
    const first = await shownPage();
    const second = await shownPage();
    expect((await signIn({ uid: second.uid, credential: answer(key, first.challenge) })).status).toBe(409);
  });

  it.each([
    ['from another origin', { origin: 'https://evil.example' }],
    ['without user verification', { userVerified: false }],
  ])('rule: an answer %s is refused', async (_what, how) => {
    const { key } = await holderOfKey();
    const { uid, challenge } = await shownPage();
    const res = await signIn({ uid, credential: answer(key, challenge, how) });
    expect(res.status).toBe(400);
  });

  it('rule: a removed key signs nobody in', async () => {
    const { key, authenticatorId } = await holderOfKey();
    await rig.service.ctx.db.updateTable('authenticators').set({ removed_at: new Date().toISOString() }).where('id', '=', authenticatorId).execute();
    const { uid, challenge } = await shownPage();
    const res = await signIn({ uid, credential: answer(key, challenge) });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('not registered');
  });

  it('rule: an AAL3 app is not offered the method without a known AAL3 key, and an AAL2 key is refused by it in words', async () => {
    const { key } = await holderOfKey(2);
    const { uid, cookie } = await rig.begin('ward-app');
    const page = await rig.page(uid, cookie);
    expect(page.html).not.toContain('data-options');
    const options = await webauthnSignInOptions(rig.service.ctx, uid, 2, undefined);
    const res = await signIn({ uid, credential: answer(key, options['challenge'] as string) });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('This app needs a smartcard (very high assurance)');
  });

  it('rule: an AAL3 key signs in to an AAL3 app', async () => {
    const { key } = await holderOfKey(3);
    const { uid, cookie } = await rig.begin('ward-app');
    const options = await webauthnSignInOptions(rig.service.ctx, uid, 3, undefined);
    const res = await signIn({ uid, credential: answer(key, options['challenge'] as string) });
    expect(res.status).toBe(200);
    expect((await rig.follow(res.body.redirectTo as string, cookie)).startsWith(REDIRECT_URI)).toBe(true);
  });

  it('rule: bad input is a 400 and signs nobody in', async () => {
    for (const body of [{}, { uid: 'x', credential: {} }, { uid: 'abcdefgh', credential: { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: '!!' } } }]) {
      expect((await signIn(body)).status).toBe(400);
    }
  });
});
