import { expect, type Locator, type Page } from '@playwright/test';
import { ANNOUNCEMENTS, RECORD_ANNOUNCEMENTS } from './in-page.js';
import type { Persona } from './personas.js';
import type { TrainingApp } from './training-app.js';

// What a trainee does, step by step, through the page's accessible names only.

export const trainingPanel = (page: Page): Locator => page.getByRole('region', { name: 'Training cards' });
export const identityAgent = (page: Page): Locator => page.getByRole('region', { name: 'Identity Agent' });
export const pageHeading = (page: Page): Locator => page.getByRole('heading', { level: 1 });
export const passcodeField = (page: Page): Locator => page.getByLabel('Passcode', { exact: true });
export const okButton = (page: Page): Locator => page.getByRole('button', { name: 'OK', exact: true });

export async function openWorkstation(page: Page, app: TrainingApp): Promise<void> {
  await page.goto(app.url);
  await expect(trainingPanel(page)).toBeVisible();
}

export async function insertCard(page: Page, persona: Persona, reader: 1 | 2): Promise<void> {
  await trainingPanel(page)
    .getByRole('button', { name: `Insert into reader ${reader} (${persona.role}: ${persona.name})`, exact: true })
    .click();
}

export async function removeCard(page: Page, persona: Persona): Promise<void> {
  await trainingPanel(page).getByRole('button', { name: `Remove (${persona.role}: ${persona.name})`, exact: true }).click();
}

/** Takes every training card out, so a test starts from "Insert your smartcard". */
export async function removeEveryCard(page: Page): Promise<void> {
  const removes = trainingPanel(page).getByRole('button', { name: /^Remove \(/ });
  while ((await removes.count()) > 0) {
    const before = await removes.count();
    await removes.first().click();
    await expect(removes).toHaveCount(before - 1);
  }
}

export async function enterPasscode(page: Page, passcode: string): Promise<void> {
  await passcodeField(page).fill(passcode);
  await okButton(page).click();
}

export async function choosePosition(page: Page, persona: Persona): Promise<void> {
  await expect(pageHeading(page)).toHaveText('Choose your organisation');
  await page.getByRole('radio', { name: `${persona.organisation} — ${persona.position}`, exact: true }).check();
  await okButton(page).click();
}

/** Insert, passcode, OK, organisation, OK: the seed 003 login, ending at the Identity Agent box. */
export async function logIn(page: Page, persona: Persona, reader: 1 | 2 = 1): Promise<void> {
  await insertCard(page, persona, reader);
  await expect(pageHeading(page)).toContainText(persona.name);
  await enterPasscode(page, persona.passcode);
  await choosePosition(page, persona);
  await expect(identityAgent(page)).toContainText(persona.name);
}

/** Call before the change; then `expect.poll(() => announcements(page))`. */
export async function recordAnnouncements(page: Page): Promise<void> {
  await page.evaluate(RECORD_ANNOUNCEMENTS);
}

export async function announcements(page: Page): Promise<string> {
  return (await page.evaluate<string[]>(ANNOUNCEMENTS)).join('\n');
}
