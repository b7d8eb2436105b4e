import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { batchExampleCsv } from '../../src-renderer/cim/batch/batch-example.js';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import type { Persona } from './support/personas.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Batch position management (seed 004, RAM and RAA(A)): the RA manager chooses a CSV file,
// uploads and checks it, sees the one bad row's problem, applies the other rows, and downloads
// the result with each row's outcome. The file is the example the page offers trainees, which
// assigns training personas and has one row naming nobody. This spec file has its own training
// app, so the assignments it makes stay here.

useTrainingApp();

const RA_MANAGER: Persona = {
  role: 'RA Manager',
  name: "Seán O'Connor",
  passcode: '123456',
  organisation: 'Training NHS Trust',
  position: 'Registration Authority Manager',
};

const errorSummary = (page: Page) => page.locator('.nhsuk-error-summary');
const fileInput = (page: Page) => page.getByLabel('Choose a CSV file', { exact: true });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test("rule: the RA manager uploads a file with one bad row, sees that row's problem, applies the rest and downloads the result", async ({ page }) => {
  await logIn(page, RA_MANAGER);
  await page.getByRole('link', { name: 'Batch position management' }).click();
  await expect(pageHeading(page)).toHaveText('Batch manage position assignments');
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Batch manage position assignments');

  // No file chosen: said in the summary, linked to the file input.
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Choose a CSV file to upload' })).toHaveAttribute('href', '#batch-file');
  await expect(fileInput(page)).toHaveAccessibleDescription(/Choose a CSV file to upload/);
  await page.getByText('What the file must contain').click();
  await expect(page.getByRole('table', { name: 'Columns' })).toContainText('position_title');
  await expectNoAxeViolations(page, 'Batch manage position assignments with an error and the file format open');

  const today = new Date().toISOString().slice(0, 10);
  await fileInput(page).setInputFiles({ name: 'july.csv', mimeType: 'text/csv', buffer: Buffer.from(batchExampleCsv(today)) });
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await expect(pageHeading(page)).toContainText('Check the file');
  const main = page.getByRole('main');
  await expect(main.getByText('july.csv')).toBeVisible();
  await expect(main).toContainText('3: 2 assignments to add, 1 assignment to change');
  const problems = page.getByRole('table', { name: /Rows with problems/ });
  await expect(problems.getByRole('row')).toHaveCount(2);
  await expect(problems.getByRole('row').nth(1)).toHaveText(/Row 5\s*No user has National Insurance number JX123456C/);
  await expect(main).toContainText('the 1 row with problems will be skipped');
  await expectNoAxeViolations(page, 'Check the file');

  await page.getByRole('button', { name: 'Apply 3 changes' }).click();
  await expect(pageHeading(page)).toHaveText('Changes applied');
  await expect(pageHeading(page)).toBeFocused();
  await expect(main).toContainText('3 changes applied');
  await expectNoAxeViolations(page, 'Changes applied');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the result (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('july-result.csv');
  const result = await readFile(await download.path(), 'utf8');
  const outcomes = result
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => /"(added|changed|skipped)","([^"]*)"$/.exec(line)?.slice(1));
  expect(outcomes).toEqual([
    ['added', expect.stringMatching(/^Amelia Hart assigned from /)],
    ['added', expect.stringMatching(/^Rhys Evans assigned from /)],
    ['changed', expect.stringMatching(/^Nia Roberts now assigned from 01\/04\/2024 to /)],
    ['skipped', 'no user has National Insurance number JX123456C'],
  ]);

  // The same file again: every good row is now refused (the users hold those positions already).
  await page.getByRole('button', { name: 'Upload another file' }).click();
  await expect(pageHeading(page)).toHaveText('Batch manage position assignments');
  await fileInput(page).setInputFiles({ name: 'july.csv', mimeType: 'text/csv', buffer: Buffer.from(batchExampleCsv(today)) });
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await expect(pageHeading(page)).toContainText('Check the file');
  await expect(problems).toContainText('Amelia Hart already has this position');
  await expect(page.getByRole('button', { name: /^Apply/ })).toHaveCount(1);
});

test('rule: a file that cannot be read as a whole is refused on the page, in words, and nothing is checked', async ({ page }) => {
  await logIn(page, RA_MANAGER);
  await page.getByRole('link', { name: 'Batch position management' }).click();
  await fileInput(page).setInputFiles({ name: 'formula.csv', mimeType: 'text/csv', buffer: Buffer.from('action,ni_number,position_id\r\nadd,=1+1,1\r\n') });
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page)).toContainText('starts like a spreadsheet formula');
  await expect(pageHeading(page)).toHaveText('Batch manage position assignments');

  // Latin-1 bytes (an "é" saved by a spreadsheet's plain "CSV"): refused before it is sent.
  await fileInput(page).setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv', buffer: Buffer.from([...Buffer.from('action,ni_number,position_id\r\nadd,Ren'), 0xe9, 0x0d, 0x0a]) });
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await expect(errorSummary(page)).toContainText('The file is not UTF-8 text');
  await expectNoAxeViolations(page, 'Batch manage position assignments with a refused file');
});

test('rule: a 2,000-row file (larger than other requests) is checked whole; its problems are shown 25 a page, and with no good row nothing is offered to apply', async ({ page }) => {
  await logIn(page, RA_MANAGER);
  await page.getByRole('link', { name: 'Batch position management' }).click();
  const rows = Array.from({ length: 2000 }, (_, i) => `add,,JX${String(i).padStart(6, '0')}C,,RZZ01,Ward Clerk,01/01/2099,`);
  const csv = ['action,user_uuid,ni_number,position_id,ods_code,position_title,start_date,end_date', ...rows].join('\r\n');
  expect(csv.length).toBeGreaterThan(64 * 1024);
  await fileInput(page).setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await expect(pageHeading(page)).toContainText('Check the file');
  const problems = page.getByRole('table', { name: /Rows with problems/ });
  await expect(problems).toContainText('Page 1 of 80');
  await expect(problems.getByRole('row')).toHaveCount(26);
  await expect(problems.getByRole('row').nth(1)).toHaveText(/Row 2\s*No user has National Insurance number JX000000C/);
  await expect(page.getByRole('button', { name: /^Apply/ })).toHaveCount(0);
  await expect(page.getByRole('main')).toContainText('No row in this file can be applied');

  await page.getByRole('navigation', { name: 'Pages of problems' }).getByRole('link', { name: /Next/ }).click();
  await expect(problems).toContainText('Page 2 of 80');
  await expect(problems.getByRole('row').nth(1)).toHaveText(/Row 27\s*No user has National Insurance number JX000025C/);
  await expectNoAxeViolations(page, 'Check the file, page 2 of its problems');
});
