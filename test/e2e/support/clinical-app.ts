import { expect, type Locator, type Page } from '@playwright/test';
import { trainingPanel } from './workstation.js';

// The training relying parties ("Training clinical app", "Training prescribing app"), as a
// trainee meets them: a link in the training panel opens one in a new tab; its page says who is
// signed in and at what assurance, or offers "Sign in".

export type ClinicalAppName = 'Training clinical app' | 'Training prescribing app';

const errorsIn = new WeakMap<Page, string[]>();

/** Clicks "Open the <app>" in the training panel; the app's tab (its errors recorded from then on). */
export async function openClinicalApp(page: Page, name: ClinicalAppName): Promise<Page> {
  const opened = page.context().waitForEvent('page');
  await trainingPanel(page).getByRole('link', { name: new RegExp(`^Open the ${name}`) }).click();
  const tab = await opened;
  const errors: string[] = [];
  errorsIn.set(tab, errors);
  tab.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  tab.on('response', (response) => {
    if (response.status() >= 400 && response.request().method() === 'GET') errors.push(`${response.status()} for ${response.url()}`);
  });
  tab.on('console', (message) => {
    // The browser asks each origin for /favicon.ico by itself; the pages name no icon.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(`console error at ${tab.url()}: ${message.text()} (${message.location().url})`);
  });
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText(name);
  return tab;
}

/** Where the app was opened from the panel: http://localhost:<port>. */
export async function clinicalAppUrl(page: Page, name: ClinicalAppName): Promise<string> {
  const href = await trainingPanel(page).getByRole('link', { name: new RegExp(`^Open the ${name}`) }).getAttribute('href');
  if (!href) throw new Error(`the training panel has no link to the ${name}`);
  return href.replace(/\/$/, '');
}

/** The sign-in page's smartcard section says what the Identity Agent answered. */
export const smartcardStatus = (tab: Page): Locator => tab.locator('#smartcard-sign-in').getByRole('status');
export const signedInLine = (tab: Page): Locator => tab.getByText(/^Signed in as /);
const signedOutLine = (tab: Page): Locator => tab.getByText(/^Signed out by the identity service|^You signed out/);
export const signInButton = (tab: Page): Locator => tab.getByRole('button', { name: 'Sign in', exact: true });
export const signOutButton = (tab: Page): Locator => tab.getByRole('button', { name: 'Sign out', exact: true });

/** The app learns of a back-channel logout at once, but shows it on its next page load. */
export async function expectSignedOutByBackChannel(tab: Page, timeout = 3_000): Promise<void> {
  await expect
    .poll(
      async () => {
        await tab.reload();
        return (await signedOutLine(tab).count()) > 0 ? await signedOutLine(tab).innerText() : '';
      },
      { timeout, intervals: [100, 200, 250] },
    )
    .toMatch(/^Signed out by the identity service \(back-channel logout\) at \d\d:\d\d:\d\d/);
  await expect(signedInLine(tab)).toHaveCount(0);
  await expect(signInButton(tab)).toBeVisible();
}

/** The app's pages and the service's sign-in pages in `tab` logged no errors (a CSP violation is one). */
export function expectNoErrorsIn(tab: Page): void {
  expect(errorsIn.get(tab) ?? ['the tab was not opened with openClinicalApp'], 'the pages in the app tab must log no errors').toEqual([]);
}
