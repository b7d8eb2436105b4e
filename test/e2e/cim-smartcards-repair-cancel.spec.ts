import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, EXPIRED_CARD, NEAR_EXPIRY, RA_AGENT } from './support/personas.js';
import {
  BLANK_CARD_2,
  CANCELLED_WORDS,
  cardAction,
  damageCertificate,
  issueInsertedCard,
  logInWithCard,
  main,
  mainButton,
  openSmartcardsTab,
} from './support/smartcards.js';
import { errorSummary } from './support/unlocking.js';
import { enterPasscode, insertCard, logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Repair a smartcard and cancel one: the RA agent (Priya Patel, RAA) repairs a card whose
// certificate object was deleted (the training panel's "Delete certificate"), after which its
// holder logs in as before; cancels a card, which is then refused at login; and cancels the
// "Card expired" persona's card and issues that holder a blank card instead.

useTrainingApp();

const NIA_PASSCODE = '11223344';

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('rule: the RA agent repairs a card whose certificate object was deleted, and its holder logs in with it as before', async ({ page }) => {
  await damageCertificate(page, CLINICIAN);
  await logIn(page, RA_AGENT, 1);
  await openSmartcardsTab(page, CLINICIAN.name);
  await cardAction(main(page), 'Repair').click();

  await expect(pageHeading(page)).toContainText('Repair a smartcard');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Repair a smartcard: insert');
  await insertCard(page, CLINICIAN, 2);
  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(main(page)).toContainText(CLINICIAN.name);
  await expectNoAxeViolations(page, 'Repair a smartcard: check');
  await mainButton(page, 'Repair smartcard').click();

  await expect(pageHeading(page)).toHaveText('Smartcard repaired successfully', { timeout: 30_000 });
  await expect(pageHeading(page)).toBeFocused();
  await expect(main(page)).toContainText("The smartcard's certificate was written to it again.");
  await expectNoAxeViolations(page, 'Repair a smartcard: repaired');

  await removeEveryCard(page);
  await logIn(page, CLINICIAN, 1);
});

test('rule: the RA agent cancels a card (reason required), its actions go, and the card is refused at login with the cancelled words', async ({ page }) => {
  await logIn(page, RA_AGENT, 1);
  await openSmartcardsTab(page, NEAR_EXPIRY.name);
  await cardAction(main(page), 'Cancel').click();

  await expect(pageHeading(page)).toContainText('Cancel a smartcard');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Cancel a smartcard');
  await mainButton(page, 'Cancel smartcard').click();
  await expect(errorSummary(page).getByRole('link', { name: 'Select why you are cancelling this smartcard' })).toBeVisible();
  await expect(errorSummary(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Cancel a smartcard: error');
  await expect(page.getByRole('group', { name: 'Why are you cancelling this smartcard?' }).getByRole('radio')).toHaveCount(4);
  for (const label of ['Lost', 'Stolen', 'Damaged', 'No longer needed']) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  await page.getByLabel('Lost', { exact: true }).check();
  await page.getByLabel('Note (optional)').fill('Left on a train.');
  await mainButton(page, 'Cancel smartcard').click();

  await expect(pageHeading(page)).toHaveText('Smartcard cancelled successfully');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Cancel a smartcard: cancelled');
  await page.getByRole('link', { name: `Back to the profile of ${NEAR_EXPIRY.name}`, exact: true }).click();
  await expect(main(page).getByRole('table')).toContainText('Cancelled');
  // A cancelled card is not repaired or cancelled again (it may still be cleared for reuse).
  await expect(cardAction(main(page), 'Repair')).toHaveCount(0);
  await expect(cardAction(main(page), 'Cancel')).toHaveCount(0);
  await expect(cardAction(main(page), 'Clear')).toHaveCount(1);

  await removeEveryCard(page);
  await insertCard(page, NEAR_EXPIRY, 1);
  await expect(pageHeading(page)).toContainText(NEAR_EXPIRY.name);
  await enterPasscode(page, NEAR_EXPIRY.passcode);
  await expect(page.getByRole('main')).toContainText(CANCELLED_WORDS);
});

test('rule: the "Card expired" card is cancelled and its holder is issued Blank card 2, with which they log in', async ({ page }) => {
  await logIn(page, RA_AGENT, 1);
  await openSmartcardsTab(page, EXPIRED_CARD.name);
  await cardAction(main(page), 'Cancel').click();
  await page.getByLabel('No longer needed', { exact: true }).check();
  await mainButton(page, 'Cancel smartcard').click();
  await expect(pageHeading(page)).toHaveText('Smartcard cancelled successfully');
  await page.getByRole('link', { name: `Back to the profile of ${EXPIRED_CARD.name}`, exact: true }).click();

  await page.getByRole('link', { name: 'Issue a smartcard', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Issue a smartcard');
  await insertCard(page, BLANK_CARD_2, 2);
  await issueInsertedCard(page, EXPIRED_CARD, NIA_PASSCODE);
  await removeEveryCard(page);
  await logInWithCard(page, BLANK_CARD_2, EXPIRED_CARD, NIA_PASSCODE);
});
