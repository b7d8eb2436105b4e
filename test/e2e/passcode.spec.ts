import { expect, test, useTrainingApp } from './support/fixtures.js';
import { WATCH_FOR_DISABLED_OK } from './support/in-page.js';
import { CLINICIAN, LOCKED_CARD, RA_AGENT, SPONSOR } from './support/personas.js';
import { enterPasscode, identityAgent, insertCard, okButton, openWorkstation, pageHeading, passcodeField, removeEveryCard } from './support/workstation.js';

// Passcode rules (domain.md, "Smartcards"): 6 to 8 digits; three wrong entries lock the card;
// "n attempts remaining" after a wrong one and a warning before the last. The tests share one
// app, so the card the first test locks (the Clinician's) is not used again in this file.

useTrainingApp();

const WRONG = '000000';

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('wrong passcodes say how many attempts remain, warn before the last, and the third locks the card', async ({ page }) => {
  await insertCard(page, CLINICIAN, 1);
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });

  await enterPasscode(page, WRONG);
  await expect(page.getByText('2 attempts remaining', { exact: true })).toBeVisible();
  await expect(summary).toContainText('Wrong passcode');
  await expect(page.locator(':focus'), 'focus goes to the error summary').toContainText('There is a problem');
  await expect(passcodeField(page), 'the field is cleared after each try').toHaveValue('');
  await expect(page.getByText('This is your last attempt')).toHaveCount(0);

  await enterPasscode(page, WRONG);
  await expect(page.getByText('1 attempt remaining', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Important: Last attempt' })).toBeVisible();
  await expect(page.getByText('This is your last attempt. If you enter the wrong passcode again, your smartcard will be locked.')).toBeVisible();

  await enterPasscode(page, WRONG);
  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
  await expect(pageHeading(page)).toBeFocused();
});

test('the Locked card persona goes straight to "Your smartcard is locked", which offers the unlock', async ({ page }) => {
  await insertCard(page, LOCKED_CARD, 1);

  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
  await expect(passcodeField(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Unlock your smartcard' }).click();
  await expect(pageHeading(page)).toContainText('Unlock your smartcard');
  await expect(page.getByRole('button', { name: 'Start now', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
});

test('a passcode of the wrong shape is refused before the card sees it, costing no attempt', async ({ page }) => {
  await insertCard(page, SPONSOR, 1);

  await enterPasscode(page, '12');
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toContainText('Your passcode must be at least 6 digits.');
  await expect(page.getByText(/attempts? remaining/), 'the card counter is untouched').toHaveText('3 attempts remaining');
  await summary.getByRole('link').click();
  await expect(passcodeField(page)).toBeFocused();

  await enterPasscode(page, '12ab56');
  await expect(summary).toContainText('Your passcode must contain numbers only.');
  await expect(page.getByText(/attempts? remaining/)).toHaveText('3 attempts remaining');

  await enterPasscode(page, SPONSOR.passcode);
  await expect(pageHeading(page)).toHaveText('Choose your organisation');
});

test('Cancel on the passcode screen puts the card aside', async ({ page }) => {
  await insertCard(page, RA_AGENT, 2);
  await expect(passcodeField(page)).toBeVisible();

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();

  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
  await expect(identityAgent(page)).toHaveCount(0);
});

test('the OK button is disabled while the passcode is being checked', async ({ page }) => {
  await insertCard(page, SPONSOR, 1);
  await passcodeField(page).fill(SPONSOR.passcode);
  // Watched from inside the page: the check takes a moment, too short to poll for reliably.
  const sawDisabled = page.evaluate<boolean>(WATCH_FOR_DISABLED_OK);
  await okButton(page).click();
  expect(await sawDisabled).toBe(true);
  await expect(pageHeading(page)).toHaveText('Choose your organisation');
});
