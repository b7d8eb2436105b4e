import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { LOCKED_CARD } from './support/personas.js';
import { chooseNewPasscode, errorSummary, otherCode, outbox, readSecurityCode } from './support/unlocking.js';
import { choosePosition, enterPasscode, identityAgent, insertCard, openWorkstation, pageHeading, passcodeField, removeEveryCard } from './support/workstation.js';

// Self-service unlock (domain.md, "Smartcards"): the Locked card persona asks for a security
// code, reads it in the training outbox, types it, chooses a new passcode, and logs in with it.
// This spec file has its own training app, so the unlocked card stays here.

useTrainingApp();

const NEW_PASSCODE = '13572468';

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('the locked card offers "Unlock your smartcard", which explains the steps; Cancel goes back', async ({ page }) => {
  await insertCard(page, LOCKED_CARD, 1);
  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
  await expect(passcodeField(page)).toHaveCount(0);
  await expect(page.getByText('Unlocking from this workstation is not available yet')).toHaveCount(0);
  await expect(outbox(page)).toContainText('No emails or text messages have been sent yet.');
  await expectNoAxeViolations(page, 'Your smartcard is locked');

  await page.getByRole('button', { name: 'Unlock your smartcard', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Unlock your smartcard');
  await expect(pageHeading(page), 'focus moves to the new page').toBeFocused();
  const main = page.getByRole('main');
  await expect(main).toContainText('6-digit security code');
  await expect(main).toContainText('email address or mobile number');
  await expect(main).toContainText('15 minutes');
  await expect(main).toContainText('new passcode');
  await expectNoAxeViolations(page, 'Unlock your smartcard');

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
  await expect(outbox(page), 'Cancel sent nothing').toContainText('No emails or text messages have been sent yet.');
});

test('Rhys unlocks his smartcard with the security code from the outbox, then logs in with the new passcode', async ({ page }) => {
  await insertCard(page, LOCKED_CARD, 1);
  await page.getByRole('button', { name: 'Unlock your smartcard', exact: true }).click();
  await page.getByRole('button', { name: 'Start now', exact: true }).click();

  // The code page says where the code went and until when.
  await expect(pageHeading(page)).toContainText('Enter your security code');
  await expect(pageHeading(page)).toBeFocused();
  const main = page.getByRole('main');
  await expect(main).toContainText(/We have sent a 6-digit security code by (email|text message) to \S+/);
  await expect(main).toContainText(/The code expires at \d{1,2}:\d{2}(am|pm)\./);
  const field = page.getByLabel('Security code', { exact: true });
  await expect(field).toHaveAttribute('inputmode', 'numeric');
  await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(page.getByRole('button', { name: 'Send a new code', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Send the code by (text message|email) instead$/ })).toBeVisible();
  await expectNoAxeViolations(page, 'Enter your security code');

  const first = await readSecurityCode(page);
  await expect(outbox(page).getByRole('listitem').first()).toContainText('Your smartcard security code');

  // A code of the wrong shape is caught here and costs no try.
  await field.fill('12ab');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'The security code must be 6 numbers' })).toHaveAttribute('href', '#security-code');
  await expect(field).toHaveValue('');
  await expect(field).toHaveAccessibleDescription(/The security code must be 6 numbers/);
  await expectNoAxeViolations(page, 'Enter your security code, with an error');

  // A wrong code is the service's to judge: it says how many tries are left.
  await field.fill(otherCode(first));
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(errorSummary(page).getByRole('link', { name: /You have 4 tries left/ })).toHaveAttribute('href', '#security-code');
  await expect(field, 'the agent answers "wrong-code": the field is where it is fixed').toHaveAccessibleDescription(/You have 4 tries left/);
  await expect(errorSummary(page)).toBeFocused();
  await expect(pageHeading(page)).toContainText('Enter your security code');

  // A new code replaces the first; the page says so where it is heard.
  await page.getByRole('button', { name: 'Send a new code', exact: true }).click();
  await expect(outbox(page).getByRole('listitem')).toHaveCount(2);
  const second = await readSecurityCode(page);
  await expect(page.getByRole('status').filter({ hasText: 'New code sent to' })).toBeVisible();

  await field.fill(second);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  // Choosing the new passcode: mistakes are caught before the card is touched.
  await expect(pageHeading(page)).toContainText('Choose a new passcode');
  await expect(pageHeading(page)).toBeFocused();
  for (const label of ['New passcode', 'Confirm new passcode']) {
    await expect(page.getByLabel(label, { exact: true })).toHaveAttribute('type', 'password');
    await expect(page.getByLabel(label, { exact: true })).toHaveAccessibleDescription(/6 to 8 numbers/);
  }
  await expectNoAxeViolations(page, 'Choose a new passcode');

  await chooseNewPasscode(page, NEW_PASSCODE, '13572469');
  await expect(errorSummary(page)).toBeFocused();
  const mismatch = errorSummary(page).getByRole('link', { name: 'The new passcodes do not match' });
  await expect(mismatch).toHaveAttribute('href', '#unlock-passcode-confirm');
  await expect(page.getByLabel('Confirm new passcode', { exact: true })).toHaveAccessibleDescription(/The new passcodes do not match/);
  for (const label of ['New passcode', 'Confirm new passcode']) await expect(page.getByLabel(label, { exact: true }), 'the fields are cleared').toHaveValue('');
  await expectNoAxeViolations(page, 'Choose a new passcode, with an error');
  await mismatch.click();
  await expect(page.getByLabel('Confirm new passcode', { exact: true })).toBeFocused();

  await chooseNewPasscode(page, '135');
  await expect(errorSummary(page).getByRole('link', { name: 'Your new passcode must be at least 6 digits.' })).toHaveAttribute('href', '#unlock-passcode-new');

  await chooseNewPasscode(page, NEW_PASSCODE);
  await expect(pageHeading(page)).toContainText('Your smartcard is unlocked');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Your smartcard is unlocked');

  // Continue leads to the passcode prompt: the new passcode logs in.
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(pageHeading(page)).toContainText(LOCKED_CARD.name);
  await expect(passcodeField(page)).toBeVisible();
  await expect(page.getByText('3 attempts remaining', { exact: true })).toBeVisible();
  await enterPasscode(page, NEW_PASSCODE);
  await choosePosition(page, LOCKED_CARD);
  await expect(identityAgent(page)).toContainText(LOCKED_CARD.name);
});

test('the unlocked card is not offered an unlock again, and its old passcode no longer works', async ({ page }) => {
  await insertCard(page, LOCKED_CARD, 2);
  await expect(pageHeading(page)).toContainText(LOCKED_CARD.name);
  await expect(passcodeField(page)).toBeVisible();
  await enterPasscode(page, LOCKED_CARD.passcode);
  await expect(page.getByText('2 attempts remaining', { exact: true })).toBeVisible();
  await enterPasscode(page, NEW_PASSCODE);
  await choosePosition(page, LOCKED_CARD);
  await expect(identityAgent(page)).toContainText(LOCKED_CARD.name);
});
