import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, SPONSOR } from './support/personas.js';
import {
  enterPasscode,
  identityAgent,
  insertCard,
  logIn,
  openWorkstation,
  pageHeading,
  passcodeField,
  removeCard,
  removeEveryCard,
  trainingPanel,
} from './support/workstation.js';

// Session-lock removal mode (DESIGN §5): removal locks the session; the same card and passcode
// resume it; a different card never resumes another's session. Each test ends logged out.

useTrainingApp({ removalMode: 'session-lock' });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('removing the card locks the session, and the same card and passcode resume it', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await expect(identityAgent(page)).toContainText('Removing your smartcard will lock your session. Put it back and enter your passcode to carry on.');
  await page.getByRole('link', { name: 'View your profile' }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');

  await removeCard(page, CLINICIAN);

  await expect(pageHeading(page)).toContainText('Session locked');
  await expect(pageHeading(page)).toBeFocused();
  const main = page.getByRole('main');
  await expect(main).toContainText(CLINICIAN.name);
  await expect(main).toContainText('Insert your smartcard and enter your passcode to continue');
  await expect(identityAgent(page)).toHaveCount(0);
  await expect(passcodeField(page), 'no passcode until the card is back').toHaveCount(0);

  await insertCard(page, CLINICIAN, 1);
  await enterPasscode(page, CLINICIAN.passcode);

  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
  await expect(pageHeading(page), 'back where the user was').toHaveText('Your profile');
  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toHaveCount(0);
});

test("another persona's card does not resume a locked session", async ({ page }) => {
  await logIn(page, CLINICIAN);
  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toContainText('Session locked');

  await insertCard(page, SPONSOR, 1);
  await expect(trainingPanel(page).getByRole('listitem').filter({ hasText: SPONSOR.name })).toContainText('In reader 1');

  await expect(pageHeading(page)).toContainText('Session locked');
  await expect(page.getByRole('main')).toContainText(CLINICIAN.name);
  await expect(passcodeField(page), 'the sponsor is never asked to unlock the clinician').toHaveCount(0);
  await expect(identityAgent(page)).toHaveCount(0);

  await removeCard(page, SPONSOR);
  await insertCard(page, CLINICIAN, 2);
  await enterPasscode(page, CLINICIAN.passcode);
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toHaveCount(0);
});

test('Lock in the Identity Agent box locks the session with the card still in', async ({ page }) => {
  await logIn(page, CLINICIAN);

  await identityAgent(page).getByRole('button', { name: 'Lock', exact: true }).click();

  await expect(pageHeading(page)).toContainText('Session locked');
  await enterPasscode(page, '999999');
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toContainText('Wrong passcode');
  await expect(identityAgent(page)).toHaveCount(0);

  await enterPasscode(page, CLINICIAN.passcode);
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toHaveCount(0);
});
