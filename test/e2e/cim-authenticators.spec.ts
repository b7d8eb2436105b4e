import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, RA_AGENT } from './support/personas.js';
import { main, mainButton } from './support/smartcards.js';
import { errorSummary } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Authenticators in CIM: the RA agent (Priya Patel, RAA) issues a security key to the training
// clinician: Authenticators tab -> "Issue other authenticator" -> "Select authenticator type" ->
// instructions -> a one-time registration link, opened in another window on the identity
// service's own origin, where Chromium's virtual authenticator (CTAP2, USB, user verification)
// registers it; the profile, refreshed, lists it; then Remove -> confirm -> "Authenticator removed
// successfully".

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

test('rule: the RA agent issues a security key through a one-time link the key registers on the service page, and removes it with a confirmation', async ({ page }) => {
  await logIn(page, RA_AGENT, 1);
  await openAuthenticatorsTab(page, CLINICIAN.name);
  const table = main(page).getByRole('table');
  // The training key the seed gave her.
  await expect(table.getByRole('row')).toHaveCount(2);
  await expectNoAxeViolations(page, 'Authenticators tab');

  await main(page).getByRole('link', { name: 'Issue other authenticator', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Select authenticator type');
  await expect(pageHeading(page)).toBeFocused();
  // An RAA issues every kind but the iPad (RAM and RAA(A) only).
  await expect(page.getByRole('group', { name: 'Which type of authenticator?' }).getByRole('radio')).toHaveCount(4);
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
  await keyWindow.close();

  // CIM does not change by itself: back to the profile, which lists the new key.
  await main(page).getByRole('link', { name: `Back to the profile of ${CLINICIAN.name}`, exact: true }).click();
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText(RA_AGENT.name);

  await table.getByRole('link', { name: 'Remove Security key' }).last().click();
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
});
