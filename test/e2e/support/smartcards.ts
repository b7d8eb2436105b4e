import { expect, type Locator, type Page } from '@playwright/test';
import { recordStatusTexts, STATUS_TEXTS } from './in-page.js';
import type { Persona } from './personas.js';
import { choosePosition, enterPasscode, identityAgent, insertCard, pageHeading, trainingPanel } from './workstation.js';

// The smartcard lifecycle as RA staff meet it: a user's Smartcards tab, and the training panel's
// blank cards and "Delete certificate".

/** A training blank card, as the panel lists it (role and name make its buttons' names). */
export const BLANK_CARD_1: Persona = { role: 'Blank card', name: 'Blank card 1', passcode: '123456', organisation: '', position: '' };
export const BLANK_CARD_2: Persona = { role: 'Blank card', name: 'Blank card 2', passcode: '123456', organisation: '', position: '' };

export const CANCELLED_WORDS = 'This smartcard has been cancelled. Contact your Registration Authority.';

export const main = (page: Page): Locator => page.getByRole('main');
export const mainButton = (page: Page, name: string): Locator => main(page).getByRole('button', { name, exact: true });

/** Find an existing user (from the dashboard, or by its address from any other page) -> their profile -> the Smartcards tab. */
export async function openSmartcardsTab(page: Page, name: string): Promise<void> {
  const findUser = page.getByRole('link', { name: 'Find an existing user', exact: true });
  if ((await findUser.count()) > 0) await findUser.click();
  else await page.evaluate("window.location.hash = '#/cim/find-user'");
  await expect(pageHeading(page)).toHaveText('Find an existing user');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: `View profile of ${name}`, exact: true }).click();
  await expect(pageHeading(page)).toContainText(name);
  await page.getByRole('link', { name: 'Smartcards', exact: true }).click();
  await expect(main(page).getByRole('heading', { name: 'Smartcards', level: 2 })).toBeVisible();
}

/** The row of the Smartcards table for the card with this serial number. */
export const cardRow = (page: Page, serial: string): Locator =>
  main(page).getByRole('row').filter({ has: page.getByRole('cell', { name: serial, exact: true }) });

/** A card action link ("Repair", "Clear", "Cancel") on the Smartcards tab. */
export const cardAction = (scope: Locator, action: 'Repair' | 'Clear' | 'Cancel'): Locator => scope.getByRole('link', { name: new RegExp(`^${action} smartcard \\d+$`) });

/** Delete a training card's certificate object from the training panel. */
export async function damageCertificate(page: Page, persona: Persona): Promise<void> {
  await trainingPanel(page).getByRole('button', { name: `Delete certificate (${persona.role}: ${persona.name})`, exact: true }).click();
}

/** The holder logs in with `card` in reader 1 and the passcode they chose. */
export async function logInWithCard(page: Page, card: Persona, holder: Persona, passcode: string): Promise<void> {
  await insertCard(page, card, 1);
  await expect(pageHeading(page)).toContainText(holder.name);
  await enterPasscode(page, passcode);
  await choosePosition(page, holder);
  await expect(identityAgent(page)).toContainText(holder.name);
}

/** What the progress page's live region said, in order, since the card job began (issueInsertedCard records it). */
export const progressAnnouncements = (page: Page): Promise<string[]> => page.evaluate<string[]>(STATUS_TEXTS);

/** On "Issue a smartcard", from the insert step: the card read, the passcode typed twice, the card issued. Returns the card's serial. */
export async function issueInsertedCard(page: Page, holder: Persona, passcode: string): Promise<string> {
  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).toContainText(`Ask ${holder.name} to choose a passcode`);
  await expect(main(page)).toContainText('A blank smartcard');
  const serial = (await main(page).locator('.nhsuk-summary-list__row').filter({ hasText: 'Serial number' }).locator('dd').innerText()).trim();
  await page.getByLabel('Passcode', { exact: true }).fill(passcode);
  await page.getByLabel('Confirm passcode', { exact: true }).fill(passcode);
  await page.evaluate(recordStatusTexts('[role="status"].nhsuk-body-l'));
  await mainButton(page, 'Issue smartcard').click();
  await expect(pageHeading(page)).toHaveText('Smartcard issued successfully', { timeout: 30_000 });
  return serial;
}
