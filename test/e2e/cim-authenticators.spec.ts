import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, RA_AGENT } from './support/personas.js';
import { main, mainButton } from './support/smartcards.js';
import { errorSummary } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';
import type { TrainingApp } from './support/training-app.js';

// Authenticators in CIM: the RA agent (Priya Patel, RAA) issues a security key to the training
// clinician: Authenticators tab -> "Issue other authenticator" -> "Select authenticator type" ->
// instructions -> a one-time registration link, opened in another window on the identity
// service's own origin, where Chromium's virtual authenticator (CTAP2, USB, user verification)
// registers it; the profile, refreshed, lists it; Remove -> confirm -> "Authenticator removed
// successfully" (the training key); then, signed out of the workstation, the clinician signs in to
// an app on the provider's sign-in page with the new key (a passkey the browser finds itself).

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

async function openAuthenticatorsTab(page: Page, name: string): Promise<void> {
  const findUser = page.getByRole('link', { name: 'Find an existing user', exact: true });
  if ((await findUser.count()) > 0) await findUser.click();
  else await page.evaluate("window.location.hash = '#/cim/find-user'");
  await expect(pageHeading(page)).toHaveText('Find an existing user');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: `View profile of ${name}`, exact: true }).click();
  await expect(pageHeading(page)).toContainText(name);
  await page.getByRole('link', { name: 'Authenticators', exact: true }).click();
  await expect(main(page).getByRole('heading', { name: 'Authenticators', level: 2 })).toBeVisible();
}

/** A second window with Chromium's virtual authenticator: a CTAP2 USB key with a PIN (user verification) set. */
async function windowWithSecurityKey(page: Page): Promise<Page> {
  const other = await page.context().newPage();
  const cdp = await page.context().newCDPSession(other);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return other;
}

const APP_CALLBACK = 'http://localhost:5999/callback';

/** An app (a public client with PKCE, AAL2) registered in the training service's database, as `oidc-client add` would. */
function registerApp(app: TrainingApp): string {
  const db = new Database(join(app.dataDir, 'service.sqlite'));
  try {
    const metadata = { client_id: 'e2e-webauthn-app', client_name: 'Ward Rota', redirect_uris: [APP_CALLBACK], token_endpoint_auth_method: 'none', default_acr_values: ['AAL2_OR_AAL3_ANY'] };
    db.prepare('INSERT INTO oidc_clients (client_id, metadata, created_at) VALUES (?, ?, ?)').run(metadata.client_id, JSON.stringify(metadata), new Date().toISOString());
    return metadata.client_id;
  } finally {
    db.close();
  }
}

function authorizeUrl(serviceOrigin: string, clientId: string): string {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: APP_CALLBACK,
    response_type: 'code',
    scope: 'openid',
    code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  });
  return `${serviceOrigin}/oidc/auth?${query.toString()}`;
}

test('rule: the RA agent issues a security key through a one-time link the key registers on the service page, removes one with a confirmation, and the key signs its holder in to an app on the provider page', async ({ page, app }) => {
  await logIn(page, RA_AGENT, 1);
  await openAuthenticatorsTab(page, CLINICIAN.name);
  const table = main(page).getByRole('table');
  // The training key the seed gave her.
  await expect(table.getByRole('row')).toHaveCount(2);
  await expectNoAxeViolations(page, 'Authenticators tab');

  await main(page).getByRole('link', { name: 'Issue other authenticator', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Select authenticator type');
  await expect(pageHeading(page)).toBeFocused();
  // An RAA issues every kind but the iPad (RAM and RAA(A) only); NHS.net Connect is not set up in training.
  const types = page.getByRole('group', { name: 'Which type of authenticator?' }).getByRole('radio');
  await expect(types).toHaveCount(3);
  await expect(page.getByRole('radio', { name: /NHS\.net/ })).toHaveCount(0);
  await mainButton(page, 'Continue').click();
  await expect(errorSummary(page).getByRole('link', { name: 'Select an authenticator type' })).toBeVisible();
  await expect(errorSummary(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Select authenticator type: error');
  await page.getByLabel('Security key or passkey', { exact: true }).check();
  await mainButton(page, 'Continue').click();

  await expect(pageHeading(page)).toContainText('Add a security key or passkey');
  await expectNoAxeViolations(page, 'Security key instructions');
  await mainButton(page, 'Create registration link').click();
  await expect(main(page).getByRole('heading', { name: 'Registration link ready' })).toBeVisible();
  await expectNoAxeViolations(page, 'Security key registration link');
  const link = (await page.locator('#registration-link-text').textContent())?.trim() ?? '';
  expect(new URL(link).hostname).toBe('localhost');
  expect(new URL(link).pathname).toBe('/authenticators/register');

  const keyWindow = await windowWithSecurityKey(page);
  await keyWindow.goto(link);
  await expect(pageHeading(keyWindow)).toHaveText('Register a security key or passkey');
  await expect(keyWindow.getByText(`For ${CLINICIAN.name}.`)).toBeVisible();
  await expectNoAxeViolations(keyWindow, 'Registration page');
  await keyWindow.getByRole('button', { name: 'Register security key or passkey', exact: true }).click();
  await expect(pageHeading(keyWindow)).toHaveText('Security key or passkey added', { timeout: 20_000 });
  await expect(pageHeading(keyWindow)).toBeFocused();
  await expectNoAxeViolations(keyWindow, 'Registration page: done');

  // The link works once.
  await keyWindow.reload();
  await expect(keyWindow.getByRole('alert')).toContainText('This link has expired or has already been used.');

  // CIM does not change by itself: back to the profile, which lists the new key.
  await main(page).getByRole('link', { name: `Back to the profile of ${CLINICIAN.name}`, exact: true }).click();
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText(RA_AGENT.name);

  await table.getByRole('link', { name: 'Remove Security key' }).first().click();
  await expect(pageHeading(page)).toContainText('Remove authenticator');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Remove authenticator');
  await mainButton(page, 'Remove authenticator').click();
  await expect(errorSummary(page).getByRole('link', { name: 'Confirm that you want to remove this authenticator' })).toBeVisible();
  await expect(errorSummary(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Remove authenticator: error');
  await page.getByRole('checkbox').check();
  await mainButton(page, 'Remove authenticator').click();
  await expect(pageHeading(page)).toHaveText('Authenticator removed successfully');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Remove authenticator: removed');
  await main(page).getByRole('link', { name: `Back to the profile of ${CLINICIAN.name}`, exact: true }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText(RA_AGENT.name);

  // Signed out of the workstation (no smartcard session to sign in with), the clinician signs in
  // to an app with the key on the provider's sign-in page.
  await removeEveryCard(page);
  await keyWindow.goto(authorizeUrl(new URL(link).origin, registerApp(app)));
  await expect(pageHeading(keyWindow)).toHaveText('Sign in');
  await expect(keyWindow.locator('#client-name')).toHaveText('Ward Rota');
  await expectNoAxeViolations(keyWindow, 'Sign-in page with a security key');
  const toApp = keyWindow.waitForRequest((request) => request.url().startsWith(APP_CALLBACK));
  await keyWindow.getByRole('button', { name: 'Sign in with a security key, passkey or Windows Hello', exact: true }).click();
  const callback = new URL((await toApp).url());
  expect(callback.searchParams.get('code')).toBeTruthy();
  await keyWindow.close();
});
