import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, LOCKED_CARD, LSA, RA_AGENT, SPONSOR } from './support/personas.js';
import {
  BLANK_CARD_1,
  cardAction,
  cardRow,
  issueInsertedCard,
  logInWithCard,
  main,
  mainButton,
  openSmartcardsTab,
  progressAnnouncements,
} from './support/smartcards.js';
import { errorSummary } from './support/unlocking.js';
import { insertCard, logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Issue a smartcard, and clear it so it can be reused: the RA agent (Priya Patel, RAA) logs in
// with her own card in reader 1 and works on a blank training card in reader 2. The new holder
// then logs in with the card and the passcode they chose. Sponsors and local smartcard
// administrators are offered none of this. The tests share one training app, in order: the
// card issued in the first is cleared and issued again in the second.

useTrainingApp();

const AMELIA_PASSCODE = '24681357';
const RHYS_PASSCODE = '1357924';
let issuedSerial = '';

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('rule: the RA agent issues Blank card 1 to a user, who then logs in with the passcode they chose', async ({ page }) => {
  await logIn(page, RA_AGENT, 1);
  await openSmartcardsTab(page, CLINICIAN.name);
  await expect(main(page).getByRole('row')).toHaveCount(2);
  await page.getByRole('link', { name: 'Issue a smartcard', exact: true }).click();

  // Insert: Continue with nothing in reader 2 says what to do, in an error summary that has focus.
  await expect(pageHeading(page)).toContainText('Issue a smartcard');
  await expect(pageHeading(page)).toBeFocused();
  await expect(main(page)).toContainText('Insert a blank smartcard into your second smartcard reader');
  await expectNoAxeViolations(page, 'Issue a smartcard: insert');
  await mainButton(page, 'Continue').click();
  await expect(errorSummary(page)).toContainText('second smartcard reader');
  await expect(errorSummary(page)).toBeFocused();

  // The card read: what it is, and the holder's passcode, checked here before the agent sees it.
  await insertCard(page, BLANK_CARD_1, 2);
  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).toContainText(`Ask ${CLINICIAN.name} to choose a passcode`);
  await expect(pageHeading(page)).toBeFocused();
  await expect(main(page)).toContainText('A blank smartcard');
  await expectNoAxeViolations(page, 'Issue a smartcard: passcode');
  await page.getByLabel('Passcode', { exact: true }).fill(AMELIA_PASSCODE);
  await page.getByLabel('Confirm passcode', { exact: true }).fill('24681358');
  await mainButton(page, 'Issue smartcard').click();
  await expect(errorSummary(page).getByRole('link', { name: 'The new passcodes do not match' })).toBeVisible();
  await expect(errorSummary(page)).toBeFocused();
  await expect(page.getByLabel('Passcode', { exact: true }), 'the passcode is cleared from the form').toHaveValue('');
  await page.getByLabel('Passcode', { exact: true }).fill('12345');
  await page.getByLabel('Confirm passcode', { exact: true }).fill('12345');
  await mainButton(page, 'Issue smartcard').click();
  await expect(errorSummary(page)).toContainText('at least 6 digits');

  // Go back to the insert step, then issue for real: progress is read out, then the outcome.
  await mainButton(page, 'Use another smartcard').click();
  await expect(pageHeading(page)).toContainText('Issue a smartcard');
  issuedSerial = await issueInsertedCard(page, CLINICIAN, AMELIA_PASSCODE);
  // The progress region was on the page empty before its words went in, so each stage is heard.
  const heard = await progressAnnouncements(page);
  expect(heard[0], 'the live region arrives empty').toBe('');
  expect(heard.filter((words) => words !== '' && words !== 'Starting…').length, `stages read out: ${heard.join(' | ')}`).toBeGreaterThan(0);
  await expect(pageHeading(page)).toBeFocused();
  await expect(page.getByLabel('Passcode', { exact: true }), 'no passcode field is left on the page').toHaveCount(0);
  await expectNoAxeViolations(page, 'Issue a smartcard: issued');
  await page.getByRole('link', { name: `Back to the profile of ${CLINICIAN.name}`, exact: true }).click();
  await expect(cardRow(page, issuedSerial)).toContainText('Active');

  // The new holder logs in with the new card and the passcode they chose.
  await removeEveryCard(page);
  await logInWithCard(page, BLANK_CARD_1, CLINICIAN, AMELIA_PASSCODE);
});

test('rule: the RA agent clears the issued card so it can be reused, and issues it again to someone else', async ({ page }) => {
  expect(issuedSerial, 'the previous test issued Blank card 1').not.toBe('');
  await logIn(page, RA_AGENT, 1);
  await openSmartcardsTab(page, CLINICIAN.name);
  await cardAction(cardRow(page, issuedSerial), 'Clear').click();

  await expect(pageHeading(page)).toContainText('Clear a smartcard so it can be reused');
  await expectNoAxeViolations(page, 'Clear a smartcard: insert');
  await insertCard(page, BLANK_CARD_1, 2);
  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(main(page)).toContainText(`Smartcard registered to ${CLINICIAN.name}`);
  await expectNoAxeViolations(page, 'Clear a smartcard: check');

  // The tick is needed.
  await mainButton(page, 'Clear smartcard').click();
  await expect(errorSummary(page).getByRole('link', { name: 'Confirm that you want to clear this smartcard' })).toBeVisible();
  await expect(errorSummary(page)).toBeFocused();
  await page.getByLabel(`I want to clear this smartcard of ${CLINICIAN.name}`).check();
  await mainButton(page, 'Clear smartcard').click();
  await expect(pageHeading(page)).toHaveText('Smartcard cleared successfully', { timeout: 30_000 });
  await expectNoAxeViolations(page, 'Clear a smartcard: cleared');
  await page.getByRole('link', { name: `Back to the profile of ${CLINICIAN.name}`, exact: true }).click();

  // The cleared card can no longer be repaired, cleared or cancelled.
  const row = cardRow(page, issuedSerial);
  await expect(row).toBeVisible();
  await expect(row).toContainText('Cleared');
  await expect(row.getByRole('link')).toHaveCount(0);

  // Blank again: issued to someone else, who logs in with it.
  await openSmartcardsTab(page, LOCKED_CARD.name);
  await page.getByRole('link', { name: 'Issue a smartcard', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Issue a smartcard');
  expect(await issueInsertedCard(page, LOCKED_CARD, RHYS_PASSCODE)).toBe(issuedSerial);
  await removeEveryCard(page);
  await logInWithCard(page, BLANK_CARD_1, LOCKED_CARD, RHYS_PASSCODE);
});

test('rule: a sponsor and a local smartcard administrator are offered no smartcard issue, repair, clear or cancel', async ({ page }) => {
  for (const persona of [SPONSOR, LSA]) {
    await logIn(page, persona, 1);
    await openSmartcardsTab(page, CLINICIAN.name);
    await expect(main(page).getByRole('table')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Issue a smartcard' })).toHaveCount(0);
    for (const action of ['Repair', 'Clear', 'Cancel'] as const) await expect(cardAction(main(page), action)).toHaveCount(0);
    await expect(main(page).getByRole('columnheader', { name: 'Actions' })).toHaveCount(0);
    await removeEveryCard(page);
  }
});

test('rule: a sponsor who opens "Cancel a smartcard" by its address is refused by the service, in words, and the card stays active', async ({ page }) => {
  await logIn(page, SPONSOR, 1);
  await openSmartcardsTab(page, CLINICIAN.name);
  const userUuid = /\/cim\/users\/([0-9a-f-]{36})\//.exec(page.url())?.[1] ?? '';
  const cardUuid = (await main(page).getByRole('row').nth(1).getByRole('cell').first().innerText()).trim();
  await page.evaluate(`window.location.hash = '#/cim/users/${userUuid}/smartcards/${cardUuid}/cancel'`);
  await expect(pageHeading(page)).toContainText('Cancel a smartcard');
  await page.getByLabel('Stolen', { exact: true }).check();
  await mainButton(page, 'Cancel smartcard').click();
  await expect(errorSummary(page)).toContainText(/role|not allowed|permission/i);
  await expect(errorSummary(page)).toBeFocused();
  await expect(pageHeading(page)).not.toContainText('cancelled successfully');
  await page.getByRole('link', { name: 'Go back without cancelling', exact: true }).click();
  await expect(main(page).getByRole('row').nth(1)).toContainText('Active');
});
