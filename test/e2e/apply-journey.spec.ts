import type { Page } from '@playwright/test';
import { asHolder, confirmDetails, drawnImage, fillPersonalDetails, followOutboxLink, fullName, openApplyForCareId, openCheck, openTab, proveIdentity, reached, setQueryEmail, submitApplication, type Applicant, type Images } from './support/apply.js';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { ID_CHECKER, RA_AGENT, SPONSOR } from './support/personas.js';
import { BLANK_CARD_1, issueInsertedCard, main, mainButton } from './support/smartcards.js';
import { insertCard, logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// Apply for Care ID end to end, in training (seed 003): the sponsor (Grace Okafor) sets the email
// address for applicants' queries with the code from the outbox and applies for a new member of
// staff; the applicant follows the emailed and texted links from the outbox, in a new tab on the
// identity service, confirms their details and address and uploads a passport and a face photo;
// the ID checker (Imran Qureshi) views them and approves; the profile exists with the position;
// the RA issues the smartcard and marks it posted; the sponsor's dashboard follows it all. Then a
// duplicate, a rejection and bad input. The tests share one training app, in order.

useTrainingApp();
test.describe.configure({ mode: 'serial' });
// A control that never appears fails the step quickly instead of the whole long journey's time.
test.use({ actionTimeout: 15_000 });

const QUERY_EMAIL = 'ward7-sponsors@nhs.net';

const AISHA: Applicant = { givenName: 'Aisha', familyName: 'Kowalczyk', day: '14', month: '2', year: '1991', niNumber: 'AB 12 34 56 C', email: 'aisha.kowalczyk@applicant.example', mobile: '07700 900 321' };
/** Daniel Moss already has a profile (src-service/seed/training-users.ts): same NI number and date of birth. */
const DANIEL_AGAIN: Applicant = { givenName: 'Dan', familyName: 'Moss', day: '17', month: '1', year: '1992', niNumber: 'TR 00 01 02 A', email: 'dan.moss@applicant.example', mobile: '07700 900 322' };
const BEN: Applicant = { givenName: 'Benedict', familyName: 'Arkwright', day: '3', month: '11', year: '1987', niNumber: 'CE 65 43 21 B', email: 'ben.arkwright@applicant.example', mobile: '07700 900 323' };
const ZARA: Applicant = { givenName: 'Zara', familyName: 'Lindqvist', day: '9', month: '6', year: '1995', niNumber: 'JG 10 20 30 D', email: 'zara.lindqvist@applicant.example', mobile: '07700 900 324' };

const REJECTION = 'The passport photo is blurred: the name cannot be read. Please apply again with a clear photo.';

let images: Images;

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
  images ??= { document: await drawnImage(page, 'image/png', 120), face: await drawnImage(page, 'image/jpeg', 160) };
});

/** Signed in as the sponsor, on the dashboard, with the query email set (by the first test, or now when run alone). */
async function sponsorDashboard(page: Page): Promise<void> {
  await logIn(page, SPONSOR, 1);
  await openApplyForCareId(page);
  if ((await page.getByRole('button', { name: 'Go to settings', exact: true }).count()) > 0) await setQueryEmail(page, QUERY_EMAIL);
}

async function switchTo(page: Page, persona: typeof SPONSOR): Promise<void> {
  await removeEveryCard(page);
  await logIn(page, persona, 1);
}

test('rule: a sponsor applies, the applicant confirms and uploads through the outbox links, the ID checker approves, the profile has the position, the RA issues and posts the card, and the dashboard follows', async ({ page }) => {
  test.setTimeout(300_000);
  expect(images.document.length, 'the document image is over MIN_UPLOAD_BYTES').toBeGreaterThan(10 * 1024);
  expect(images.face.length, 'the face photo is over MIN_UPLOAD_BYTES').toBeGreaterThan(10 * 1024);

  // The sponsor: Apply for Care ID from the CIM home, the smartcard session, settings first.
  await logIn(page, SPONSOR, 1);
  await openApplyForCareId(page);
  await setQueryEmail(page, QUERY_EMAIL);
  await submitApplication(page, AISHA, true);
  await reached(page, 'Application submitted', 'New application: submitted');
  const reference = /ACI-[0-9A-Z]{8}/.exec(await main(page).innerText())?.[0] ?? '';
  expect(reference).toMatch(/^ACI-[0-9A-HJ-NP-Z]{8}$/);

  // The applicant: the emailed link, then the texted one, each from the outbox in a new tab.
  const detailsUrl = await confirmDetails(page, AISHA, true);
  const { url: identityUrl, progress } = await proveIdentity(page, images);
  expect(progress.join('\n'), 'the upload page said how far each upload had got').toMatch(/Uploading: \d+% sent\./);
  expect(progress).toContain('Upload finished.');
  // Each link works once.
  const again = await page.context().newPage();
  for (const url of [detailsUrl, identityUrl]) {
    await again.goto(url);
    await reached(again, 'This link has already been used', 'Applicant: a used link');
  }
  await again.close();

  // The ID checker: the application, its documents, Approve with a confirmation.
  await switchTo(page, ID_CHECKER);
  await expect(page.getByRole('link', { name: 'Cards to issue', exact: true }), 'an ID checker issues no cards').toHaveCount(0);
  await openCheck(page, fullName(AISHA));
  await expect(main(page)).toContainText('AB123456C');
  await expect(main(page)).toContainText('LS1 3EX');
  await expect(main(page)).toContainText('Staff Nurse at Training General Hospital');
  await main(page).getByRole('button', { name: 'View passport' }).click();
  const passport = main(page).getByRole('img', { name: `Passport uploaded by ${fullName(AISHA)}` });
  await expect(passport).toBeVisible();
  expect(await passport.getAttribute('src')).toMatch(/^blob:/);
  await expect.poll(() => page.evaluate<number>("document.querySelector('img.app-document-viewer__image')?.naturalWidth ?? 0"), 'the image decodes').toBe(120);
  await expectNoAxeViolations(page, 'Check an application: the passport shown');
  await main(page).getByRole('button', { name: 'View photograph of your face' }).click();
  await expect(main(page).getByRole('img', { name: `Photograph of your face uploaded by ${fullName(AISHA)}` })).toBeVisible();
  await expect(passport).toHaveCount(0);
  await mainButton(page, 'Approve').click();
  await reached(page, `Check the application of ${fullName(AISHA)}`, 'Check an application: confirm approval');
  await expect(main(page).getByRole('heading', { name: 'Approve this application' })).toBeVisible();
  await mainButton(page, 'Confirm approval').click();
  await expect(main(page).getByRole('alert')).toContainText('Application approved');
  await expectNoAxeViolations(page, 'Check an application: approved');

  // The profile exists, with the position asked for.
  await page.evaluate("window.location.hash = '#/cim/find-user'");
  await reached(page, 'Find an existing user', 'Find an existing user');
  await page.getByLabel('Name', { exact: true }).fill(fullName(AISHA));
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: `View profile of ${fullName(AISHA)}`, exact: true }).click();
  await reached(page, fullName(AISHA), 'The new profile');
  await page.getByRole('link', { name: 'Positions', exact: true }).click();
  await expect(main(page)).toContainText('Staff Nurse');
  await expect(main(page)).toContainText('Training General Hospital');

  // The sponsor's dashboard: Approved.
  await switchTo(page, SPONSOR);
  await openApplyForCareId(page);
  await openTab(page, 'Approved');
  await expect(main(page).getByRole('row').filter({ hasText: reference })).toContainText(fullName(AISHA));

  // The RA: Cards to issue -> Issue smartcard (a blank card in reader 2) -> Mark as posted.
  await switchTo(page, RA_AGENT);
  await page.getByRole('link', { name: 'Cards to issue', exact: true }).click();
  await reached(page, 'Cards to issue', 'Cards to issue');
  const row = main(page).getByRole('row').filter({ hasText: fullName(AISHA) });
  await expect(row).toContainText('Ward 7, Training General Hospital, Leeds, LS1 3EX');
  await expect(row.getByRole('cell').last()).toContainText(/^No/);
  await row.getByRole('link', { name: `Issue smartcard to ${fullName(AISHA)}` }).click();
  await expect(pageHeading(page)).toContainText('Issue a smartcard');
  await insertCard(page, BLANK_CARD_1, 2);
  await issueInsertedCard(page, asHolder(AISHA), '24681357');
  await page.evaluate("window.location.hash = '#/cim/cards-to-issue'");
  await reached(page, 'Cards to issue', 'Cards to issue: card issued');
  await expect(row.getByRole('cell').last()).toContainText(/^Yes/);
  await row.getByRole('button', { name: /^Mark as posted/ }).click();
  await expect(main(page).getByRole('alert')).toContainText(`Smartcard for ${fullName(AISHA)} marked as posted`);
  await expect(row).toHaveCount(0);
  await expectNoAxeViolations(page, 'Cards to issue: posted');

  // The sponsor: the application has left Approved for Marked as done.
  await switchTo(page, SPONSOR);
  await openApplyForCareId(page);
  await openTab(page, 'Marked as done');
  await expect(main(page).getByRole('row').filter({ hasText: reference })).toContainText(fullName(AISHA));
});

test('rule: an applicant whose NI number and date of birth are already on a profile lands in Duplicates, with no links sent', async ({ page }) => {
  await sponsorDashboard(page);
  await submitApplication(page, DANIEL_AGAIN, true);
  await reached(page, 'A Smartcard profile already exists', 'New application: a duplicate');
  await expect(main(page)).toContainText(`for ${fullName(DANIEL_AGAIN)} is in Duplicates`);
  await expect(page.getByRole('region', { name: 'Outbox' }), 'no link was sent').not.toContainText(DANIEL_AGAIN.email);
  await page.evaluate("window.location.hash = '#/apply/home'");
  await reached(page, 'Your applications', 'Apply for Care ID: your applications after a duplicate');
  await openTab(page, 'Duplicates');
  await expect(main(page).getByRole('row').filter({ hasText: fullName(DANIEL_AGAIN) })).toHaveCount(1);
});

test('rule: a rejected application shows its reason to the sponsor, who marks it as done', async ({ page }) => {
  test.setTimeout(180_000);
  await sponsorDashboard(page);
  await submitApplication(page, BEN, false);
  await reached(page, 'Application submitted', 'New application: submitted (address given)');
  await confirmDetails(page, BEN, false);
  await proveIdentity(page, images);

  await switchTo(page, ID_CHECKER);
  await openCheck(page, fullName(BEN));
  await main(page).getByRole('button', { name: 'Reject application' }).click();
  await expect(page.locator('.nhsuk-error-summary').getByRole('link', { name: 'Enter the reason for rejecting the application' })).toBeVisible();
  await expect(page.locator('.nhsuk-error-summary')).toBeFocused();
  await expectNoAxeViolations(page, 'Check an application: reject without a reason');
  await page.getByLabel('Reason for rejecting').fill(REJECTION);
  await main(page).getByRole('button', { name: 'Reject application' }).click();
  await expect(main(page).getByRole('alert')).toContainText('Application rejected');
  await expectNoAxeViolations(page, 'Check an application: rejected');

  await switchTo(page, SPONSOR);
  await openApplyForCareId(page);
  await openTab(page, 'Rejected');
  const row = main(page).getByRole('row').filter({ hasText: fullName(BEN) });
  await expect(row).toContainText(REJECTION);
  await row.getByRole('button', { name: `Mark as done for ${fullName(BEN)}` }).click();
  await expect(main(page)).toContainText(`${fullName(BEN)} has been marked as done.`);
  await expect(row).toHaveCount(0);
  await openTab(page, 'Marked as done');
  await expect(main(page).getByRole('row').filter({ hasText: fullName(BEN) })).toHaveCount(1);
});

test('rule: bad input and oversized or wrong uploads are refused with clear errors, and nothing reaches the ID check', async ({ page }) => {
  test.setTimeout(180_000);
  await sponsorDashboard(page);
  // The sponsor's form: a bad NI number and mobile are named, and nothing is submitted.
  await page.getByRole('button', { name: 'New application', exact: true }).click();
  await reached(page, "Applicant's personal details", 'New application: personal details');
  await fillPersonalDetails(page, { ...ZARA, niNumber: 'ZZ 12', mobile: '12345' });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  const problems = page.locator('.nhsuk-error-summary');
  await expect(problems).toBeFocused();
  await expect(problems.getByRole('link', { name: 'Enter a National Insurance number in the correct format, like AB 12 34 56 C' })).toBeVisible();
  await expect(problems.getByRole('link', { name: 'Enter a UK mobile number, like 07700 900 123' })).toBeVisible();
  await expect(pageHeading(page)).toContainText("Applicant's personal details");
  await expectNoAxeViolations(page, 'New application: personal details with errors');

  await page.evaluate("window.location.hash = '#/apply/home'");
  await reached(page, 'Your applications', 'Apply for Care ID: your applications');
  await submitApplication(page, ZARA, false);
  await reached(page, 'Application submitted', 'New application: submitted');

  // The applicant's upload: too big, not an image, too small; each said in words, nothing kept.
  const { tab } = await followOutboxLink(page, 'Prove your identity for your Care ID application');
  await reached(tab, 'Prove your identity for your Care ID application', 'Applicant: identity link');
  await tab.getByRole('button', { name: 'Continue', exact: true }).click();
  await tab.getByRole('button', { name: 'Continue', exact: true }).click();
  await reached(tab, 'Which identity document will you upload?', 'Applicant: choose a document with an error');
  await expect(tab.locator('.nhsuk-error-summary')).toContainText('Select the identity document you will upload');
  await tab.getByRole('radio', { name: 'Passport' }).check();
  await tab.getByRole('button', { name: 'Continue', exact: true }).click();
  const file = tab.getByLabel('Photo of your passport');
  const tryUpload = async (name: string, mimeType: string, buffer: Buffer, problem: string): Promise<void> => {
    await file.setInputFiles({ name, mimeType, buffer });
    await tab.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect(tab.locator('.nhsuk-error-summary')).toContainText(problem);
    await reached(tab, 'Upload a photo of your passport', `Applicant: upload refused (${problem})`);
  };
  const oversized = Buffer.concat([images.document, Buffer.alloc(10 * 1024 * 1024 + 1024)]);
  await tryUpload('huge.png', 'image/png', oversized, 'The selected file must be smaller than 10 MB');
  await tryUpload('notes.png', 'image/png', Buffer.from('Not an image at all. '.repeat(1000)), 'The selected file must be a JPEG or PNG image');
  await tryUpload('tiny.png', 'image/png', images.document.subarray(0, 2048), 'too small');
  await tab.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(tab.locator('.nhsuk-error-summary')).toContainText('Select a photo of your document to upload');
  // A link that was never sent.
  await tab.goto(`${new URL(tab.url()).origin}/apply/link/not-a-real-link`);
  await expect(pageHeading(tab)).toBeVisible();
  await expectNoAxeViolations(tab, 'Applicant: an unknown link');
  await tab.close();

  // Nothing reached the ID checker: Zara has sent no documents.
  await switchTo(page, ID_CHECKER);
  await page.getByRole('link', { name: 'Check applications', exact: true }).click();
  await reached(page, 'Check applications', 'Check applications');
  await expect(main(page)).not.toContainText(fullName(ZARA));
});
