import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { RA_AGENT, SPONSOR, type Persona } from './support/personas.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Access positions (seed 003 "Add user access", seed 004 "Manage access: positions"): a sponsor
// requests a position for a colleague, an RA agent grants it from the Position Request List and
// it shows on the colleague's profile; an RA manager creates, copies and closes positions. The
// tests run in order on this file's own training app.

useTrainingApp();

const RA_MANAGER: Persona = { role: 'RA Manager', name: "Seán O'Connor", passcode: '123456', organisation: 'Training NHS Trust', position: 'Registration Authority Manager' };
/** Amelia Hart, the training clinician (src-service/seed/personas.ts). */
const COLLEAGUE_UUID = 'c1a55e00-0000-4000-8000-000000000001';

async function go(page: Page, path: string): Promise<void> {
  // The hash router follows the address: no reload, so the session stays as it is.
  await page.evaluate(`window.location.hash = ${JSON.stringify(path)}`);
}

const banner = (page: Page) => page.locator('.nhsuk-notification-banner--success');

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('rule: a sponsor adds an access position for a colleague: filter, tick, review, start date, the fixed end date, "Position requested successfully"', async ({ page }) => {
  await logIn(page, SPONSOR);
  await go(page, `/cim/users/${COLLEAGUE_UUID}/add-positions`);
  await expect(pageHeading(page)).toContainText('Add access positions');
  await expect(page.getByRole('group', { name: 'Positions at Training General Hospital' })).toBeVisible();
  // Closed positions are not offered.
  await expect(page.getByRole('checkbox', { name: 'Night Sister (old rota)' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'Add access positions: choose');

  // Continue with nothing ticked: the problem, in words.
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Select at least one position');

  await page.getByLabel('Filter').fill('discharge');
  await expect(page.getByRole('status').filter({ hasText: 'positions shown' }).or(page.getByRole('status').filter({ hasText: 'position shown' }))).toHaveText('1 position shown');
  await page.getByRole('checkbox', { name: 'Discharge Coordinator' }).check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(pageHeading(page)).toContainText('Check the positions you selected');
  await expect(page.getByRole('main')).toContainText('Discharge Coordinator');
  await expect(page.getByRole('link', { name: 'Change Discharge Coordinator' })).toBeVisible();
  await expectNoAxeViolations(page, 'Add access positions: review');
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(pageHeading(page)).toContainText('When should access begin?');
  // A date that is not real is refused in words.
  await page.getByLabel('Day').fill('31');
  await page.getByLabel('Month').fill('2');
  await page.getByLabel('Year').fill('2099');
  await page.getByRole('button', { name: 'Request positions' }).click();
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Start date must be a real date');
  await expectNoAxeViolations(page, 'Add access positions: start date with an error');

  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('Day').fill(String(Number(today.slice(8, 10))));
  await page.getByLabel('Month').fill(String(Number(today.slice(5, 7))));
  await page.getByLabel('Year').fill(today.slice(0, 4));
  // The end date is shown, fixed, and cannot be typed into.
  const end = new Date(Date.parse(`${today}T00:00:00Z`) + 365 * 86_400_000);
  const endWords = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(end);
  await expect(page.getByRole('main')).toContainText(`End date${endWords}`);
  await expect(page.getByRole('textbox', { name: /End date/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Request positions' }).click();
  await expect(banner(page)).toContainText('Position requested successfully');
  await expectNoAxeViolations(page, 'Position requested successfully');
});

test('rule: the RA agent grants the request from the Position Request List and the position shows on the profile; a rejection needs a reason', async ({ page }) => {
  await logIn(page, RA_AGENT);
  await go(page, '/cim/position-requests');
  await expect(pageHeading(page)).toHaveText('Position request list');
  const row = page.getByRole('row').filter({ hasText: 'Discharge Coordinator' });
  await expect(row).toContainText('Grace Okafor');
  await expect(row).toContainText('Amelia Hart');
  const waiting = page.getByRole('status').filter({ hasText: 'waiting' });
  await expect(waiting).toHaveText(/^\d+ requests waiting$/);
  const before = Number((await waiting.textContent())?.split(' ')[0]);
  await expectNoAxeViolations(page, 'Position request list');

  await page.getByRole('button', { name: 'Grant Discharge Coordinator for Amelia Hart' }).click();
  await expect(banner(page)).toContainText('Request granted: Discharge Coordinator for Amelia Hart');
  await expect(waiting).toHaveText(`${before - 1} requests waiting`);

  // Reject another: the reason is required.
  await page.getByRole('link', { name: 'Reject Pharmacist for Amelia Hart' }).click();
  await expect(pageHeading(page)).toContainText('Reject the request');
  await page.getByRole('button', { name: 'Reject request' }).click();
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Enter a reason for rejecting the request');
  await expectNoAxeViolations(page, 'Reject the request with an error');
  await page.getByLabel('Reason for rejecting').fill('Please ask the pharmacy team lead first');
  await page.getByRole('button', { name: 'Reject request' }).click();
  await expect(banner(page)).toContainText('Request rejected: Pharmacist for Amelia Hart');

  // The user's Positions tab: the granted position is among their positions.
  await go(page, `/cim/users/${COLLEAGUE_UUID}/positions`);
  await expect(pageHeading(page)).toContainText('Amelia Hart');
  await expect(page.getByRole('main')).toContainText('Discharge Coordinator');

  await go(page, `/cim/users/${COLLEAGUE_UUID}/assignments`);
  await expect(pageHeading(page)).toContainText('Manage positions');
  await expect(page.getByRole('row').filter({ hasText: 'Discharge Coordinator' })).toContainText('Current');
  await expectNoAxeViolations(page, 'Manage positions of a user');
});

test('rule: the RA manager creates a position, copies it, and closes a position after a warning naming the people it ends', async ({ page }) => {
  await logIn(page, RA_MANAGER);
  await go(page, '/cim/positions');
  await expect(pageHeading(page)).toHaveText('Manage positions');
  await page.getByLabel('Organisation').selectOption('RZZ01');
  await expect(page.getByRole('table')).toContainText('Physiotherapist');
  await expectNoAxeViolations(page, 'Manage positions');

  await page.getByRole('link', { name: 'Create a position' }).click();
  await expect(pageHeading(page)).toContainText('Create a position');
  await page.getByRole('button', { name: 'Create position' }).click();
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Enter a title for the position');
  await expectNoAxeViolations(page, 'Create a position with errors');
  await page.getByLabel('Title').fill('Stroke Nurse Specialist');
  await page.getByLabel('Job role').fill('Nurse Access Role');
  await page.getByRole('radio', { name: 'Yes' }).check();
  await page.getByRole('button', { name: 'Create position' }).click();
  await expect(banner(page)).toContainText('Position created: Stroke Nurse Specialist');

  await page.getByRole('link', { name: 'Copy Stroke Nurse Specialist' }).click();
  await expect(pageHeading(page)).toContainText('Copy Stroke Nurse Specialist');
  await expectNoAxeViolations(page, 'Copy a position');
  await page.getByLabel('Title of the new position').fill('Stroke Nurse Specialist (nights)');
  await page.getByRole('button', { name: 'Copy position' }).click();
  await expect(banner(page)).toContainText('Position copied: Stroke Nurse Specialist (nights)');
  await expect(page.getByRole('row').filter({ hasText: 'Stroke Nurse Specialist (nights)' })).toContainText('Nurse Access Role');

  await page.getByRole('link', { name: 'Close Physiotherapist' }).click();
  await expect(pageHeading(page)).toContainText('Close Physiotherapist');
  await expect(page.getByRole('main')).toContainText('1 person holds this position. Closing it ends their assignments today.');
  await expectNoAxeViolations(page, 'Close a position');
  await page.getByRole('button', { name: 'Close position' }).click();
  await expect(banner(page)).toContainText('Position closed: Physiotherapist. 1 assignment ended.');
  await expect(page.getByRole('row').filter({ hasText: 'Physiotherapist' })).toContainText('Closed');
});
