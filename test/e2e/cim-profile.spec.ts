import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, RA_AGENT, type Persona } from './support/personas.js';
import { errorSummary, outbox, readSecurityCode } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// The CIM dashboard, a found user's profile (the directory part outside the viewer's scope),
// the profile's tabs (each its own address: Back and reload stay on it), and "Find an
// organisation" with its place in the tree.

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

/** The task cards on the dashboard, by their link text. */
const taskLinks = (page: Page) => page.getByRole('main').locator('.nhsuk-card__link');

async function findUser(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name: 'Find an existing user', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Find an existing user');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: `View profile of ${name}`, exact: true }).click();
  await expect(pageHeading(page)).toContainText(name);
}

test('rule: the dashboard offers a clinician the three tasks open to everyone and an RA manager every task, with the requests waiting', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(taskLinks(page)).toHaveText(['Find an existing user', 'Find an organisation', 'View your profile']);
  await expectNoAxeViolations(page, 'dashboard (clinician)');
  await removeEveryCard(page);

  await logIn(page, RA_MANAGER);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(taskLinks(page)).toHaveText([
    'Find an existing user',
    'Find an organisation',
    'View your profile',
    'Position request list',
    'Create a new user',
    'Manage positions',
    'Workgroups',
    'Batch position management',
    'Requests',
    'Apply for Care ID',
    'Reports',
    'Check applications',
    'Cards to issue',
  ]);
  await expect(page.getByRole('main')).toContainText(/\d+ requests? waiting\./);
  await expectNoAxeViolations(page, 'dashboard (RA manager)');
});

test('rule: a clinician who finds a user outside their organisation sees the directory part, never "There is a problem"', async ({ page }) => {
  await logIn(page, CLINICIAN);
  // The RA agent works at the trust, above the clinician's hospital: outside the clinician's scope.
  await findUser(page, RA_AGENT.name);
  const main = page.getByRole('main');
  await expect(main).toContainText('you can see only their directory entry');
  await expect(main).not.toContainText('There is a problem');
  await expect(main).toContainText('Training NHS Trust (RZZ)');
  await expect(main).not.toContainText('National Insurance number');
  await expectNoAxeViolations(page, 'directory part of a profile');
  await page.getByRole('link', { name: 'Positions', exact: true }).click();
  await expect(main.getByRole('table')).toContainText('Registration Authority Agent');
  await expect(page.getByRole('link', { name: 'History', exact: true })).toHaveCount(0);
});

test('rule: each profile tab has its own address: Back returns to the previous tab and reload stays on the same one', async ({ page }) => {
  await logIn(page, RA_AGENT);
  await findUser(page, CLINICIAN.name);
  const main = page.getByRole('main');
  await expect(main).toContainText('National Insurance number');
  await expect(main.getByRole('link', { name: 'Change details', exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'profile: Details');

  for (const [tab, shows] of [
    ['Positions', 'Consultant'],
    ['Smartcards', 'Active'],
    ['Authenticators', 'Authenticators'],
    ['Workgroups', 'Workgroups'],
    ['History', 'History'],
  ] as const) {
    await page.getByRole('link', { name: tab, exact: true }).click();
    await expect(page.getByRole('link', { name: tab, exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(main).toContainText(shows);
    await expectNoAxeViolations(page, `profile: ${tab}`);
  }
  await expect(page).toHaveURL(/\/cim\/users\/[0-9a-f-]+\/history$/);

  await page.goBack();
  await expect(page).toHaveURL(/\/workgroup-membership$/);
  await expect(page.getByRole('link', { name: 'Workgroups', exact: true })).toHaveAttribute('aria-current', 'page');

  await page.getByRole('link', { name: 'Positions', exact: true }).click();
  await page.reload();
  await expect(pageHeading(page)).toContainText(CLINICIAN.name);
  await expect(page.getByRole('link', { name: 'Positions', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(main.getByRole('link', { name: 'Manage assignments', exact: true })).toBeVisible();

  // Your own profile has the same tabs at its own addresses.
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await page.getByRole('link', { name: 'View your profile', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');
  await page.getByRole('link', { name: 'Positions', exact: true }).click();
  await expect(page).toHaveURL(/\/cim\/my-profile\/positions$/);
  await expect(main.getByRole('link', { name: 'Add access positions', exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'your profile: Positions');
});

test('rule: Find an organisation shows an organisation with its ancestors as a breadcrumb, its positions and child organisations', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await page.getByRole('link', { name: 'Find an organisation', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Find an organisation');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Enter an organisation name or ODS code' })).toBeVisible();
  await expectNoAxeViolations(page, 'Find an organisation with an error');

  await page.getByLabel('Organisation name or ODS code').fill('rzz01');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expectNoAxeViolations(page, 'Find an organisation results');
  await page.getByRole('link', { name: 'Training General Hospital', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Training General Hospital');
  const breadcrumb = page.getByRole('navigation', { name: 'Organisation tree' });
  await expect(breadcrumb.getByRole('link', { name: 'Training NHS Trust', exact: true })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Consultant');
  await expectNoAxeViolations(page, 'organisation page');

  await breadcrumb.getByRole('link', { name: 'Training NHS Trust', exact: true }).click();
  await expect(pageHeading(page)).toContainText('Training NHS Trust');
  await expect(page.getByRole('main').getByRole('link', { name: 'Training General Hospital', exact: true })).toBeVisible();

  // Back returns to the results of the same search.
  await page.goBack();
  await page.goBack();
  await expect(pageHeading(page)).toHaveText('Find an organisation');
  await expect(page.getByRole('link', { name: 'Training General Hospital', exact: true })).toBeVisible();
});

test('rule: a new email of your own must be an NHS, AC or GOV address and takes effect with the code sent to it', async ({ page }) => {
  await logIn(page, RA_AGENT);
  await page.getByRole('link', { name: 'View your profile', exact: true }).click();
  await page.getByRole('link', { name: 'Change email address', exact: true }).click();
  const main = page.getByRole('main');
  await expect(main).toContainText('Use an NHS, AC or GOV email address');
  await page.getByLabel('New email address', { exact: true }).fill('priya.patel@example.com');
  await page.getByLabel('Passcode', { exact: true }).fill(RA_AGENT.passcode);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expect(errorSummary(page)).toContainText(/NHS, AC or GOV/);
  await expectNoAxeViolations(page, 'Change your email address refused');

  await page.getByLabel('New email address', { exact: true }).fill('priya.patel@nhs.net');
  await page.getByLabel('Passcode', { exact: true }).fill(RA_AGENT.passcode);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expect(pageHeading(page)).toHaveText(/Check your email/);
  await expect(outbox(page).getByRole('listitem').first()).toContainText('priya.patel@nhs.net');
  await expectNoAxeViolations(page, 'Check your email');
  await page.getByLabel('Code', { exact: true }).fill(await readSecurityCode(page));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Contact details changed successfully');
  await expectNoAxeViolations(page, 'Contact details changed successfully');
  await page.getByRole('link', { name: 'Back to your profile' }).click();
  await expect(main).toContainText('priya.patel@nhs.net');
});
