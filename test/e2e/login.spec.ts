import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, SPONSOR } from './support/personas.js';
import {
  identityAgent,
  insertCard,
  logIn,
  okButton,
  openWorkstation,
  pageHeading,
  passcodeField,
  removeEveryCard,
} from './support/workstation.js';

// Seed 003, "Smartcard login": insert the card, enter the passcode, OK, highlight the
// organisation, OK; the Identity Agent box shows the details. Then the CIM home and its tasks.

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('a clinician logs in with passcode and organisation and sees the Identity Agent box and CIM home', async ({ page }) => {
  await insertCard(page, CLINICIAN, 1);

  await expect(pageHeading(page)).toContainText('Amelia Hart');
  await expect(pageHeading(page), 'focus moves to the new screen').toBeFocused();
  const field = passcodeField(page);
  await expect(field).toHaveAttribute('type', 'password');
  await expect(field).toHaveAttribute('autocomplete', 'off');
  await expect(field).toHaveAttribute('inputmode', 'numeric');
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toBeVisible();
  await field.fill(CLINICIAN.passcode);
  await okButton(page).click();

  await expect(pageHeading(page)).toHaveText('Choose your organisation');
  await expect(pageHeading(page)).toBeFocused();
  await expect(page.getByRole('checkbox', { name: 'Remember my selection' })).toBeVisible();
  await page.getByRole('radio', { name: 'Training General Hospital — Consultant', exact: true }).check();
  await okButton(page).click();

  const box = identityAgent(page);
  await expect(box).toContainText('Amelia Hart');
  await expect(box).toContainText('Training General Hospital');
  await expect(box).toContainText('Consultant');
  await expect(box).toContainText(/Certificate expires.*\d{4}/);
  await expect(box).not.toContainText('Smartcard Expiry Notification');
  await expect(box.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
  await expect(box.getByRole('button', { name: 'Log out', exact: true })).toBeVisible();

  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(page.getByRole('main')).toContainText('Signed in as Amelia Hart, Consultant at Training General Hospital');
  await expect(page.getByRole('link', { name: 'Find an existing user' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'View your profile' })).toBeVisible();
});

test('"View your profile" shows your details, positions and the smartcard you logged in with', async ({ page }) => {
  await logIn(page, CLINICIAN);
  const cardUuid = (await identityAgent(page).getByRole('definition').nth(1).innerText()).trim();
  expect(cardUuid).toMatch(/^[0-9a-f-]{36}$/);

  await page.getByRole('link', { name: 'View your profile' }).click();

  await expect(pageHeading(page)).toHaveText('Your profile');
  await expect(pageHeading(page)).toBeFocused();
  const main = page.getByRole('main');
  await expect(main).toContainText('Amelia Hart');
  await expect(main).toContainText('TR000001A');
  await expect(main).toContainText('amelia.hart.training@nhs.net');
  // Positions and smartcards are tabs of the profile, each at its own address.
  await main.getByRole('link', { name: 'Positions', exact: true }).click();
  const positions = main.getByRole('table', { name: 'Positions' });
  await expect(positions).toContainText('Consultant');
  await expect(positions).toContainText('Training General Hospital');
  await main.getByRole('link', { name: 'Smartcards', exact: true }).click();
  const cards = main.getByRole('table', { name: 'Smartcards' });
  await expect(cards.getByRole('row').filter({ hasText: cardUuid })).toContainText('Active');

  await page.getByRole('link', { name: 'Back' }).click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
});

test('"Find an existing user" finds a colleague in my organisation and opens their profile', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await page.getByRole('link', { name: 'Find an existing user' }).click();
  await expect(pageHeading(page)).toHaveText('Find an existing user');

  await page.getByLabel('Name', { exact: true }).fill(SPONSOR.name);
  await page.getByRole('checkbox', { name: 'Only show users in my organisation and child organisations' }).check();
  await page.getByRole('button', { name: 'Search', exact: true }).click();

  const results = page.getByRole('heading', { level: 2, name: /users? found$/ });
  await expect(results).toBeFocused();
  const row = page.getByRole('row').filter({ hasText: SPONSOR.name });
  await expect(row).toContainText('Training General Hospital');
  await row.getByRole('link', { name: `View profile of ${SPONSOR.name}` }).click();

  await expect(pageHeading(page)).toContainText(SPONSOR.name);
  await page.getByRole('link', { name: 'Positions', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Positions' })).toContainText('Ward Manager');

  await page.getByRole('link', { name: 'Back' }).click();
  await expect(pageHeading(page)).toHaveText('Find an existing user');
  await expect(page.getByRole('row').filter({ hasText: SPONSOR.name }), 'the results are still there').toBeVisible();
});

test('"Find an existing user" explains a malformed National Insurance number and links to the field', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await page.getByRole('link', { name: 'Find an existing user' }).click();

  await page.getByLabel('National Insurance number').fill('12345');
  await page.getByRole('button', { name: 'Search', exact: true }).click();

  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toContainText('Enter a National Insurance number in the correct format');
  await summary.getByRole('link', { name: /National Insurance number/ }).click();
  await expect(page.getByLabel('National Insurance number')).toBeFocused();
  await expect(pageHeading(page), 'the error link does not navigate away').toHaveText('Find an existing user');
});

test('a remembered organisation is chosen already at the next login', async ({ page }) => {
  await insertCard(page, SPONSOR, 1);
  await passcodeField(page).fill(SPONSOR.passcode);
  await okButton(page).click();
  await page.getByRole('radio', { name: 'Training General Hospital — Ward Manager', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Remember my selection' }).check();
  await okButton(page).click();
  await expect(identityAgent(page)).toContainText(SPONSOR.name);

  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toHaveCount(0);
  await removeEveryCard(page);
  await insertCard(page, SPONSOR, 1);
  await passcodeField(page).fill(SPONSOR.passcode);
  await okButton(page).click();

  await expect(page.getByRole('radio', { name: 'Training General Hospital — Ward Manager', exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Remember my selection' })).toBeChecked();
});

test('the whole login works from the keyboard, with focus at the top of each new screen', async ({ page }) => {
  await insertCard(page, CLINICIAN, 1);
  // "Reading your smartcard" comes first and takes focus too: wait for the passcode screen.
  await expect(pageHeading(page)).toContainText('Amelia Hart');
  await expect(pageHeading(page)).toBeFocused();

  await page.keyboard.press('Tab');
  await expect(passcodeField(page)).toBeFocused();
  await page.keyboard.type(CLINICIAN.passcode);
  await page.keyboard.press('Enter');

  await expect(pageHeading(page)).toHaveText('Choose your organisation');
  await expect(pageHeading(page)).toBeFocused();
  await page.keyboard.press('Tab');
  const choice = page.getByRole('radio', { name: 'Training General Hospital — Consultant', exact: true });
  await expect(choice).toBeFocused();
  await page.keyboard.press('Space');
  await expect(choice).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('checkbox', { name: 'Remember my selection' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(okButton(page)).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(pageHeading(page)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Find an existing user' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(pageHeading(page)).toHaveText('Find an existing user');
  await expect(pageHeading(page)).toBeFocused();
});
