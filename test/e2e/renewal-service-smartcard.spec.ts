import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { EXPIRED_CARD, LSA, NEAR_EXPIRY, RA_AGENT, SPONSOR } from './support/personas.js';
import { enterRenewalPasscode, mainButton, RENEWAL_TIMEOUT_MS, RENEWED, serviceCardIn } from './support/renewing.js';
import { errorSummary } from './support/unlocking.js';
import { identityAgent, logIn, openWorkstation, pageHeading, passcodeField, removeEveryCard } from './support/workstation.js';

// Renewal with two readers (domain.md): the sponsor, local smartcard administrator or RA member
// logs in on reader 1, puts the card holder's card in reader 2, chooses "Renew smartcard
// certificate", and the holder types their own passcode. Within 90 days of expiry any of them
// may; once expired only registration authority staff, and the others are told to send the
// holder to them. Zoë works at a GP practice under the trust, so the trust's LSA has her in
// scope and the hospital's sponsor does not. This spec file has its own training app, so the
// cards it renews stay here.

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

/** The holder's own passcode on the "Card holder: …" page, ending at "Smartcard renewed successfully". */
async function holderRenews(page: Page, holder: { name: string; passcode: string }): Promise<void> {
  await expect(pageHeading(page)).toContainText('Card holder: enter your passcode to renew your smartcard');
  await expect(pageHeading(page), 'the caption names the card holder').toContainText(holder.name);
  await enterRenewalPasscode(page, holder.passcode);
  await expect(pageHeading(page)).toContainText(RENEWED, { timeout: RENEWAL_TIMEOUT_MS });
}

test('a local smartcard administrator renews the card near expiry in the second reader, and its holder logs in without the notification', async ({ page }) => {
  await logIn(page, LSA, 1);
  await serviceCardIn(page, NEAR_EXPIRY);

  // What may be done: the card is not locked, but it is due for renewal.
  const main = page.getByRole('main');
  await expect(main).toContainText(/Certificate expires\s*\d{1,2} \w+ \d{4} \(in \d+ days\)/);
  await expect(main).toContainText('You cannot unlock this smartcard.');
  await expect(mainButton(page, 'Unlock smartcard')).toHaveCount(0);
  await expectNoAxeViolations(page, 'Service smartcard: a card due for renewal');
  await mainButton(page, 'Renew smartcard certificate').click();

  // The card holder's page: their passcode, checked here before the card sees it.
  await expect(pageHeading(page)).toContainText('Card holder: enter your passcode to renew your smartcard');
  await expect(pageHeading(page)).toBeFocused();
  await expect(main).toContainText(`${NEAR_EXPIRY.name}, type the passcode you use to log in with this smartcard.`);
  await expectNoAxeViolations(page, 'Card holder: enter your passcode to renew your smartcard');
  await enterRenewalPasscode(page, '');
  await expect(errorSummary(page).getByRole('link', { name: 'Enter your passcode.' })).toBeVisible();
  await expect(errorSummary(page)).toBeFocused();
  await expect(passcodeField(page)).toBeVisible();

  await holderRenews(page, NEAR_EXPIRY);
  await expect(pageHeading(page)).toBeFocused();
  await expect(main).toContainText(new RegExp(`The certificates on ${NEAR_EXPIRY.name}'s smartcard now expire on \\d{1,2} \\w+ \\d{4}\\.`));
  await expect(main).toContainText('give it back to them');
  await expectNoAxeViolations(page, `Service smartcard: ${RENEWED}`);
  await mainButton(page, 'Done').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page), 'the administrator is still signed in').toContainText(LSA.name);

  await removeEveryCard(page);
  await logIn(page, NEAR_EXPIRY);
  await expect(pageHeading(page), 'no notification once renewed').toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page)).not.toContainText('Smartcard Expiry Notification');
});

test('an expired card is refused for a sponsor, who is told to send its holder to the Registration Authority, and is renewed by an RA agent', async ({ page }) => {
  await logIn(page, SPONSOR, 1);
  await serviceCardIn(page, EXPIRED_CARD);
  const main = page.getByRole('main');
  await expect(main).toContainText(/Certificate expired\s*\d{1,2} \w+ \d{4} \(\d+ days? ago\)/);
  await expect(main).toContainText('make an appointment with your Registration Authority');
  await expect(mainButton(page, 'Renew smartcard certificate')).toHaveCount(0);
  await expectNoAxeViolations(page, 'Service smartcard: an expired card, for a sponsor');
  await mainButton(page, 'Close').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');

  await removeEveryCard(page);
  await logIn(page, RA_AGENT, 1);
  await serviceCardIn(page, EXPIRED_CARD);
  await expect(main).not.toContainText('make an appointment');
  await mainButton(page, 'Renew smartcard certificate').click();
  await holderRenews(page, EXPIRED_CARD);
  await expectNoAxeViolations(page, `Service smartcard: ${RENEWED}, an expired card`);
  await mainButton(page, 'Done').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');

  // The renewed card logs in again, far from expiry.
  await removeEveryCard(page);
  await logIn(page, EXPIRED_CARD);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page)).not.toContainText('Smartcard Expiry Notification');
});
