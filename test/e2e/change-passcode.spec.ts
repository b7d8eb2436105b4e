import type { Locator, Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN } from './support/personas.js';
import { choosePosition, enterPasscode, identityAgent, insertCard, logIn, openWorkstation, pageHeading, removeCard, removeEveryCard } from './support/workstation.js';

// Issue 5, "Change passcode": from the Identity Agent box, current passcode, new and confirm;
// typing mistakes are caught before the card is touched, and the card's answer is shown.
// This spec file has its own training app, so the clinician's changed passcode stays here.

useTrainingApp();

const NEW_PASSCODE = '24681357';

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

async function openForm(page: Page): Promise<Locator> {
  const box = identityAgent(page);
  await box.getByRole('button', { name: 'Change passcode', exact: true }).click();
  const form = box.getByRole('form', { name: 'Change passcode' });
  await expect(form).toBeVisible();
  for (const label of ['Current passcode', 'New passcode', 'Confirm new passcode']) {
    await expect(form.getByLabel(label, { exact: true })).toHaveAttribute('type', 'password');
  }
  return form;
}

test('a mismatch is shown against the confirmation without asking the card; the form is accessible', async ({ page }) => {
  await logIn(page, CLINICIAN);
  const form = await openForm(page);
  await expectNoAxeViolations(page, 'change passcode form');

  await form.getByLabel('Current passcode', { exact: true }).fill(CLINICIAN.passcode);
  await form.getByLabel('New passcode', { exact: true }).fill(NEW_PASSCODE);
  await form.getByLabel('Confirm new passcode', { exact: true }).fill('24681358');
  await form.getByRole('button', { name: 'Change passcode', exact: true }).click();

  const summary = form.locator('.nhsuk-error-summary');
  await expect(summary).toBeFocused();
  const link = summary.getByRole('link', { name: 'The new passcodes do not match' });
  await expect(link).toHaveAttribute('href', '#change-passcode-confirm');
  await expect(form.getByLabel('Confirm new passcode', { exact: true })).toHaveAccessibleDescription(/The new passcodes do not match/);
  for (const label of ['Current passcode', 'New passcode', 'Confirm new passcode']) {
    await expect(form.getByLabel(label, { exact: true }), 'the fields are cleared').toHaveValue('');
  }
  await expectNoAxeViolations(page, 'change passcode form with an error');
  await link.click();
  await expect(form.getByLabel('Confirm new passcode', { exact: true })).toBeFocused();

  // A wrong current passcode reaches the card, which says how many tries are left.
  await form.getByLabel('Current passcode', { exact: true }).fill('999999');
  await form.getByLabel('New passcode', { exact: true }).fill(NEW_PASSCODE);
  await form.getByLabel('Confirm new passcode', { exact: true }).fill(NEW_PASSCODE);
  await form.getByRole('button', { name: 'Change passcode', exact: true }).click();
  await expect(summary.getByRole('link', { name: 'Wrong passcode. 2 attempts remaining.' })).toHaveAttribute('href', '#change-passcode-current');

  await form.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(form).toBeHidden();
  await expect(identityAgent(page).getByRole('button', { name: 'Change passcode', exact: true })).toBeFocused();

  // The card was never locked by any of this: the old passcode still signs in (and resets the count).
  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
  await logIn(page, CLINICIAN);
});

test('the clinician changes 123456 to 24681357, and the new passcode signs in next time', async ({ page }) => {
  await logIn(page, CLINICIAN);
  const form = await openForm(page);
  await form.getByLabel('Current passcode', { exact: true }).fill(CLINICIAN.passcode);
  await form.getByLabel('New passcode', { exact: true }).fill(NEW_PASSCODE);
  await form.getByLabel('Confirm new passcode', { exact: true }).fill(NEW_PASSCODE);
  await form.getByRole('button', { name: 'Change passcode', exact: true }).click();

  const box = identityAgent(page);
  await expect(box.getByRole('heading', { name: 'Your passcode has been changed' })).toBeVisible();
  await expect(box.getByRole('heading', { name: 'Your passcode has been changed' })).toBeFocused();
  await expect(box).toContainText('Passcode changed');
  await expectNoAxeViolations(page, 'passcode changed');

  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
  await insertCard(page, CLINICIAN, 1);
  await expect(pageHeading(page)).toContainText(CLINICIAN.name);
  await enterPasscode(page, NEW_PASSCODE);
  await choosePosition(page, CLINICIAN);
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
});

test('the #change-passcode address (the tray menu) opens the form while signed in', async ({ page }) => {
  await insertCard(page, CLINICIAN, 1);
  await enterPasscode(page, NEW_PASSCODE);
  await choosePosition(page, CLINICIAN);
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
  // What the Electron tray's "Change passcode…" does to the main window.
  await page.evaluate(`window.location.hash = '#change-passcode'`);
  await expect(identityAgent(page).getByRole('form', { name: 'Change passcode' })).toBeVisible();
  await expect(page).not.toHaveURL(/#change-passcode/);
});
