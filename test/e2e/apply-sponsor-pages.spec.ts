import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { SPONSOR } from './support/personas.js';
import { errorSummary, readSecurityCode } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Apply for Care ID, the sponsor's pages (seed 003): the CIM home's task -> Start -> Log in with
// the smartcard session -> first use: Go to settings, the email address for applicants' queries
// with its 6-digit code -> the dashboard -> New application's steps with Check your answers ->
// Submit -> the application's page -> Search applications -> Bulk invitations. Every page passes
// axe, and its heading takes focus. This spec file has its own training app.

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

async function heading(page: Page, text: string | RegExp, axeName: string): Promise<void> {
  // The caption ("Apply for Care ID", "New application") is part of the heading.
  await expect(pageHeading(page)).toContainText(text);
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, axeName);
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function setQueryEmail(page: Page, email: string): Promise<void> {
  await page.getByRole('link', { name: 'Change email address' }).click();
  await heading(page, /Email address for applicants/, 'Email address for applicants’ queries');
  await button(page, 'Continue').click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Select the email address applicants should use' })).toHaveAttribute('href', '#email-choice');
  await page.getByRole('radio', { name: 'Use a different email address' }).check();
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await expectNoAxeViolations(page, 'Email address with a different address');
  await button(page, 'Continue').click();
  await heading(page, 'Enter the security code', 'Enter the security code');
  await expect(page.getByRole('main')).toContainText(email);
  await page.getByLabel('Security code', { exact: true }).fill(await readSecurityCode(page));
  await button(page, 'Continue').click();
  await heading(page, 'Email address saved', 'Email address saved');
  await page.getByRole('button', { name: 'Home' }).click();
}

test('rule: a sponsor reaches Apply for Care ID from CIM with their smartcard session, sets the query email by code, and sees the dashboard', async ({ page }) => {
  await logIn(page, SPONSOR);
  await page.getByRole('link', { name: 'Apply for Care ID' }).click();
  await heading(page, 'Apply for Care ID', 'Apply for Care ID start');
  await button(page, 'Start').click();
  await heading(page, /Log in/, 'Log in');
  await button(page, 'Continue').click();
  await expect(errorSummary(page).getByRole('link', { name: 'Select how you want to log in' })).toHaveAttribute('href', '#login-method');
  await expectNoAxeViolations(page, 'Log in with an error');
  await page.getByRole('radio', { name: 'Smartcard' }).check();
  await page.getByRole('checkbox', { name: 'Remember my selection' }).check();
  await button(page, 'Continue').click();

  // First use: no query email yet.
  await heading(page, /Your applications/, 'Home before settings');
  await expect(page.getByRole('main')).toContainText('an email address for applicants to contact');
  await page.getByRole('button', { name: 'Go to settings' }).click();
  await heading(page, /Settings/, 'Settings');
  await expect(page.getByRole('main')).toContainText('A shared inbox or email address can be used');
  await setQueryEmail(page, 'ward-sponsors@nhs.net');

  await heading(page, /Your applications/, 'Application dashboard');
  await expect(page.getByRole('main')).toContainText('ward-sponsors@nhs.net');
  for (const tab of ['Resend required', 'In progress', 'Approved', 'Duplicates', 'Rejected', 'Cancelled', 'Marked as done']) {
    await expect(page.getByRole('link', { name: new RegExp(`^${tab} \\(\\d+\\)$`) })).toBeVisible();
  }
  await page.getByRole('link', { name: /^Duplicates \(/ }).click();
  await expect(page.getByRole('main')).toContainText('Sponsors must not move applications from the duplicates list to Marked as done');
  await expectNoAxeViolations(page, 'Duplicates tab');

  // Remembered: the next Start goes straight to the home page.
  await page.goto(page.url().replace(/#.*$/, '#/apply'));
  await button(page, 'Start').click();
  await expect(pageHeading(page)).toContainText('Your applications');
});

test('rule: a new application keeps its answers through every step and Change, and its confirmation gives the application ID', async ({ page }) => {
  // Nine pages, each checked with axe.
  test.slow();
  await logIn(page, SPONSOR);
  await page.goto(page.url().replace(/#.*$/, '#/apply/settings'));
  await heading(page, /Settings/, 'Settings');
  await setQueryEmail(page, 'ward-sponsors@nhs.net');
  await button(page, 'New application').click();

  await heading(page, "Applicant's personal details", 'Personal details');
  await button(page, 'Continue').click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Enter the given name' })).toHaveAttribute('href', '#given-name');
  await expectNoAxeViolations(page, 'Personal details with errors');
  await page.getByLabel('Given name').fill('Aisha');
  await page.getByLabel('Family name').fill('Khan');
  await page.getByLabel('Day').fill('14');
  await page.getByLabel('Month').fill('2');
  await page.getByLabel('Year').fill('1991');
  await page.getByLabel('National Insurance number').fill('AB 12 34 56 C');
  await page.getByLabel('Email address').fill('aisha.khan@nhs.net');
  await page.getByLabel('Mobile number').fill('07700 900 123');
  await button(page, 'Continue').click();

  await heading(page, 'Delivery address', 'Delivery address choice');
  await page.getByRole('radio', { name: 'No' }).check();
  await button(page, 'Continue').click();
  await heading(page, 'Where should the smartcard be sent?', 'Delivery address');
  await page.getByLabel('Address line 1').fill('Ward 4, Training General Hospital');
  await page.getByLabel('Town or city').fill('Leeds');
  await page.getByLabel('Postcode').fill('ls1 4ap');
  await button(page, 'Continue').click();

  await heading(page, 'Notes', 'Notes');
  await page.getByRole('radio', { name: 'An access position' }).check();
  await expect(page.getByRole('main')).toContainText('The position can only be added for the ODS code RZZ01');
  await expectNoAxeViolations(page, 'Notes with an access position');
  await page.getByLabel('Access position', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('Notes (optional)').fill('Starts on ward 4');
  await button(page, 'Continue').click();

  await heading(page, 'Check your answers', 'Check your answers');
  await expect(page.getByRole('main')).toContainText('AB123456C');
  await page.getByRole('link', { name: 'Change mobile number' }).click();
  await expect(page.getByLabel('Given name')).toHaveValue('Aisha');
  await page.getByLabel('Mobile number').fill('07700 900 456');
  await button(page, 'Continue').click();
  await heading(page, 'Check your answers', 'Check your answers after a change');
  await expect(page.getByRole('main')).toContainText('07700 900 456');
  await expect(page.getByRole('main')).toContainText('LS1 4AP');
  await button(page, 'Submit').click();

  await heading(page, 'Application submitted', 'Application submitted');
  const reference = /ACI-[0-9A-Z]{8}/.exec(await page.getByRole('main').innerText())?.[0] ?? '';
  expect(reference).toMatch(/^ACI-/);
  await expect(page.getByRole('main')).toContainText("A link has been sent to Aisha Khan's email address");
  await page.getByRole('link', { name: `View application ${reference}` }).click();

  await heading(page, 'Aisha Khan', 'Application page');
  await expect(page.getByRole('main')).toContainText('Not started');
  await expect(page.getByRole('button', { name: 'Resend the invite' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel the application' }).click();
  await heading(page, /Cancel the application for Aisha Khan/, 'Cancel the application');
  await page.getByRole('link', { name: 'Go back without cancelling' }).click();
  await expect(pageHeading(page)).toContainText('Aisha Khan');
});

test('rule: Search applications and Bulk invitations explain their problems in an error summary linked to the field', async ({ page }) => {
  await logIn(page, SPONSOR);
  await page.goto(page.url().replace(/#.*$/, '#/apply/search'));
  await heading(page, 'Search applications', 'Search applications');
  await button(page, 'Search').click();
  await expect(errorSummary(page).getByRole('link', { name: /Enter the applicant's name/ })).toHaveAttribute('href', '#search-query');
  await page.getByLabel('Name, email address, or application ID').fill('Khan');
  await page.getByRole('checkbox', { name: 'Applications I have raised' }).check();
  await button(page, 'Search').click();
  await expect(page.getByRole('heading', { level: 2, name: /found for ‘Khan’/ })).toBeVisible();
  await expectNoAxeViolations(page, 'Search results');

  await page.goto(page.url().replace(/#.*$/, '#/apply/bulk'));
  await heading(page, 'Bulk invitations', 'Bulk invitations');
  await button(page, 'Check the file').click();
  await expect(errorSummary(page).getByRole('link', { name: 'Select a CSV file' })).toHaveAttribute('href', '#bulk-file');
  await page.getByLabel('Upload a CSV file').setInputFiles({
    name: 'staff.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('given_name,family_name,date_of_birth,ni_number,email,mobile,position_id,notes\r\nTom,Evans,1985-11-30,CE654321A,tom.evans@nhs.net,07700900789,1,\r\n,Evans,1985-13-30,XX,nope,123,1,\r\n'),
  });
  await button(page, 'Check the file').click();
  await heading(page, 'Check the invitations', 'Bulk invitation report');
  await expect(errorSummary(page)).toContainText('Line 3');
});
