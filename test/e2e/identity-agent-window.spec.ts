import { expect, test, useTrainingApp } from './support/fixtures.js';
import { NEAR_EXPIRY } from './support/personas.js';
import { mainButton } from './support/renewing.js';
import { identityAgent, logIn, openWorkstation, pageHeading } from './support/workstation.js';

// The compact Identity Agent window (#identity-agent, Electron's small always-on-top window)
// offers the same Yes / Renew now as the main window; the renewal's pages are the main window's.

useTrainingApp();

test('the compact Identity Agent window offers the same Yes / Renew as the main window', async ({ page, app, context }) => {
  await openWorkstation(page, app);
  await logIn(page, NEAR_EXPIRY);
  await expect(pageHeading(page)).toHaveText('Smartcard Expiry Notification');

  const compact = await context.newPage();
  await compact.goto(`${app.url}#identity-agent`);
  const box = identityAgent(compact);
  await expect(box).toContainText(NEAR_EXPIRY.name);
  await expect(box.getByRole('button', { name: 'Yes', exact: true })).toBeVisible();

  // "No" in the small window answers the notification in both.
  await box.getByRole('button', { name: 'No', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(box.getByRole('button', { name: 'Renew now', exact: true })).toBeVisible();

  // "Renew now" there opens the passcode page in the main window.
  await box.getByRole('button', { name: 'Renew now', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Enter your passcode to renew your smartcard');
  await expect(box.getByRole('button', { name: 'Renew now', exact: true }), 'not offered while the renewal is under way').toHaveCount(0);
  await mainButton(page, 'Cancel').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await compact.close();
});
