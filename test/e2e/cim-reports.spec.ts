import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, RA_MANAGER } from './support/personas.js';
import { errorSummary } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Reports (activity 'view-reports'): the RA manager opens Reports from the dashboard, the
// frequently used reports listed first, views who works in their organisations, sorts by a
// column, moves to the next page, and exports the whole report as CSV, whose download holds
// the same rows. "Smartcards expiring soon" refuses a number of days out of range in words. A
// clinician has no Reports on the dashboard and is refused at its address.

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

const main = (page: Page): Locator => page.getByRole('main');
const USERS_REPORT = 'Users in my organisations with their positions';
const status = (page: Page, text: RegExp | string): Locator => main(page).getByRole('status').filter({ hasText: text });

/** The text of column `index` (0-based) of every row of the report table. */
async function columnOf(page: Page, index: number): Promise<string[]> {
  return main(page).getByRole('table').locator('tbody tr').evaluateAll((rows, i) => rows.map((r) => r.querySelectorAll('td')[i]?.textContent ?? ''), index);
}

test('rule: the RA manager views a report, sorts it by a column, pages through it and exports it as CSV with the same rows', async ({ page }) => {
  await logIn(page, RA_MANAGER);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await main(page).getByRole('link', { name: 'Reports', exact: true }).click();
  await expect(pageHeading(page)).toHaveText('Reports');
  await expect(pageHeading(page)).toBeFocused();
  const frequent = main(page).getByRole('list').first();
  await expect(frequent.getByRole('link')).toHaveText(['Smartcards expiring soon', USERS_REPORT, 'Smartcards unlocked and renewed']);
  await expectNoAxeViolations(page, 'Reports');

  // A number of days out of range: said in words, next to the field.
  await main(page).getByRole('link', { name: 'Smartcards expiring soon' }).click();
  await expect(pageHeading(page)).toContainText('Smartcards expiring soon');
  await page.getByLabel('Expiring within (days)').fill('400');
  await page.getByRole('button', { name: 'Show report' }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(page.getByRole('link', { name: 'Enter a number of days from 1 to 365' })).toHaveAttribute('href', '#report-filter-days');
  await expectNoAxeViolations(page, 'Smartcards expiring soon with an error');
  await page.getByLabel('Expiring within (days)').fill('30');
  await page.getByRole('button', { name: 'Show report' }).click();
  await expect(status(page, /^Showing rows 1 to \d+ of \d+\.$/)).toBeVisible();
  await expect(main(page).getByRole('columnheader', { name: 'Certificate expires' })).toHaveAttribute('aria-sort', 'ascending');
  await expectNoAxeViolations(page, 'Smartcards expiring soon');

  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await main(page).getByRole('link', { name: USERS_REPORT }).click();
  await expect(pageHeading(page)).toContainText(USERS_REPORT);
  const table = main(page).getByRole('table', { name: USERS_REPORT });
  await expect(table).toBeVisible();
  const shown = status(page, /^Showing rows 1 to 25 of \d+\.$/);
  await expect(shown).toBeVisible();
  const total = Number(/of (\d+)\./.exec((await shown.textContent()) ?? '')?.[1]);
  expect(total).toBeGreaterThan(25);
  await expectNoAxeViolations(page, USERS_REPORT);

  // Sorted by family name (the default), then the other way at a press of its header.
  const family = table.getByRole('columnheader', { name: 'Family name' });
  await expect(family).toHaveAttribute('aria-sort', 'ascending');
  await family.getByRole('button').click();
  await expect(family).toHaveAttribute('aria-sort', 'descending');
  const firstPage = await columnOf(page, 0);
  expect(firstPage).toEqual([...firstPage].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));

  // The next page carries on where the first stopped.
  await main(page).getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: /Next/ }).click();
  await expect(status(page, new RegExp(`^Showing rows 26 to \\d+ of ${total}\\.$`))).toBeVisible();
  await expect(main(page).getByRole('link', { name: 'Page 2' })).toHaveAttribute('aria-current', 'page');
  const secondPage = await columnOf(page, 0);
  expect((secondPage[0] ?? '') <= (firstPage[firstPage.length - 1] ?? '')).toBe(true);
  await expectNoAxeViolations(page, `${USERS_REPORT}, page 2`);

  // The export: a download link, the download, and the rows written.
  await main(page).getByRole('button', { name: 'Export as CSV' }).click();
  await expect(status(page, 'Your export is ready to download.')).toBeVisible();
  await expectNoAxeViolations(page, `${USERS_REPORT}, export ready`);
  const downloading = page.waitForEvent('download');
  await main(page).getByRole('link', { name: /^Download users-positions-.*\.csv$/ }).click();
  const download = await downloading;
  const records = parse(readFileSync(await download.path(), 'utf8'));
  const headers = await table.getByRole('columnheader').allTextContents();
  expect(records[0]).toEqual(headers.map((h) => h.replace(/ [▲▼]$/, '')));
  expect(records).toHaveLength(total + 1);
  const secondPageRows = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  const csvRows = new Set(records.slice(1).map((r) => JSON.stringify(r)));
  for (const row of secondPageRows) expect(csvRows.has(JSON.stringify(row)), row.join(', ')).toBe(true);
  await expect(status(page, `Export finished: ${total} rows written.`)).toBeVisible();
});

test('rule: a clinician has no Reports on the dashboard and is refused at its address', async ({ page, app }) => {
  await logIn(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(main(page).getByRole('link', { name: 'Find an existing user' })).toBeVisible();
  await expect(main(page).getByRole('link', { name: 'Reports', exact: true })).toHaveCount(0);
  await page.goto(`${app.url}#/cim/reports`);
  await expect(pageHeading(page)).toHaveText('Reports');
  await expect(page.getByRole('alert')).toContainText('You cannot view reports');
  await expect(page.getByRole('alert')).toContainText('Your role does not allow that.');
  await expectNoAxeViolations(page, 'Reports, refused');
  await page.goto(`${app.url}#/cim/reports/users-positions`);
  await expect(page.getByRole('alert')).toContainText('Your role does not allow that.');
  await expect(main(page).getByRole('table')).toHaveCount(0);
  await expectNoAxeViolations(page, 'a report, refused');
});
