import type { Page } from '@playwright/test';
import { openClinicalApp, signedInLine, signInButton } from './support/clinical-app.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN } from './support/personas.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// The Identity Agent's bridge (README "Sign-in for other apps"): only the identity service's
// sign-in page may ask it, each sign-in ticket works once, and the session token never reaches
// the browser. Proved from real pages in Chromium, as an attacker's page would try it.

useTrainingApp({ removalMode: 'normal' });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
  await logIn(page, CLINICIAN);
});

interface Captured {
  readonly bridgeUrl: string;
  readonly serviceOrigin: string;
  readonly body: string;
  readonly answer: string;
}

/** Signs in to the clinical app, recording what the sign-in page sent the bridge and what it answered. */
async function signInRecordingBridge(tab: Page): Promise<Captured> {
  let captured: Captured | undefined;
  tab.on('response', async (response) => {
    const request = response.request();
    if (request.method() !== 'POST' || !request.url().endsWith('/bridge/v1/sign-in')) return;
    const answer = await response.text().catch(() => '');
    captured = { bridgeUrl: request.url(), serviceOrigin: request.headers()['origin'] ?? '', body: request.postData() ?? '', answer };
  });
  await signInButton(tab).click();
  await expect(signedInLine(tab)).toBeVisible();
  await expect.poll(() => captured?.answer ?? '').toContain('signed-in');
  if (!captured) throw new Error('the sign-in page never called the bridge');
  return captured;
}

test('rule: the bridge answers the sign-in page, and its answer holds no session token', async ({ page }) => {
  const tab = await openClinicalApp(page, 'Training clinical app');
  const { answer, serviceOrigin, bridgeUrl } = await signInRecordingBridge(tab);

  expect(new URL(serviceOrigin).hostname).toBe('localhost');
  expect(new URL(bridgeUrl).hostname).toBe('127.0.0.1');
  expect(Object.keys(JSON.parse(answer) as object).sort()).toEqual(['outcome', 'redirectTo']);
});

test('rule: the bridge refuses a page of another origin (the browser shows it nothing)', async ({ page }) => {
  const tab = await openClinicalApp(page, 'Training clinical app');
  const { bridgeUrl, body } = await signInRecordingBridge(tab);
  // The app's page (http://localhost:<app port>) is not the service's origin.
  const outcome = await tab.evaluate(
    async ({ url, request }) => {
      try {
        const response = await fetch(url, { method: 'POST', mode: 'cors', headers: { 'content-type': 'application/json' }, body: request });
        return `answered ${response.status}: ${await response.text()}`;
      } catch (err) {
        return `refused: ${(err as Error).name}`;
      }
    },
    { url: bridgeUrl, request: body },
  );
  expect(outcome).toBe('refused: TypeError');

  // Without CORS (a "simple" text/plain post, no preflight) the request goes, and is refused.
  const simple = await tab.evaluate(
    async ({ url, request }) => {
      const response = await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: request });
      return response.type;
    },
    { url: bridgeUrl, request: body },
  );
  expect(simple, 'an opaque answer: nothing readable').toBe('opaque');
  const direct = await fetch(bridgeUrl, { method: 'POST', headers: { origin: new URL(tab.url()).origin, 'content-type': 'application/json' }, body });
  expect(direct.status).toBe(403);
  expect(direct.headers.get('access-control-allow-origin')).toBeNull();
});

test('rule: a sign-in ticket works once: the same interaction sent again from the service origin is refused', async ({ page, context }) => {
  const tab = await openClinicalApp(page, 'Training clinical app');
  const { bridgeUrl, serviceOrigin, body } = await signInRecordingBridge(tab);

  // A page of the service's own origin (the only one the bridge answers) replays the request.
  const servicePage = await context.newPage();
  await servicePage.goto(`${serviceOrigin}/oidc/.well-known/openid-configuration`);
  const replay = await servicePage.evaluate(
    async ({ url, request }) => {
      const response = await fetch(url, { method: 'POST', mode: 'cors', headers: { 'content-type': 'application/json' }, body: request });
      return (await response.json()) as { outcome: string; message?: string };
    },
    { url: bridgeUrl, request: body },
  );
  expect(replay).toEqual({ outcome: 'refused', message: 'This sign-in has already been used. Go back to the app and sign in again.' });
  await servicePage.close();
});
