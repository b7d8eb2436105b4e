import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { NEAR_EXPIRY } from './support/personas.js';
import {
  boxButton,
  boxCertificateExpiry,
  enterRenewalPasscode,
  expiryCallout,
  mainButton,
  NOTICE_WORDS,
  RENEWAL_TIMEOUT_MS,
  RENEWED,
} from './support/renewing.js';
import { errorSummary, WRONG_PASSCODE } from './support/unlocking.js';
import { identityAgent, logIn, openWorkstation, pageHeading, passcodeField, removeEveryCard } from './support/workstation.js';

// Self renewal (domain.md, "Smartcards"): Zoë's certificates expire within 90 days, so every
// login starts with the Smartcard Expiry Notification until she renews. "No" carries on and
// asks again next time; "Yes" and her passcode renew the card where it is. The tests run in
// order: those that leave the card as it was come before the one that renews it. This spec
// file has its own training app, so the card it renews stays here.

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('the card near expiry gets the Smartcard Expiry Notification at login; "No" carries on, and it is back at the next login', async ({ page }) => {
  await logIn(page, NEAR_EXPIRY);
  await expect(pageHeading(page)).toHaveText('Smartcard Expiry Notification');
  await expect(pageHeading(page)).toBeFocused();
  await expect(page.getByRole('main')).toContainText(NOTICE_WORDS);
  await expect(boxButton(page, 'Renew now'), 'not offered while the notification is open').toHaveCount(0);
  await expectNoAxeViolations(page, 'Smartcard Expiry Notification');

  await mainButton(page, 'No').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(pageHeading(page)).toBeFocused();
  // The box still says so, and offers the renewal for later in the session.
  await expect(expiryCallout(page)).toBeVisible();
  await expect(boxButton(page, 'Renew now')).toBeVisible();
  await expectNoAxeViolations(page, 'Care Identity Management with "Renew now"');

  await removeEveryCard(page);
  await logIn(page, NEAR_EXPIRY);
  await expect(pageHeading(page), 'asked again at the next login').toHaveText('Smartcard Expiry Notification');
  await mainButton(page, 'No').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
});

test('"Renew now" asks for the passcode, checks it here first, and Cancel leaves the card as it was', async ({ page }) => {
  await logIn(page, NEAR_EXPIRY);
  await mainButton(page, 'No').click();
  const expiresBefore = await boxCertificateExpiry(page);

  await boxButton(page, 'Renew now').click();
  await expect(pageHeading(page)).toContainText('Enter your passcode to renew your smartcard');
  await expect(pageHeading(page)).toBeFocused();
  await expect(passcodeField(page)).toHaveAttribute('type', 'password');
  await expect(boxButton(page, 'Renew now'), 'not offered twice').toHaveCount(0);
  await expectNoAxeViolations(page, 'Enter your passcode to renew your smartcard');

  // A malformed passcode never reaches the card, so it costs none of its tries.
  await enterRenewalPasscode(page, '12');
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Your passcode must be at least 6 digits.' })).toHaveAttribute('href', '#renewal-passcode');
  await expect(passcodeField(page), 'read and cleared').toHaveValue('');
  await expectNoAxeViolations(page, 'Enter your passcode to renew your smartcard, with an error');

  await mainButton(page, 'Cancel').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(expiryCallout(page)).toBeVisible();
  expect(await boxCertificateExpiry(page), 'nothing was renewed').toBe(expiresBefore);
});

test('"Yes" and the passcode renew the card: "Smartcard renewed successfully", and the next login has no notification', async ({ page }) => {
  await logIn(page, NEAR_EXPIRY);
  const expiresBefore = await boxCertificateExpiry(page);
  await mainButton(page, 'Yes').click();
  await expect(pageHeading(page)).toContainText('Enter your passcode to renew your smartcard');

  // A wrong passcode is the field's to fix, and the card says how many tries are left.
  await enterRenewalPasscode(page, WRONG_PASSCODE);
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link')).toHaveAttribute('href', '#renewal-passcode');
  await expect(page.getByRole('main')).toContainText(/\d attempts? remaining/);

  await enterRenewalPasscode(page, NEAR_EXPIRY.passcode);
  await expect(pageHeading(page)).toHaveText(RENEWED, { timeout: RENEWAL_TIMEOUT_MS });
  await expect(pageHeading(page)).toBeFocused();
  await expect(page.getByRole('main')).toContainText(/The certificates on your smartcard now expire on \d{1,2} \w+ \d{4}\./);
  await expectNoAxeViolations(page, RENEWED);

  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page)).not.toContainText('Smartcard Expiry Notification');
  await expect(boxButton(page, 'Renew now')).toHaveCount(0);
  const expiresAfter = await boxCertificateExpiry(page);
  expect(new Date(expiresAfter).getTime(), 'the box shows the new certificate').toBeGreaterThan(new Date(expiresBefore).getTime());

  await removeEveryCard(page);
  await logIn(page, NEAR_EXPIRY);
  await expect(pageHeading(page), 'no notification once renewed').toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page)).not.toContainText('Smartcard Expiry Notification');
});
