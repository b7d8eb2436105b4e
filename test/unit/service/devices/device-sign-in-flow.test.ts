import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDevice, signInWithDevice } from '../../../../src-device/device-client.js';
import { totpOf } from '../../../../src-service/devices/totp.js';
import { actor, addOrg, addUser, proofHeaders } from '../../../support/service-fixtures.js';
import { REDIRECT_URI, startSignInRig, type SignInRig } from '../sign-in/sign-in-rig.js';
import { deviceDir } from './ipad-support.js';

// The iPad and the authenticator app on the provider's own sign-in page, with the real provider:
// the app sends the browser to sign in, the page offers the methods that reach the app's level,
// the device signs the page's link (or the person types a code), and the browser goes back to the
// app with an authorisation code.

let rig: SignInRig;
let orgId: number;
beforeAll(async () => {
  rig = await startSignInRig();
  orgId = (await addOrg(rig.service.ctx.db, { code: 'RDV', name: 'Device Trust', kind: 'trust', parentId: null })).id;
});
afterAll(async () => {
  await rig.close();
});

async function call(token: string, path: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers = await proofHeaders(rig.service, 'POST', path, token);
  const response = await fetch(`${rig.service.url}${path}`, { method: 'POST', headers });
  return { status: response.status, body: await response.json() };
}

async function pollState(uid: string, pollToken: string): Promise<{ state: string; redirectTo?: string }> {
  const response = await fetch(`${rig.service.ctx.publicOrigin}/v1/oidc/interactions/${uid}/ipad/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pollToken }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { state: string; redirectTo?: string };
}

describe('the sign-in page with an iPad', () => {
  it('rule: an AAL3 app offers the iPad; the device signs the QR link and the page goes back to the app with a code', async () => {
    const db = rig.service.ctx.db;
    const ram = await actor(db, orgId, ['RAM'], 'Manager');
    const person = await addUser(db, { given: 'Amelia', family: 'Hart', homeOrgId: orgId });
    const enrolment = await call(ram.token, `/v1/users/${person.uuid}/authenticators/ipad-enrolments`);
    expect(enrolment.status).toBe(201);
    const dir = deviceDir();
    await registerDevice(enrolment.body.link as string, dir);

    const browser = await rig.begin('ward-app');
    const page = await rig.page(browser.uid, browser.cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h2 class="nhsuk-card__heading nhsuk-heading-m">iPad</h2>');
    expect(page.html).not.toContain('Microsoft Authenticator');
    expect(page.html).toContain('<script src="/sign-in/assets/ipad-sign-in.js" defer></script>');
    const link = /<p id="ipad-sign-in-link">([^<]+)<\/p>/.exec(page.html)?.[1] as string;
    const pollToken = /data-poll="([A-Za-z0-9_-]+)"/.exec(page.html)?.[1] as string;
    expect(link).toMatch(/\/device\/ipad\/sign-in#/);
    expect(page.html).toContain('<svg');

    expect(await pollState(browser.uid, pollToken)).toEqual({ state: 'waiting' });
    expect(await signInWithDevice(link.replace(/&#39;|&amp;/g, ''), dir)).toEqual({ app: 'Ward Rounds <Beta> & Co', as: 'Amelia Hart' });
    const done = await pollState(browser.uid, pollToken);
    expect(done.state).toBe('signed-in');
    const landed = await rig.follow(done.redirectTo as string, browser.cookie);
    expect(landed.startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    const record = await db.selectFrom('oidc_sign_ins').select(['user_id', 'acr', 'amr', 'client_id']).where('user_id', '=', person.id).executeTakeFirstOrThrow();
    expect({ ...record, amr: JSON.parse(record.amr) as unknown }).toEqual({ user_id: person.id, acr: 'AAL3_ANY', amr: ['IOS'], client_id: 'ward-app' });
  });

  it('rule: the iPad script the page loads is served from the service itself', async () => {
    const response = await fetch(`${rig.service.ctx.publicOrigin}/sign-in/assets/ipad-sign-in.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(await response.text()).toContain('/ipad/state');
  });
});

describe('the sign-in page with the authenticator app', () => {
  it('rule: an AAL2 app offers Microsoft Authenticator; the email address and current code go back to the app at AAL2; the same code again is refused', async () => {
    const db = rig.service.ctx.db;
    const me = await actor(db, orgId, [], 'Coder');
    const setUp = await call(me.token, `/v1/users/${me.uuid}/authenticators/totp-enrolments`);
    const secret = setUp.body.secret as string;
    const confirmPath = `/v1/users/${me.uuid}/authenticators/totp-enrolments/${setUp.body.enrolmentId}/confirm`;
    const confirm = await fetch(`${rig.service.url}${confirmPath}`, {
      method: 'POST',
      headers: { ...(await proofHeaders(rig.service, 'POST', confirmPath, me.token)), 'content-type': 'application/json' },
      body: JSON.stringify({ code: totpOf(secret, 'x').generate({ timestamp: Date.now() - 30_000 }) }),
    });
    expect(confirm.status).toBe(201);

    const browser = await rig.begin('rota-app');
    const page = await rig.page(browser.uid, browser.cookie);
    expect(page.html).toContain('<label class="nhsuk-label" for="totp-code">Code from the app</label>');
    const code = totpOf(secret, 'x').generate({ timestamp: Date.now() });
    const post = (uid = browser.uid) =>
      fetch(`${rig.service.ctx.publicOrigin}/v1/oidc/interactions/${uid}/totp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'coder@nhs.net', code }) });
    const signedIn = await post();
    expect(signedIn.status).toBe(200);
    const { redirectTo } = (await signedIn.json()) as { redirectTo: string };
    expect((await rig.follow(redirectTo, browser.cookie)).startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    const record = await db.selectFrom('oidc_sign_ins').select(['acr', 'amr']).where('user_id', '=', me.userId).executeTakeFirstOrThrow();
    expect({ acr: record.acr, amr: JSON.parse(record.amr) as unknown }).toEqual({ acr: 'AAL2_OR_AAL3_ANY', amr: ['TOTP'] });
    const again = await rig.begin('rota-app');
    const replay = await post(again.uid);
    expect({ status: replay.status, message: ((await replay.json()) as { message: string }).message }).toEqual({ status: 400, message: 'This code has already been used. Wait for the app to show a new code.' });
  });
});
