import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, NEAR_EXPIRY, SPONSOR } from './support/personas.js';
import {
  announcements,
  identityAgent,
  insertCard,
  logIn,
  openWorkstation,
  pageHeading,
  recordAnnouncements,
  removeCard,
  removeEveryCard,
  trainingPanel,
} from './support/workstation.js';

// Normal removal mode (DESIGN §5, "Card removal"): pulling the card ends the session and signs
// the window out within a second. A card in the other reader is not the session's business.

useTrainingApp({ removalMode: 'normal' });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('the Identity Agent box says that removing the card logs out of every app', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await expect(identityAgent(page)).toContainText('Removing your smartcard will log you out of every app.');
  await expect(identityAgent(page).getByRole('heading', { name: 'Signed in to' })).toBeVisible();
  await removeCard(page, CLINICIAN);
  await expect(identityAgent(page)).toHaveCount(0);
});

test('removing the card signs the window out within a second', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');

  await removeCard(page, CLINICIAN);

  await expect(identityAgent(page)).toHaveCount(0, { timeout: 1000 });
  await expect(pageHeading(page)).toHaveText('Insert your smartcard', { timeout: 1000 });
  await expect(page.getByText('Signed in as')).toHaveCount(0);
});

test('a card in reader 2 does not disturb a session in reader 1', async ({ page }) => {
  await logIn(page, CLINICIAN, 1);
  await page.getByRole('link', { name: 'View your profile' }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');

  await recordAnnouncements(page);
  await insertCard(page, SPONSOR, 2);
  await expect(trainingPanel(page).getByRole('listitem').filter({ hasText: SPONSOR.name })).toContainText('In reader 2');
  await expect.poll(() => announcements(page), { message: 'screen-reader users hear it' }).toContain('Smartcard inserted in Reader 2.');

  await expect(pageHeading(page), 'the page the user was on stays').toHaveText('Your profile');
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
  await expect(identityAgent(page)).not.toContainText(SPONSOR.name);

  await removeCard(page, SPONSOR);
  await expect(trainingPanel(page).getByRole('listitem').filter({ hasText: SPONSOR.name })).toContainText('Not in a reader');
  await expect(pageHeading(page)).toHaveText('Your profile');
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
});

test('the card near expiry gets the Smartcard Expiry Notification in the Identity Agent box', async ({ page }) => {
  await logIn(page, NEAR_EXPIRY);

  const box = identityAgent(page);
  await expect(box.getByRole('heading', { name: 'Important: Smartcard Expiry Notification' })).toBeVisible();
  await expect(box).toContainText(/Your smartcard certificate expires in \d+ days, on \d{1,2} \w+ \d{4}\./);
  await expect(box).toContainText(/Certificate expires\s*\d{1,2} \w+ \d{4} \(in \d+ days\)/);
});

test("the next person to sign in starts at the CIM home, not on the last user's page", async ({ page }) => {
  await logIn(page, CLINICIAN);
  await page.getByRole('link', { name: 'View your profile' }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');
  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');

  await logIn(page, SPONSOR);

  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(page.getByRole('main')).not.toContainText(CLINICIAN.name);
});
