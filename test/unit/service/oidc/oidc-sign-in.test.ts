import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { ACR, ACR_VALUES_SUPPORTED } from '../../../../src-shared/api/oidc.js';
import { finishSignIn, requiredAalOf } from '../../../../src-service/oidc/finish-sign-in.js';
import { CookieJar, clinician, signIn, startRig, startSignIn, type Rig } from '../../../support/oidc-rig.js';

// The provider an app signs in with: discovery, the code flow with PKCE, the claims, the level an
// app needs and step-up, and the app's own logout.

let rig: Rig;
beforeAll(async () => {
  rig = await startRig([
    { clientId: 'ward-app' },
    { clientId: 'prescribing', extra: { default_acr_values: [ACR.aal3] } },
    { clientId: 'rota', extra: { default_acr_values: [ACR.aal2] } },
  ]);
});
afterAll(() => rig.close());

const sid = (claims: oidc.IDToken): string => String(claims.sid);

describe('rule: the provider publishes what an app needs to sign people in', () => {
  it('discovery names the issuer at /oidc on localhost, the ACR values, PKCE S256 and back-channel logout', async () => {
    const issuer = rig.service.ctx.oidcIssuer;
    expect(issuer).toMatch(/^http:\/\/localhost:\d+\/oidc$/);
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.acr_values_supported).toEqual([...ACR_VALUES_SUPPORTED]);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['ES256']);
    expect(discovery.backchannel_logout_supported).toBe(true);
    expect(discovery.backchannel_logout_session_supported).toBe(true);
    expect(discovery.end_session_endpoint).toBe(`${issuer}/session/end`);
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(['sub', 'acr', 'amr', 'name', 'organisation', 'position', 'ra_roles']));
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys.every((k) => k.d === undefined && k.p === undefined)).toBe(true);
  });
});

describe('rule: a smartcard sign-in gives the app the user, their position and AAL3', () => {
  it('code with PKCE, ID token with acr AAL3_ANY and amr SCARD, userinfo with name, organisation, position and RA roles', async () => {
    const who = await clinician(rig, 'Priya Patel', ['RAA']);
    const app = await rig.app('ward-app');
    const { tokens, claims } = await signIn(rig, app, new CookieJar(), { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId });
    expect(claims.sub).toBe(who.uuid);
    expect(claims.acr).toBe(ACR.aal3);
    expect(claims.amr).toEqual(['SCARD']);
    expect(claims.iss).toBe(rig.service.ctx.oidcIssuer);
    const info = await oidc.fetchUserInfo(app.config, tokens.access_token, who.uuid);
    expect(info).toMatchObject({
      sub: who.uuid,
      name: 'Priya Patel',
      given_name: 'Priya',
      family_name: 'Patel',
      organisation: { code: 'RZZ', name: 'Training NHS Trust' },
      position: { id: who.positionId, name: 'Staff Nurse' },
      ra_roles: ['RAA'],
    });
    const rows = await rig.service.ctx.db.selectFrom('oidc_sign_ins').selectAll().where('user_id', '=', who.userId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ client_id: 'ward-app', sid: sid(claims), agent_session_id: who.sessionId, acr: ACR.aal3, amr: '["SCARD"]', ended_at: null });
  });

  it('a code flow without PKCE is refused by the provider', async () => {
    const app = await rig.app('ward-app');
    const url = oidc.buildAuthorizationUrl(app.config, { redirect_uri: app.redirectUri, scope: 'openid', state: 'x' });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('a second app in the same browser signs in without the sign-in page, recorded against the same workstation session', async () => {
    const who = await clinician(rig, 'Grace Okafor');
    const jar = new CookieJar();
    await signIn(rig, await rig.app('ward-app'), jar, { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId });
    const second = await signIn(rig, await rig.app('rota'), jar, null);
    expect(second.claims.sub).toBe(who.uuid);
    const rows = await rig.service.ctx.db.selectFrom('oidc_sign_ins').select(['client_id', 'agent_session_id']).where('user_id', '=', who.userId).orderBy('id').execute();
    expect(rows).toEqual([
      { client_id: 'ward-app', agent_session_id: who.sessionId },
      { client_id: 'rota', agent_session_id: who.sessionId },
    ]);
  });
});

describe('rule: an app that needs AAL3 never gets an AAL2 sign-in; step-up goes back to the sign-in page', () => {
  it('requiredAalOf names the level from default_acr_values and from acr_values, and the app', async () => {
    const jar = new CookieJar();
    const page = await startSignIn(rig, await rig.app('prescribing'), jar);
    expect(await requiredAalOf(rig.service.ctx, page.pathname.split('/').pop() as string)).toEqual({ aal: 3, clientName: 'App prescribing' });
    const asked = await startSignIn(rig, await rig.app('ward-app'), jar, { acr_values: ACR.aal3, login_hint: 'amelia' });
    expect(await requiredAalOf(rig.service.ctx, asked.pathname.split('/').pop() as string)).toEqual({ aal: 3, clientName: 'App ward-app', userHint: 'amelia' });
    const plain = await startSignIn(rig, await rig.app('ward-app'), jar);
    expect((await requiredAalOf(rig.service.ctx, plain.pathname.split('/').pop() as string)).aal).toBe(2);
  });

  it('finishing an AAL3 app with an AAL2 authenticator is refused in words, and the interaction can still be finished with the card', async () => {
    const who = await clinician(rig, 'Sean Oconnor');
    const jar = new CookieJar();
    const page = await startSignIn(rig, await rig.app('prescribing'), jar);
    const uid = page.pathname.split('/').pop() as string;
    await expect(finishSignIn(rig.service.ctx, uid, { userId: who.userId, aal: 2, kind: 'security-key' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/This app needs a smartcard \(very high assurance\)/),
    });
    await expect(finishSignIn(rig.service.ctx, uid, { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId })).resolves.toMatchObject({
      redirectTo: expect.stringContaining(`/oidc/auth/${uid}`),
    });
    await expect(finishSignIn(rig.service.ctx, uid, { userId: who.userId, aal: 3, kind: 'smartcard' })).rejects.toMatchObject({ status: 409 });
    await expect(finishSignIn(rig.service.ctx, 'no-such-interaction', { userId: who.userId, aal: 3, kind: 'smartcard' })).rejects.toMatchObject({ status: 404 });
  });

  it('a closed profile cannot finish a sign-in', async () => {
    const who = await clinician(rig, 'Closed Person');
    await rig.service.ctx.db.updateTable('users').set({ status: 'closed' }).where('id', '=', who.userId).execute();
    const page = await startSignIn(rig, await rig.app('ward-app'), new CookieJar());
    await expect(finishSignIn(rig.service.ctx, page.pathname.split('/').pop() as string, { userId: who.userId, aal: 3, kind: 'smartcard' })).rejects.toMatchObject({ status: 403 });
  });

  it('a session signed in at AAL2 is sent back to the sign-in page by an AAL3 app, and the card steps it up to AAL3', async () => {
    const who = await clinician(rig, 'Amelia Hart');
    const jar = new CookieJar();
    const first = await signIn(rig, await rig.app('rota'), jar, { userId: who.userId, aal: 2, kind: 'security-key' });
    expect(first.claims.acr).toBe(ACR.aal2OrAal3);
    expect(first.claims.amr).toEqual(['FIDO2']);
    const prescribing = await rig.app('prescribing');
    const page = await startSignIn(rig, prescribing, jar);
    expect(page.pathname).toMatch(/^\/oidc\/interaction\//);
    const stepped = await signIn(rig, prescribing, jar, { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId });
    expect(stepped.claims.acr).toBe(ACR.aal3);
    expect(stepped.claims.amr).toEqual(['SCARD']);
    const sessions = await rig.service.ctx.db.selectFrom('oidc_sign_ins').select(['oidc_session_uid', 'client_id', 'acr']).where('user_id', '=', who.userId).orderBy('id').execute();
    expect(sessions.map((r) => [r.client_id, r.acr])).toEqual([
      ['rota', ACR.aal2OrAal3],
      ['prescribing', ACR.aal3],
    ]);
    expect(sessions[0]?.oidc_session_uid).toBe(sessions[1]?.oidc_session_uid);
    // The AAL2 app asked again goes straight through on the stepped-up session.
    const again = await signIn(rig, await rig.app('rota'), jar, null);
    expect(again.claims.acr).toBe(ACR.aal3);
  });
});

describe('rule: an app can sign the user out (RP-initiated logout)', () => {
  it('end_session with id_token_hint ends the provider session, the sign-in row, and returns to the app', async () => {
    const who = await clinician(rig, 'Logout Person');
    const jar = new CookieJar();
    const app = await rig.app('ward-app');
    const { tokens } = await signIn(rig, app, jar, { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId });
    const endUrl = oidc.buildEndSessionUrl(app.config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: 'http://localhost:9/ward-app/signed-out', state: 's1' });
    const confirm = await fetch(endUrl, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(confirm);
    expect(confirm.status).toBe(200);
    const form = await confirm.text();
    // The service's own page: NHS markup, one h1, the app named, under the pages' strict CSP.
    expect(form).toContain('<h1 class="nhsuk-heading-l">Sign out</h1>');
    expect(form).toMatch(/is signing you out\./);
    expect(form).toContain('name="logout" value="yes"');
    expect(confirm.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Its answer redirects back to the app: the form may reach the app's origin, and only that.
    expect(confirm.headers.get('content-security-policy')).toContain("form-action 'self' http://localhost:9;");
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
    const done = await fetch(new URL(action, endUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    jar.take(done);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('http://localhost:9/ward-app/signed-out?state=s1');
    const row = await rig.service.ctx.db.selectFrom('oidc_sign_ins').select(['ended_at', 'end_reason']).where('user_id', '=', who.userId).executeTakeFirstOrThrow();
    expect(row.end_reason).toBe('app-logout');
    // The app is told on its back-channel too, through the service's retried delivery.
    const told = (await rig.backchannel.until(rig.backchannel.received.length + 1, 3_000)).filter((r) => r.payload.sub === who.uuid);
    expect(told.map((t) => [t.clientId, t.payload.sid])).toEqual([['ward-app', tokens.claims()?.sid]]);
    // Asked again, the app meets the sign-in page: the session is gone.
    expect((await startSignIn(rig, app, jar)).pathname).toMatch(/^\/oidc\/interaction\//);
  });
});
