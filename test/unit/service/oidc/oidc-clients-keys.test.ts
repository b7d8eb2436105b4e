import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { loadConfig } from '../../../../src-service/config.js';
import { addClient, listClients, removeClient } from '../../../../src-service/oidc/oidc-clients.js';
import { currentSigningKeys, RETIRED_KEY_PUBLISHED_MS, rotateSigningKey } from '../../../../src-service/oidc/oidc-signing-keys.js';
import { appMetadata, CookieJar, clinician, SECRET, signIn, startRig, type Rig } from '../../../support/oidc-rig.js';

// Relying parties from the configuration and the CLI (secrets sealed, bad metadata refused with the
// field named), and signing keys that rotate without breaking tokens already handed out.

let rig: Rig;
beforeAll(async () => {
  rig = await startRig([{ clientId: 'ward-app' }]);
});
afterAll(() => rig.close());

const who3 = (u: { userId: number; sessionId: number }) => ({ userId: u.userId, aal: 3 as const, kind: 'smartcard' as const, agentSessionId: u.sessionId });

describe('rule: bad client metadata is refused with the field named, and nothing is stored', () => {
  it.each([
    ['a redirect URI that is not https', { redirect_uris: ['http://pharmacy.example/cb'] }, /redirect_uris\.0: must be https, or http on localhost/],
    ['a short secret', { client_secret: 'short' }, /client_secret: at least 32 characters/],
    ['an unknown ACR value', { default_acr_values: ['AAL1'] }, /default_acr_values\.0/],
    ['an unknown field', { grant_types: ['implicit'] }, /grant_types/],
    ['a secret method without a secret', { client_secret: undefined, token_endpoint_auth_method: 'client_secret_basic' }, /client_secret: needed with token_endpoint_auth_method client_secret_basic/],
    ['private_key_jwt without keys', { client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt' }, /jwks: needed with token_endpoint_auth_method private_key_jwt/],
    ['logout tokens without the session', { backchannel_logout_session_required: false }, /backchannel_logout_session_required: must be true/],
  ])('oidc-client add: %s', async (_what, change, message) => {
    const metadata = { ...appMetadata('pharmacy', null), ...change };
    await expect(addClient(rig.service.ctx.db, rig.service.ctx.dataKey, metadata, [], new Date())).rejects.toThrow(message);
    expect(await listClients(rig.service.ctx.db)).toEqual([]);
  });

  it('a client the configuration already names is refused', async () => {
    await expect(addClient(rig.service.ctx.db, rig.service.ctx.dataKey, appMetadata('ward-app', null), rig.service.ctx.config.oidcClients, new Date())).rejects.toThrow(
      /client_id: ward-app is already in the service configuration/,
    );
  });

  it('the configuration (oidcClients) refuses bad metadata naming the client and the field', () => {
    expect(() => loadConfig({ overrides: { oidcClients: [{ ...appMetadata('x', null), redirect_uris: [] }] } })).toThrow(/oidcClients\.0\.redirect_uris: /);
  });
});

describe('rule: a client added with the CLI signs in, its secret sealed', () => {
  it('added, used for a sign-in, listed without its secret, removed', async () => {
    const { db, dataKey } = rig.service.ctx;
    await addClient(db, dataKey, appMetadata('pharmacy', rig.backchannel, { client_name: 'Pharmacy' }), [], new Date());
    const stored = await db.selectFrom('oidc_clients').select('metadata').where('client_id', '=', 'pharmacy').executeTakeFirstOrThrow();
    expect(stored.metadata).not.toContain(SECRET);
    const who = await clinician(rig, 'Chidi Okeke');
    const { claims } = await signIn(rig, await rig.app('pharmacy'), new CookieJar(), who3(who));
    expect(claims.aud).toBe('pharmacy');
    expect(await listClients(db)).toEqual([expect.objectContaining({ clientId: 'pharmacy', name: 'Pharmacy', backchannelLogoutUri: `${rig.backchannel.url}/pharmacy` })]);
    expect(await removeClient(db, 'pharmacy')).toBe(true);
    await expect(rig.app('pharmacy').then((app) => signIn(rig, app, new CookieJar(), who3(who)))).rejects.toThrow(/answered 400/);
  });
});

describe('rule: key rotation keeps tokens already issued verifiable', () => {
  it('after oidc-keys rotate new tokens carry the new key, and a token signed before still verifies against the JWKS', async () => {
    const { ctx } = rig.service;
    const who = await clinician(rig, 'Rotating Person');
    const before = await signIn(rig, await rig.app('ward-app'), new CookieJar(), who3(who));
    const oldKid = decodeProtectedHeader(before.tokens.id_token as string).kid;
    const newKid = await rotateSigningKey(ctx.db, ctx.dataKey, Date.now());
    await ctx.oidc?.refreshKeys();
    const after = await signIn(rig, await rig.app('ward-app'), new CookieJar(), who3(who));
    expect(decodeProtectedHeader(after.tokens.id_token as string).kid).toBe(newKid);
    const jwks = createRemoteJWKSet(new URL(`${ctx.oidcIssuer}/jwks`));
    for (const token of [before.tokens.id_token, after.tokens.id_token]) {
      await expect(jwtVerify(token as string, jwks, { issuer: ctx.oidcIssuer, audience: 'ward-app' })).resolves.toBeTruthy();
    }
    const published = (await (await fetch(`${ctx.oidcIssuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
  });

  it('a key past its age is replaced at the next check, and a retired key is dropped once its tokens have expired', async () => {
    const { ctx } = rig.service;
    const now = Date.now();
    const days = ctx.config.oidcKeyRotationDays;
    const signing = (await currentSigningKeys(ctx.db, ctx.dataKey, now, days)).keys[0]?.kid;
    const later = await currentSigningKeys(ctx.db, ctx.dataKey, now + days * 86_400_000 + 1, days);
    expect(later.keys[0]?.kid).not.toBe(signing);
    expect(later.keys.map((k) => k.kid)).toContain(signing);
    const muchLater = await currentSigningKeys(ctx.db, ctx.dataKey, now + days * 86_400_000 + RETIRED_KEY_PUBLISHED_MS + 2, days);
    expect(muchLater.keys.map((k) => k.kid)).toEqual([later.keys[0]?.kid]);
  });

  it('signing keys are sealed in the database', async () => {
    const rows = await rig.service.ctx.db.selectFrom('oidc_signing_keys').select('private_jwk_sealed').execute();
    for (const row of rows) expect(Buffer.from(row.private_jwk_sealed).toString('latin1')).not.toMatch(/"d"\s*:/);
  });
});
