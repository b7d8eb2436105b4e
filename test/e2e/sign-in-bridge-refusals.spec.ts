import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A plain page on its own loopback port: another origin, as a hostile local page would be. */
async function startPageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Elsewhere</title><h1>Elsewhere</h1></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Captured {
  readonly bridgeUrl: string;
  readonly serviceOrigin: string;
  readonly body: string;
  readonly answer: string;
}

/**
 * Signs in to the clinical app, recording what the sign-in page sent the bridge and what it
 * answered (the request goes to the real bridge, with the page's own headers; its answer is
 * handed back to the page unchanged).
 */
async function signInRecordingBridge(tab: Page): Promise<Captured> {
  let captured: Captured | undefined;
  await tab.route('**/bridge/v1/sign-in', async (route) => {
    const request = route.request();
    const headers = await request.allHeaders();
    const response = await route.fetch({ headers });
    const answer = await response.text();
    if (request.method() === 'POST') captured = { bridgeUrl: request.url(), serviceOrigin: headers['origin'] ?? '', body: request.postData() ?? '', answer };
    await route.fulfill({ response, body: answer });
  });
  await signInButton(tab).click();
  await expect(signedInLine(tab)).toBeVisible();
  await tab.unroute('**/bridge/v1/sign-in');
  if (!captured) throw new Error('the sign-in page never called the bridge');
  expect(captured.answer).toContain('"outcome":"signed-in"');
  return captured;
}

test('rule: the bridge answers the sign-in page, and its answer holds no session token', async ({ page }) => {
  const tab = await openClinicalApp(page, 'Training clinical app');
  const { answer, serviceOrigin, bridgeUrl } = await signInRecordingBridge(tab);

  expect(new URL(serviceOrigin).hostname).toBe('localhost');
  expect(new URL(bridgeUrl).hostname).toBe('127.0.0.1');
  expect(Object.keys(JSON.parse(answer) as object).sort()).toEqual(['outcome', 'redirectTo']);
});

test('rule: the bridge refuses a page of another origin, which learns nothing and spends nothing', async ({ page, context }) => {
  const tab = await openClinicalApp(page, 'Training clinical app');
  // Hold the sign-in page's own call back, so its ticket is fresh when another site tries it.
  let held: { url: string; body: string } | undefined;
  await tab.route('**/bridge/v1/sign-in', async (route) => {
    if (route.request().method() === 'POST') held = { url: route.request().url(), body: route.request().postData() ?? '' };
    await route.abort();
  });
  await signInButton(tab).click();
  await expect.poll(() => held?.body ?? '').toContain('ticket');
  const { url, body } = held as { url: string; body: string };

  // A page of another origin on this computer (no CSP of its own to get in the way) tries the same request.
  const elsewhere = await startPageServer();
  const attackerOrigin = elsewhere.origin;
  const attacker = await context.newPage();
  await attacker.goto(`${attackerOrigin}/`);
  const cors = await attacker.evaluate(
    async ({ url, body }) => {
      try {
        const response = await fetch(url, { method: 'POST', mode: 'cors', headers: { 'content-type': 'application/json' }, body });
        return `answered ${response.status}: ${await response.text()}`;
      } catch (err) {
        return `refused: ${(err as Error).name}`;
      }
    },
    { url, body },
  );
  expect(cors, 'the preflight is refused: the page cannot even send it').toBe('refused: TypeError');
  const simple = await attacker.evaluate(
    async ({ url, body }) => (await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body })).type,
    { url, body },
  );
  expect(simple, 'a post that needs no preflight gets an answer nobody can read').toBe('opaque');
  await attacker.close();
  await elsewhere.close();
  // What the bridge said to both (seen from outside the browser): refused, with no CORS headers.
  for (const contentType of ['application/json', 'text/plain']) {
    const answer = await fetch(url, { method: 'POST', headers: { origin: attackerOrigin, 'content-type': contentType }, body });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  }

  // The sign-in page asks again by itself, with the same ticket, and it still works.
  await tab.unroute('**/bridge/v1/sign-in');
  await expect(signedInLine(tab)).toContainText('assurance AAL3_ANY (SCARD)', { timeout: 10_000 });
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
