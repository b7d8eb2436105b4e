import { expect, type Locator, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe.js';
import type { Persona } from './personas.js';
import { errorSummary, outbox, readSecurityCode } from './unlocking.js';
import { pageHeading } from './workstation.js';

// Apply for Care ID as its three people meet it: the sponsor's pages in the workstation, the
// applicant's pages on the identity service (opened from the links in the training outbox, in a
// new tab), and the ID checker's pages in CIM. Every page is checked with axe as it is reached.

export interface Applicant {
  readonly givenName: string;
  readonly familyName: string;
  readonly day: string;
  readonly month: string;
  readonly year: string;
  readonly niNumber: string;
  readonly email: string;
  readonly mobile: string;
}

export const fullName = (a: Applicant): string => `${a.givenName} ${a.familyName}`;
/** An applicant as a Persona, for the steps (issuing a card) that name the holder. */
export const asHolder = (a: Applicant): Persona => ({ role: 'Applicant', name: fullName(a), passcode: '', organisation: 'Training General Hospital', position: 'Staff Nurse' });

const button = (page: Page, name: string): Locator => page.getByRole('button', { name, exact: true });

/** The page's heading says `text`, has focus, and the page passes axe. */
export async function reached(page: Page, text: string | RegExp, screen: string): Promise<void> {
  await expect(pageHeading(page)).toContainText(text);
  await expectNoAxeViolations(page, screen);
}

/** CIM home -> Apply for Care ID -> Start -> (Log in: Smartcard, Remember my selection) -> the dashboard. */
export async function openApplyForCareId(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Apply for Care ID', exact: true }).click();
  await reached(page, 'Apply for Care ID', 'Apply for Care ID: start');
  await button(page, 'Start').click();
  await expect(pageHeading(page)).toContainText(/Log in|Your applications/);
  if ((await pageHeading(page).innerText()).includes('Log in')) {
    await expectNoAxeViolations(page, 'Apply for Care ID: log in');
    await page.getByRole('radio', { name: 'Smartcard' }).check();
    await page.getByRole('checkbox', { name: 'Remember my selection' }).check();
    await button(page, 'Continue').click();
  }
  await reached(page, 'Your applications', 'Apply for Care ID: your applications');
}

/** First use: Go to settings -> Change -> a different address -> the code from the outbox -> Home. */
export async function setQueryEmail(page: Page, email: string): Promise<void> {
  await button(page, 'Go to settings').click();
  await reached(page, 'Settings', 'Apply for Care ID: settings');
  await page.getByRole('link', { name: 'Change email address' }).click();
  await reached(page, /Email address for applicants/, 'Apply for Care ID: email address for queries');
  await page.getByRole('radio', { name: 'Use a different email address' }).check();
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await button(page, 'Continue').click();
  await reached(page, 'Enter the security code', 'Apply for Care ID: security code');
  await page.getByLabel('Security code', { exact: true }).fill(await readSecurityCode(page));
  await button(page, 'Continue').click();
  await reached(page, 'Email address saved', 'Apply for Care ID: email address saved');
  await button(page, 'Home').click();
  await reached(page, 'Your applications', 'Apply for Care ID: your applications with a query email');
}

/** The personal details page, filled in. */
export async function fillPersonalDetails(page: Page, a: Applicant): Promise<void> {
  await page.getByLabel('Given name').fill(a.givenName);
  await page.getByLabel('Family name').fill(a.familyName);
  await page.getByLabel('Day').fill(a.day);
  await page.getByLabel('Month').fill(a.month);
  await page.getByLabel('Year').fill(a.year);
  await page.getByLabel('National Insurance number').fill(a.niNumber);
  await page.getByLabel('Email address').fill(a.email);
  await page.getByLabel('Mobile number').fill(a.mobile);
}

/**
 * From the dashboard: New application -> personal details -> delivery address (the applicant
 * gives it, or the sponsor does now) -> Notes (a Staff Nurse position) -> Check your answers ->
 * Submit. Ends on the page the submission lands on.
 */
export async function submitApplication(page: Page, a: Applicant, applicantGivesAddress: boolean): Promise<void> {
  await button(page, 'New application').click();
  await reached(page, "Applicant's personal details", 'New application: personal details');
  await fillPersonalDetails(page, a);
  await button(page, 'Continue').click();
  await reached(page, 'Delivery address', 'New application: delivery address choice');
  await page.getByRole('radio', { name: applicantGivesAddress ? 'Yes' : 'No' }).check();
  await button(page, 'Continue').click();
  if (!applicantGivesAddress) {
    await reached(page, 'Where should the smartcard be sent?', 'New application: delivery address');
    await page.getByLabel('Address line 1').fill('Ward 7, Training General Hospital');
    await page.getByLabel('Town or city').fill('Leeds');
    await page.getByLabel('Postcode').fill('LS1 3EX');
    await button(page, 'Continue').click();
  }
  await reached(page, 'Notes', 'New application: notes');
  await page.getByRole('radio', { name: 'An access position' }).check();
  await page.getByLabel('Access position', { exact: true }).selectOption({ label: 'Staff Nurse (Nurse Access Role)' });
  await page.getByLabel('Notes (optional)').fill('Starts on ward 7 next month.');
  await button(page, 'Continue').click();
  await reached(page, 'Check your answers', 'New application: check your answers');
  await button(page, 'Submit').click();
}

/** The newest outbox message containing `words`: its link, followed into a new tab. */
export async function followOutboxLink(page: Page, words: string): Promise<{ tab: Page; url: string }> {
  const message = outbox(page).getByRole('listitem').filter({ hasText: words }).first();
  const link = message.getByRole('link');
  await expect(link).toHaveAttribute('target', '_blank');
  const url = (await link.getAttribute('href')) ?? '';
  const [tab] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  await tab.waitForLoadState();
  return { tab, url };
}

/** The emailed link: check your details -> (the delivery address) -> Check your answers -> Confirm. */
export async function confirmDetails(page: Page, a: Applicant, withAddress: boolean): Promise<string> {
  const { tab, url } = await followOutboxLink(page, `Dear ${a.givenName},`);
  await reached(tab, 'Confirm your details for your Care ID application', 'Applicant: details link');
  await button(tab, 'Continue').click();
  await reached(tab, 'Check your details', 'Applicant: check your details');
  await expect(tab.getByRole('main')).toContainText(a.email);
  await tab.getByRole('button', { name: 'These details are correct' }).click();
  if (withAddress) {
    await reached(tab, 'Where should your smartcard be sent?', 'Applicant: delivery address');
    await tab.getByRole('button', { name: 'Save and continue' }).click();
    await expect(errorSummary(tab)).toBeVisible();
    await reached(tab, 'Where should your smartcard be sent?', 'Applicant: delivery address with errors');
    await tab.getByLabel('Address line 1').fill('Ward 7, Training General Hospital');
    await tab.getByLabel('Town or city').fill('Leeds');
    await tab.getByLabel('Postcode').fill('ls1 3ex');
    await tab.getByRole('button', { name: 'Save and continue' }).click();
  }
  await reached(tab, 'Check your answers', 'Applicant: details, check your answers');
  await button(tab, 'Confirm').click();
  await reached(tab, 'Details confirmed', 'Applicant: details confirmed');
  await tab.close();
  return url;
}

/** Records what an upload page's live region says, across the navigations an upload makes. */
async function recordUploadProgress(tab: Page): Promise<string[]> {
  const said: string[] = [];
  await tab.exposeFunction('recordUploadProgress', (text: string) => said.push(text));
  await tab.addInitScript(`document.addEventListener('DOMContentLoaded', () => {
    const live = document.getElementById('upload-live');
    if (!live) return;
    new MutationObserver(() => { if (live.textContent) window.recordUploadProgress(live.textContent); }).observe(live, { childList: true, characterData: true, subtree: true });
  });`);
  return said;
}

/** Images drawn by the browser (noise, so they do not compress below MIN_UPLOAD_BYTES). */
export async function drawnImage(page: Page, type: 'image/png' | 'image/jpeg', size: number): Promise<Buffer> {
  const base64 = await page.evaluate<string>(`new Promise((resolve) => {
    const canvas = document.createElement('canvas');
    canvas.width = ${size};
    canvas.height = ${size};
    const c = canvas.getContext('2d');
    const image = c.createImageData(${size}, ${size});
    for (let i = 0; i < image.data.length; i++) image.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
    c.putImageData(image, 0, 0);
    canvas.toBlob((blob) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(',')[1]);
      reader.readAsDataURL(blob);
    }, '${type}', 0.95);
  })`);
  return Buffer.from(base64, 'base64');
}

export interface Images {
  readonly document: Buffer;
  readonly face: Buffer;
}

/** The texted link: document type -> the document's image -> the face photo (progress seen) -> Check your answers -> Submit. */
export async function proveIdentity(page: Page, images: Images): Promise<{ url: string; progress: string[] }> {
  const { tab, url } = await followOutboxLink(page, 'Prove your identity for your Care ID application');
  const progress = await recordUploadProgress(tab);
  await reached(tab, 'Prove your identity for your Care ID application', 'Applicant: identity link');
  await button(tab, 'Continue').click();
  await reached(tab, 'Which identity document will you upload?', 'Applicant: choose a document');
  await tab.getByRole('radio', { name: 'Passport' }).check();
  await button(tab, 'Continue').click();
  await reached(tab, 'Upload a photo of your passport', 'Applicant: upload the document');
  await tab.getByLabel('Photo of your passport').setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: images.document });
  await button(tab, 'Upload').click();
  await reached(tab, 'Upload a photograph of your face', 'Applicant: upload the face photo');
  await expect(tab.getByRole('main')).toContainText('This photograph will be printed on your smartcard');
  await tab.getByLabel('Photograph of your face').setInputFiles({ name: 'face.jpg', mimeType: 'image/jpeg', buffer: images.face });
  await button(tab, 'Upload').click();
  await reached(tab, 'Check your answers', 'Applicant: identity, check your answers');
  await expect(tab.getByRole('main')).toContainText('uploaded: photograph');
  await button(tab, 'Submit').click();
  await reached(tab, 'Identity documents sent', 'Applicant: identity documents sent');
  await tab.close();
  return { url, progress };
}

/** CIM home -> Check applications -> the applicant's check page. */
export async function openCheck(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name: 'Check applications', exact: true }).click();
  await reached(page, 'Check applications', 'Check applications');
  await page.getByRole('link', { name: `Check the application of ${name}`, exact: true }).click();
  await reached(page, `Check the application of ${name}`, 'Check an application');
}

/** The dashboard's tab named `tab` (its link reads "Approved (2)"). */
export async function openTab(page: Page, tab: string): Promise<void> {
  await page.getByRole('link', { name: new RegExp(`^${tab} \\(\\d+\\)$`) }).click();
  await expect(page.getByRole('link', { name: new RegExp(`^${tab} \\(\\d+\\)$`) })).toHaveAttribute('aria-current', 'page');
  await expectNoAxeViolations(page, `Apply for Care ID: ${tab} tab`);
}
