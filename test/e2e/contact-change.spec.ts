import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN } from './support/personas.js';
import { errorSummary, lockCard, otherCode, outbox, readSecurityCode, WRONG_PASSCODE } from './support/unlocking.js';
import { insertCard, logIn, openWorkstation, pageHeading, removeCard, removeEveryCard } from './support/workstation.js';

// Changing your own contact details (domain.md, "Contact details"): View your profile -> Change
// next to the email or mobile -> the new value -> your passcode -> Update (a new email: then the
// 6-digit code sent to it) -> "Contact details changed successfully". The smartcard approves the
// change; the old contact is told; a contact
// changed in the last 24 hours gets no self-service unlock codes, and the unlock page says why.
// This spec file has its own training app, so the clinician's changed details stay here.

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

async function openChange(page: Page, what: 'email address' | 'mobile number'): Promise<void> {
  await page.getByRole('link', { name: 'View your profile' }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');
  await page.getByRole('link', { name: `Change ${what}`, exact: true }).click();
  await expect(pageHeading(page)).toContainText(`Change your ${what}`);
  await expect(pageHeading(page)).toBeFocused();
}

async function update(page: Page, what: 'email address' | 'mobile number', value: string, passcode: string): Promise<void> {
  await page.getByLabel(`New ${what}`, { exact: true }).fill(value);
  await page.getByLabel('Passcode', { exact: true }).fill(passcode);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
}

/** A new email address takes effect with the code sent to it: read off the training outbox. */
async function enterEmailCode(page: Page, newEmail: string): Promise<void> {
  await expect(pageHeading(page)).toHaveText(/Check your email/);
  await expect(page.getByRole('main')).toContainText(newEmail);
  await expect(outbox(page).getByRole('listitem').first()).toContainText(newEmail);
  await page.getByLabel('Code', { exact: true }).fill(await readSecurityCode(page));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
}

test('rule: the clinician changes their email from their profile with their passcode; a wrong one shows the attempts left; the old address is told', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await openChange(page, 'email address');
  await expectNoAxeViolations(page, 'Change your email address');

  // Nothing typed: both problems, in the summary, linked to their fields.
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Enter your new email address' })).toHaveAttribute('href', '#new-contact-value');
  await expect(errorSummary(page).getByRole('link', { name: /passcode/ })).toHaveAttribute('href', '#contact-passcode');
  await expectNoAxeViolations(page, 'Change your email address with errors');

  // A wrong passcode reaches the card, which says how many tries are left; the field is cleared.
  await update(page, 'email address', 'amelia.hart@nhs.net', WRONG_PASSCODE);
  await expect(errorSummary(page).getByRole('link', { name: 'Wrong passcode. 2 attempts remaining.' })).toHaveAttribute('href', '#contact-passcode');
  await expect(page.getByLabel('Passcode', { exact: true })).toHaveAccessibleDescription(/Wrong passcode\. 2 attempts remaining\./);
  await expect(page.getByLabel('Passcode', { exact: true })).toHaveValue('');

  await update(page, 'email address', 'amelia.hart@nhs.net', CLINICIAN.passcode);
  // The code went to the NEW address; a wrong one is refused with the tries left.
  await expect(pageHeading(page)).toHaveText(/Check your email/);
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Check your email');
  const code = await readSecurityCode(page);
  await page.getByLabel('Code', { exact: true }).fill(otherCode(code));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(errorSummary(page).getByRole('link', { name: 'The code is not right. 4 tries left.' })).toHaveAttribute('href', '#email-code');
  await expectNoAxeViolations(page, 'Check your email with a wrong code');
  await enterEmailCode(page, 'amelia.hart@nhs.net');
  await expect(pageHeading(page)).toHaveText('Contact details changed successfully');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Contact details changed successfully');

  // The notice went to the OLD address, and carries no code.
  const newest = outbox(page).getByRole('listitem').first();
  await expect(newest).toContainText('amelia.hart.training@nhs.net');
  await expect(newest).toContainText('The email address on your Care Identity profile was changed');
  await expect(newest).not.toContainText(/\b\d{6}\b/);

  await page.getByRole('link', { name: 'Back to your profile' }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');
  await expect(page.getByRole('main')).toContainText('amelia.hart@nhs.net');
  // Only the contact details are offered for change on your own profile.
  await expect(page.getByRole('main').getByRole('link', { name: /^Change/ })).toHaveCount(2);
});

test('rule: a contact changed in the last 24 hours cannot receive unlock codes, and the unlock page says why', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await openChange(page, 'email address');
  await update(page, 'email address', 'amelia.hart.ward@nhs.net', CLINICIAN.passcode);
  await enterEmailCode(page, 'amelia.hart.ward@nhs.net');
  await expect(pageHeading(page)).toHaveText('Contact details changed successfully');
  await page.getByRole('link', { name: 'Back to your profile' }).click();
  await page.getByRole('link', { name: 'Change mobile number', exact: true }).click();
  await update(page, 'mobile number', '07700 900 999', CLINICIAN.passcode);
  await expect(pageHeading(page)).toHaveText('Contact details changed successfully');
  await removeCard(page, CLINICIAN);

  await lockCard(page, CLINICIAN, 1);
  await insertCard(page, CLINICIAN, 1);
  await page.getByRole('button', { name: 'Unlock your smartcard', exact: true }).click();
  await page.getByRole('button', { name: 'Start now', exact: true }).click();
  const main = page.getByRole('main');
  await expect(main).toContainText(
    'Your email address and mobile number were changed less than 24 hours ago, so we cannot send a security code to either. Try again after',
  );
  await expect(main).toContainText('or ask your sponsor or local smartcard administrator to unlock your smartcard.');
  await expect(outbox(page).getByRole('listitem').first()).not.toContainText(/\b\d{6}\b/);
  await expectNoAxeViolations(page, 'unlock refused after a contact change');
});
