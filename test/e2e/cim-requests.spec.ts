import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { RA_AGENT } from './support/personas.js';
import { errorSummary } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Requests (domain.md: "manage requests (incl. accept/reject create/modify user requests from
// ESR)"): the RA agent opens Requests, sees what waits by kind (training seeds a change of
// details, a close request and an ESR file), accepts an ESR create-user request (the new
// person's profile exists after) and rejects another with a reason. This spec file has its own
// training app, so the decisions stay here.

useTrainingApp();

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

async function openRequests(page: Page): Promise<void> {
  // The Requests page's own address (the dashboard links to it too).
  await page.evaluate(`window.location.hash = '#/cim/requests'`);
  await expect(pageHeading(page)).toHaveText('Requests');
}

const kinds = (page: Page) => page.getByRole('navigation', { name: 'Kind of request' });

test('rule: the RA agent sees the waiting requests by kind, accepts an ESR create-user request (the profile exists after) and rejects another with a reason', async ({ page }) => {
  await logIn(page, RA_AGENT);
  await openRequests(page);
  await expect(kinds(page)).toContainText('Change of details requests (1)');
  await expect(kinds(page)).toContainText('Close or reopen requests (1)');
  await expect(kinds(page)).toContainText('ESR requests (4)');
  await expectNoAxeViolations(page, 'Requests');

  await kinds(page).getByRole('link', { name: 'ESR requests' }).click();
  await expect(page.getByRole('table')).toContainText('Olivia Bennett');
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(5);
  await expectNoAxeViolations(page, 'Requests: ESR requests');

  // Accept: the profile is created.
  await page.getByRole('link', { name: 'View ESR request about Olivia Bennett' }).click();
  await expect(pageHeading(page)).toContainText('ESR request');
  await expect(page.getByRole('main')).toContainText('TR100001A');
  await expectNoAxeViolations(page, 'ESR request');
  await page.getByRole('button', { name: 'Accept request' }).click();
  await expect(page.getByRole('alert')).toContainText('Request accepted');
  await expectNoAxeViolations(page, 'ESR request accepted');
  await page.getByRole('link', { name: "view Olivia Bennett's profile" }).click();
  await expect(pageHeading(page)).toContainText('Olivia Bennett');
  await expect(page.getByRole('main')).toContainText('TR100001A');
  await expect(page.getByRole('main')).toContainText('olivia.bennett.training@nhs.net');

  // Reject: a reason is needed, and is shown after.
  await openRequests(page);
  await expect(kinds(page)).toContainText('ESR requests (3)');
  await page.getByRole('link', { name: 'View ESR request about Daniel Okoye' }).click();
  await expect(pageHeading(page)).toContainText('ESR request');
  await page.getByRole('button', { name: 'Reject request' }).click();
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'Enter the reason for rejecting the request' })).toHaveAttribute('href', '#reject-reason');
  await expectNoAxeViolations(page, 'ESR request with an error');
  await page.getByLabel('Reason for rejecting').fill('Daniel starts at another trust');
  await page.getByRole('button', { name: 'Reject request' }).click();
  await expect(page.getByRole('alert')).toContainText('Request rejected');
  await expect(page.getByRole('main')).toContainText('Daniel starts at another trust');
  await expect(page.getByRole('button', { name: 'Accept request' })).toHaveCount(0);

  // A person who already has a profile: shown, and no Accept.
  await openRequests(page);
  await page.getByRole('link', { name: 'View ESR request about Rhys Evans' }).click();
  await expect(page.getByRole('heading', { name: 'A profile already exists for this person' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Accept request' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'ESR request for an existing person');

  // The decided ones are under their status.
  await openRequests(page);
  await page.getByRole('navigation', { name: 'Request status' }).getByRole('link', { name: 'Rejected' }).click();
  await expect(page.getByRole('table')).toContainText('Daniel Okoye');
  await expect(kinds(page)).toContainText('ESR requests (1)');
});

test('rule: the RA agent imports an ESR file from the Requests page; a file already imported adds nothing', async ({ page }) => {
  await logIn(page, RA_AGENT);
  await openRequests(page);
  await page.getByRole('link', { name: 'Import an ESR file' }).click();
  await expect(pageHeading(page)).toContainText('Import an ESR file');
  await expectNoAxeViolations(page, 'Import an ESR file');
  const record = { esrId: 'ESR-E2E-0001', kind: 'create', givenName: 'Maya', familyName: 'Lindqvist', dateOfBirth: '1993-08-09', niNumber: 'TR100009A', odsCode: 'RZZ01' };
  const file = { name: 'feed.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify([record])) };
  await page.getByLabel('ESR file').setInputFiles(file);
  await page.getByRole('button', { name: 'Import file' }).click();
  await expect(page.getByRole('alert')).toContainText('1 ESR request imported');
  await expectNoAxeViolations(page, 'ESR file imported');
  await page.getByLabel('ESR file').setInputFiles({ ...file, buffer: Buffer.from(JSON.stringify([record, { ...record, esrId: 'ESR-E2E-0002', niNumber: 'bad' }])) });
  await page.getByRole('button', { name: 'Import file' }).click();
  await expect(errorSummary(page)).toContainText('One record is not valid; nothing was imported. Record 2, niNumber: not a National Insurance number.');
  await expectNoAxeViolations(page, 'Import an ESR file with an error');
});
