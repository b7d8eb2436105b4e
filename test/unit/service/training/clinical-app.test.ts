import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endSignIns } from '../../../../src-service/oidc/backchannel-logout.js';
import { finishSignIn } from '../../../../src-service/oidc/finish-sign-in.js';
import { ACR } from '../../../../src-shared/api/oidc.js';
import { startClinicalApp, type BackchannelLogoutReceived, type ClinicalApp } from '../../../../src-main/training/clinical-app/clinical-app.js';
import { CLINICAL_APP_SCOPES } from '../../../../src-main/training/clinical-app/training-clinical-apps.js';
import { OidcBrowser } from '../../../support/oidc-browser.js';
import { clinician, startRig, type Rig } from '../../../support/oidc-rig.js';

// The training clinical app against the real provider (both engines): it signs in with the code
// flow and shows who and at what assurance; when the service ends the sign-in, its back-channel
// endpoint verifies the logout token and ends its own session; a token the provider did not
// sign, or a form post from another site, changes nothing. The sign-in page's part is
// finishSignIn here (the browser tests go through the page and the Identity Agent).

let rig: Rig;
let app: ClinicalApp;

beforeAll(async () => {
  app = await startClinicalApp({ clientId: 'training-clinical-app', name: 'Training clinical app', acr: ACR.aal2OrAal3, scopes: CLINICAL_APP_SCOPES });
  rig = await startRig([], { oidcClients: [app.metadata] });
  app.useIssuer(rig.service.ctx.oidcIssuer);
});
afterAll(async () => {
  await rig.close();
  await app.close();
});

/** A browser signed in to the app by a clinician's card session. */
async function signedIn(name: string): Promise<{ browser: OidcBrowser; sessionId: number }> {
  const who = await clinician(rig, name);
  const browser = new OidcBrowser();
  const page = await browser.startSignIn(app.url);
  const uid = new URL(page.url).pathname.split('/').pop() as string;
  expect(new URL(page.url).pathname).toBe(`/oidc/interaction/${uid}`);
  const { redirectTo } = await finishSignIn(rig.service.ctx, uid, { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId });
  await browser.go(new URL(redirectTo, page.url).href);
  return { browser, sessionId: who.sessionId };
}

const nextLogout = (): Promise<BackchannelLogoutReceived> =>
  new Promise((resolve) => {
    const off = app.onBackchannelLogout((event) => {
      off();
      resolve(event);
    });
  });

describe('training clinical app', () => {
  it('rule: a card sign-in shows the name, position, organisation and AAL3 by smartcard, and the userinfo claims', async () => {
    const { browser } = await signedIn('Amelia Hart');
    const page = await browser.go(`${app.url}/`);
    expect(page.text).toContain('Signed in as Amelia Hart, Staff Nurse at Training NHS Trust, assurance AAL3_ANY (SCARD)');
    expect(page.text).toMatch(/<dt class="nhsuk-summary-list__key">organisation<\/dt><dd class="nhsuk-summary-list__value">\{&quot;code&quot;:&quot;RZZ&quot;/);
  });

  it('rule: when the service ends the sign-in, the app verifies the logout token and shows it was signed out by the back channel', async () => {
    const { browser, sessionId } = await signedIn('Grace Okafor');
    const received = nextLogout();
    await endSignIns(rig.service.ctx, { agentSessionIds: [sessionId] }, 'card removed');
    expect(await received).toMatchObject({ ended: 1 });
    const page = await browser.go(`${app.url}/`);
    expect(page.text).toMatch(/Signed out by the identity service \(back-channel logout\) at \d\d:\d\d:\d\d/);
    expect(page.text).not.toContain('Signed in as');
  });

  it('rule: a logout token the provider did not sign is refused (400) and the app stays signed in', async () => {
    const { browser } = await signedIn('Priya Patel');
    const forged = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: rig.service.ctx.oidcIssuer, aud: 'training-clinical-app', sub: 'x', jti: 'j', iat: Math.floor(Date.now() / 1000), events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }),
    ).toString('base64url')}.`;
    const response = await fetch(`${app.url}/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: forged }) });
    expect(response.status).toBe(400);
    expect((await browser.go(`${app.url}/`)).text).toContain('Signed in as Priya Patel');
  });

  it("rule: another site's form post cannot start or end a sign-in at the app", async () => {
    const { browser } = await signedIn('Tom Bradley');
    for (const path of ['/sign-in', '/sign-out']) {
      const page = await browser.go(`${app.url}${path}`, { method: 'POST', headers: { origin: 'http://localhost:1' } });
      expect(page.status).toBe(403);
    }
    expect((await browser.go(`${app.url}/`)).text).toContain('Signed in as Tom Bradley');
  });
});
