import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, RA_AGENT, type Persona } from './support/personas.js';
import { errorSummary } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Workgroups (domain.md: "workgroups: create, view, assign, edit dates, history, remove, close |
// RAM, RAA(A)"): the RA manager creates one, assigns it to a user found by name, edits the
// dates, reads the history, removes the assignment and closes the workgroup. An RA agent is not
// offered workgroups, and reaching the page by its address says they are not allowed.

useTrainingApp();

const RA_MANAGER: Persona = {
  role: 'RA Manager',
  name: "Seán O'Connor",
  passcode: '123456',
  organisation: 'Training NHS Trust',
  position: 'Registration Authority Manager',
};

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

const successBanner = (page: Page) => page.getByRole('alert').filter({ hasText: 'Success' });

/** A calendar day `days` from today, as the three boxes of an NHS date input take it. */
function dayFromToday(days: number): { day: string; month: string; year: string; long: string } {
  const at = new Date();
  at.setDate(at.getDate() + days);
  return {
    day: String(at.getDate()),
    month: String(at.getMonth() + 1),
    year: String(at.getFullYear()),
    long: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(at),
  };
}

async function fillDate(page: Page, legend: RegExp, date: { day: string; month: string; year: string } | null): Promise<void> {
  const group = page.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(date?.day ?? '');
  await group.getByLabel('Month').fill(date?.month ?? '');
  await group.getByLabel('Year').fill(date?.year ?? '');
}

test('rule: the RA manager creates a workgroup, assigns it to a user, edits the dates, reads the history, removes the assignment and closes it', async ({ page, app }) => {
  await logIn(page, RA_MANAGER);
  await page.getByRole('link', { name: 'Workgroups', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Manage workgroups');
  // The training workgroups of the trust are listed.
  await expect(page.getByRole('table', { name: /Training NHS Trust/ })).toContainText('Registration Authority team');
  await expectNoAxeViolations(page, 'Manage workgroups');

  await page.getByRole('button', { name: 'Create a workgroup' }).click();
  await expect(pageHeading(page)).toContainText('Create a workgroup');
  await page.getByRole('button', { name: 'Create workgroup' }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Enter a name for the workgroup' })).toHaveAttribute('href', '#workgroup-name');
  await expectNoAxeViolations(page, 'Create a workgroup with errors');
  await page.getByLabel('Organisation code').fill('RZZ01');
  await page.getByLabel('Name', { exact: true }).fill('Discharge lounge team');
  await page.getByLabel('Description').fill('Staff who run the discharge lounge');
  await page.getByRole('button', { name: 'Create workgroup' }).click();

  await expect(pageHeading(page)).toContainText('Discharge lounge team');
  await expect(successBanner(page)).toContainText('Discharge lounge team was created at Training General Hospital');
  await expect(page.getByRole('main')).toContainText('Nobody is assigned this workgroup.');
  await expectNoAxeViolations(page, 'a new workgroup');

  // Assign to a user found by name within the trust's subtree.
  await page.getByRole('button', { name: 'Assign to a user' }).click();
  await expect(pageHeading(page)).toContainText('Assign to a user');
  await page.getByLabel('Find the user by name').fill('Hart');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('radio', { name: new RegExp(CLINICIAN.name) }).check();
  await fillDate(page, /^End date/, dayFromToday(-1));
  await page.getByRole('button', { name: 'Assign workgroup' }).click();
  await expect(errorSummary(page).getByRole('link', { name: 'Enter the start date' })).toHaveAttribute('href', '#assignment-start');
  await expectNoAxeViolations(page, 'Assign to a user with errors');
  const start = dayFromToday(1);
  await fillDate(page, /^Start date/, start);
  await fillDate(page, /^End date/, null);
  await page.getByRole('button', { name: 'Assign workgroup' }).click();
  await expect(successBanner(page)).toContainText(`${CLINICIAN.name} was assigned Discharge lounge team: From ${start.long}`);
  await expect(page.getByRole('table', { name: /member/ })).toContainText(CLINICIAN.name);

  // Edit the dates: an end date a month on.
  await page.getByRole('link', { name: `Edit dates for ${CLINICIAN.name}` }).click();
  await expect(pageHeading(page)).toContainText('Edit dates');
  await expectNoAxeViolations(page, 'Edit dates');
  const end = dayFromToday(31);
  await fillDate(page, /^End date/, end);
  await page.getByRole('button', { name: 'Save dates' }).click();
  await expect(successBanner(page)).toContainText(`Dates changed for ${CLINICIAN.name} in Discharge lounge team: ${start.long} to ${end.long}`);

  // The history tells what happened, and who did it.
  const history = page.getByRole('table', { name: /History/ });
  await expect(history.getByRole('row')).toHaveCount(4);
  await expect(history).toContainText('Workgroup created');
  await expect(history).toContainText(`Assigned to ${CLINICIAN.name} from ${start.long}`);
  await expect(history).toContainText(`Dates for ${CLINICIAN.name} changed to ${start.long} to ${end.long}`);
  await expect(history).toContainText(RA_MANAGER.name);
  await expectNoAxeViolations(page, 'a workgroup with a member and history');

  // The user's own workgroups page lists it.
  await page.getByRole('link', { name: CLINICIAN.name, exact: true }).click();
  await expect(pageHeading(page)).toContainText(`Workgroups of ${CLINICIAN.name}`);
  await expect(page.getByRole('table')).toContainText('Discharge lounge team');
  await expectNoAxeViolations(page, "a user's workgroups");
  await page.getByRole('button', { name: 'Assign a workgroup' }).click();
  await expect(pageHeading(page)).toContainText('Assign a workgroup');
  await expectNoAxeViolations(page, 'Assign a workgroup to a user');
  await page.getByRole('link', { name: 'Back' }).click();

  // Remove the assignment from the user's page: back there, and gone.
  await page.getByRole('link', { name: 'Remove Discharge lounge team' }).click();
  await expect(pageHeading(page)).toContainText('Remove from workgroup');
  await expectNoAxeViolations(page, 'Remove from workgroup');
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(pageHeading(page)).toContainText(`Workgroups of ${CLINICIAN.name}`);
  await expect(successBanner(page)).toContainText(`${CLINICIAN.name} was removed from Discharge lounge team`);
  await expect(page.getByRole('table')).not.toContainText('Discharge lounge team');

  // Close the workgroup: a warning first, then closed, and no longer offered for assigning.
  await page.goto(`${app.url}#/cim/workgroups`);
  await page.getByLabel('Organisation code').fill('RZZ01');
  await page.getByLabel('Workgroup name (optional)').fill('DISCHARGE');
  await page.getByRole('button', { name: 'Show workgroups' }).click();
  const found = page.getByRole('table', { name: /Training General Hospital: 1 workgroup/ });
  await expect(found).toContainText('Discharge lounge team');
  await expectNoAxeViolations(page, 'Manage workgroups, found by name');
  await found.getByRole('link', { name: 'Discharge lounge team' }).click();
  await expect(page.getByRole('table', { name: /History/ }).getByRole('row')).toHaveCount(5);
  await page.getByRole('button', { name: 'Close workgroup' }).click();
  await expect(pageHeading(page)).toContainText('Close workgroup');
  await expect(page.getByRole('main')).toContainText('No current assignments');
  await expect(page.getByRole('main')).toContainText('A closed workgroup cannot be assigned again.');
  await expectNoAxeViolations(page, 'Close workgroup warning');
  await page.getByRole('button', { name: 'Close workgroup' }).click();
  await expect(successBanner(page)).toContainText('Discharge lounge team was closed');
  await expect(page.getByRole('main')).toContainText('Closed on');
  await expect(page.getByRole('button', { name: 'Assign to a user' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: /History/ })).toContainText('Workgroup closed, ending 0 assignments');
  await expectNoAxeViolations(page, 'a closed workgroup');
});

test('rule: the RA agent is not offered workgroups, and reaching the page by its address says they are not allowed', async ({ page, app }) => {
  await logIn(page, RA_AGENT);
  await expect(page.getByRole('link', { name: 'Find an existing user' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Workgroups', exact: true })).toHaveCount(0);
  await page.goto(`${app.url}#/cim/workgroups`);
  await expect(pageHeading(page)).toHaveText('You are not allowed to manage workgroups');
  await expectNoAxeViolations(page, 'workgroups: not allowed');
});
