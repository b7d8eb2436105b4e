import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, LOCKED_CARD, RA_AGENT, SPONSOR } from './support/personas.js';
import type { TrainingApp } from './support/training-app.js';
import { errorSummary } from './support/unlocking.js';
import { enterPasscode, insertCard, logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Managing user profiles (seed 004): the RA agent creates a user and is stopped by the duplicate
// check; closes a colleague's profile (who then cannot sign in) and reopens it; a sponsor's
// close becomes a request for the Registration Authority. This spec file has its own training
// app, so the profiles it changes stay here.

useTrainingApp();

// Fixed training UUIDs (src-service/seed/personas.ts, src-service/seed/training-users.ts).
const CLINICIAN_UUID = 'c1a55e00-0000-4000-8000-000000000001';
const LOCKED_CARD_UUID = 'c1a55e00-0000-4000-8000-000000000007';
const CLOSE_REQUESTED_UUID = 'c1a55e00-0000-4000-8000-000000000102';

const successBanner = (page: Page) => page.getByRole('region', { name: 'Success' });

async function openCim(page: Page, app: TrainingApp, path: string): Promise<void> {
  await page.goto(`${app.url}#${path}`);
}

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

async function fillNewUser(page: Page): Promise<void> {
  await page.getByLabel('First name', { exact: true }).fill('Imogen');
  await page.getByLabel('Last name', { exact: true }).fill('Achterberg');
  await page.getByLabel('Day', { exact: true }).fill('9');
  await page.getByLabel('Month', { exact: true }).fill('11');
  await page.getByLabel('Year', { exact: true }).fill('1988');
  await page.getByLabel('National Insurance number', { exact: true }).fill('JK 45 67 89 B');
  await page.getByLabel('Email address (optional)', { exact: true }).fill('imogen.achterberg@nhs.net');
  await page.getByLabel('Home organisation ODS code', { exact: true }).fill('RZZ01');
}

test('rule: the RA agent creates a user, and a second profile for the same NI number and date of birth is refused with a link to the existing one', async ({ page, app }) => {
  await logIn(page, RA_AGENT);
  await openCim(page, app, '/cim/create-user');
  await expect(pageHeading(page)).toContainText('Create a new user');
  await expect(page.getByLabel('Home organisation ODS code', { exact: true })).toHaveValue('RZZ');
  await expectNoAxeViolations(page, 'Create a new user');

  // Nothing typed: each problem in the summary, linked to its field.
  await page.getByLabel('Home organisation ODS code', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Create user', exact: true }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Enter the date of birth' })).toHaveAttribute('href', '#date-of-birth');
  await expect(errorSummary(page).getByRole('link', { name: 'Enter the National Insurance number' })).toBeVisible();
  await expectNoAxeViolations(page, 'Create a new user with errors');
  await errorSummary(page).getByRole('link', { name: 'Enter the date of birth' }).click();
  await expect(page.getByLabel('Day', { exact: true })).toBeFocused();

  await fillNewUser(page);
  await page.getByRole('button', { name: 'Create user', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('User created successfully');
  await expect(successBanner(page)).toContainText('A profile has been created for Imogen Achterberg.');
  await expectNoAxeViolations(page, 'User created successfully');

  // The same person again: stopped before a second profile is made, and sent to the first.
  await openCim(page, app, '/cim/create-user');
  await expect(pageHeading(page)).toContainText('Create a new user');
  await fillNewUser(page);
  await page.getByLabel('First name', { exact: true }).fill('Immy');
  await page.getByRole('button', { name: 'Create user', exact: true }).click();
  await expect(errorSummary(page)).toContainText('A profile already exists for this person');
  await expectNoAxeViolations(page, 'Create a new user: duplicate');
  await page.getByRole('link', { name: 'View the existing profile of Imogen Achterberg' }).click();
  await expect(pageHeading(page)).toContainText('Imogen Achterberg');
});

test('rule: the RA agent closes a profile, its holder cannot sign in and is told why, and the RA agent reopens it', async ({ page, app }) => {
  await logIn(page, RA_AGENT);
  await openCim(page, app, `/cim/users/${CLINICIAN_UUID}/close`);
  await expect(pageHeading(page)).toContainText('Close profile');
  await expect(page.getByRole('main')).toContainText(`Closing this profile ends every session of ${CLINICIAN.name} now`);
  await expectNoAxeViolations(page, 'Close profile');

  await page.getByRole('button', { name: 'Close profile', exact: true }).click();
  await expect(errorSummary(page).getByRole('link', { name: 'Enter why you want to close this profile' })).toHaveAttribute('href', '#status-reason');
  await expectNoAxeViolations(page, 'Close profile with an error');

  await page.getByLabel('Why are you closing this profile?').fill('Left the trust');
  await page.getByRole('button', { name: 'Close profile', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Profile closed');
  await expect(successBanner(page)).toContainText(`The profile of ${CLINICIAN.name} is closed.`);
  await expectNoAxeViolations(page, 'Profile closed');

  // The clinician's card no longer signs them in, and the message says why.
  await removeEveryCard(page);
  await insertCard(page, CLINICIAN, 1);
  await expect(pageHeading(page)).toContainText(CLINICIAN.name);
  await enterPasscode(page, CLINICIAN.passcode);
  await expect(errorSummary(page).getByRole('link', { name: 'Your Care Identity profile is closed. Contact your Registration Authority.' })).toBeVisible();
  await removeEveryCard(page);

  await logIn(page, RA_AGENT);
  await openCim(page, app, `/cim/users/${CLINICIAN_UUID}/reopen`);
  await expect(pageHeading(page)).toContainText('Reopen profile');
  await expectNoAxeViolations(page, 'Reopen profile');
  await page.getByLabel('Why are you reopening this profile?').fill('Rejoined the trust');
  await page.getByRole('button', { name: 'Reopen profile', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Profile reopened');
  await expectNoAxeViolations(page, 'Profile reopened');
  await page.getByRole('link', { name: `Back to the profile of ${CLINICIAN.name}` }).click();
  await expect(page.getByRole('main')).toContainText('Open');
});

test("rule: a sponsor's close becomes a request for the Registration Authority, shown as pending; a waiting request is shown to RA staff", async ({ page, app }) => {
  await logIn(page, SPONSOR);
  await openCim(page, app, `/cim/users/${LOCKED_CARD_UUID}/close`);
  await expect(pageHeading(page)).toContainText('Close profile');
  await page.getByLabel('Why are you closing this profile?').fill('Moved to another trust');
  await page.getByRole('button', { name: 'Close profile', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Your request has been sent to the Registration Authority');
  await expectNoAxeViolations(page, 'Close request sent');

  await openCim(page, app, `/cim/users/${LOCKED_CARD_UUID}/close`);
  await expect(page.getByRole('main')).toContainText(`A request to close this profile is waiting for the Registration Authority. ${SPONSOR.name} asked on`);
  await expect(page.getByRole('main')).toContainText('Moved to another trust');
  await expectNoAxeViolations(page, 'Close profile with a pending request');

  // The sponsor's change of details is a request too.
  await openCim(page, app, `/cim/users/${LOCKED_CARD_UUID}/change-details`);
  await expect(pageHeading(page)).toContainText('Change personal or contact details');
  await expectNoAxeViolations(page, 'Change personal or contact details');
  await page.getByLabel('Last name', { exact: true }).fill('Evans-Price');
  await page.getByRole('button', { name: 'Save changes', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Your request has been sent to the Registration Authority');
  await expect(page.getByRole('main')).toContainText('the change is pending');
  await expectNoAxeViolations(page, 'Details change request sent');

  await removeEveryCard(page);
  await logIn(page, RA_AGENT);
  await openCim(page, app, `/cim/users/${CLOSE_REQUESTED_UUID}/close`);
  await expect(page.getByRole('main')).toContainText('A request to close this profile is waiting for the Registration Authority. Grace Okafor asked on');

  await openCim(page, app, `/cim/users/${LOCKED_CARD_UUID}/change-details`);
  await page.getByLabel('Mobile number', { exact: true }).fill('07700 900 555');
  await page.getByLabel('Day', { exact: true }).fill('2');
  await page.getByLabel('Month', { exact: true }).fill('2');
  await page.getByLabel('Year', { exact: true }).fill('1990');
  await page.getByRole('button', { name: 'Save changes', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Details changed successfully');
  await expectNoAxeViolations(page, 'Details changed successfully');
  await page.getByRole('link', { name: `Back to the profile of ${LOCKED_CARD.name}` }).click();
  await expect(page.getByRole('main')).toContainText('07700900555');
});
