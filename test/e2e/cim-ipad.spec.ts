import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { registerDevice } from '../../src-device/device-client.js';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, RA_MANAGER } from './support/personas.js';
import { main, mainButton } from './support/smartcards.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Issuing an iPad in CIM (seed wording): the RA manager (Seán O'Connor, RAM) selects iPad, reads
// the instructions, selects 'Generate QR code'; the QR code and its link (for those who cannot
// scan) are shown with the 5-minute note; the reference device registers with the link; the page
// does not change by itself, and the profile, shown again, lists the iPad.

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

test('rule: the RA manager generates an iPad QR code; the device registers with it; the page does not change by itself; the profile lists the iPad', async ({ page }) => {
  await logIn(page, RA_MANAGER, 1);
  await openAuthenticatorsTab(page, CLINICIAN.name);
  const table = main(page).getByRole('table');
  const rowsBefore = await table.getByRole('row').count();

  await main(page).getByRole('link', { name: 'Issue other authenticator', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Select authenticator type');
  await page.getByLabel('iPad', { exact: true }).check();
  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).toContainText('Register an iPad');
  await expect(main(page)).toContainText('Apple Business App store');
  await expectNoAxeViolations(page, 'iPad instructions');

  await mainButton(page, 'Generate QR code').click();
  await expect(main(page).getByRole('img', { name: 'QR code to register the iPad' })).toBeVisible();
  await expect(main(page)).toContainText('The user now has 5 minutes to scan this code using the NHS CIS2 app');
  await expect(main(page)).toContainText('this screen will not change by itself');
  await expectNoAxeViolations(page, 'iPad QR code');
  await page.getByText('The user cannot scan the QR code', { exact: true }).click();
  const link = (await page.locator('#qr-code-link').textContent())?.trim() ?? '';
  expect(new URL(link).pathname).toBe('/device/ipad/register');

  const registered = await registerDevice(link, join(mkdtempSync(join(tmpdir(), 'cis-e2e-device-')), 'device'), 'Ward iPad');
  expect(registered.about).toBe(CLINICIAN.name);
  // Nothing changed by itself.
  await expect(main(page).getByRole('img', { name: 'QR code to register the iPad' })).toBeVisible();

  await main(page).getByRole('link', { name: `Back to the profile of ${CLINICIAN.name}`, exact: true }).click();
  await expect(table.getByRole('row')).toHaveCount(rowsBefore + 1);
  await expect(table).toContainText('iPad');
});
