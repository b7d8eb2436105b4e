import { expect, type Locator, type Page } from '@playwright/test';
import type { Persona } from './personas.js';
import { enterPasscode, insertCard, pageHeading, removeCard, trainingPanel } from './workstation.js';

// Steps shared by the unlock specs, through the page's accessible names only.

/** Far from any training passcode, so it is always wrong. */
export const WRONG_PASSCODE = '80421957';

export const outbox = (page: Page): Locator => trainingPanel(page).getByRole('region', { name: 'Outbox' });

/** The security code in the newest outbox message (what a trainee reads off the panel). */
export async function readSecurityCode(page: Page): Promise<string> {
  const newest = outbox(page).getByRole('listitem').first();
  await expect(newest).toContainText(/\b\d{6}\b/);
  const code = /\b(\d{6})\b/.exec(await newest.innerText())?.[1];
  if (!code) throw new Error('no security code in the newest outbox message');
  return code;
}

/** A six-digit code that is certainly not `code`. */
export function otherCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/** Three wrong passcodes, as a forgetful holder would: the card ends locked and is taken out. */
export async function lockCard(page: Page, persona: Persona, reader: 1 | 2): Promise<void> {
  await insertCard(page, persona, reader);
  await expect(pageHeading(page)).toContainText(persona.name);
  for (let i = 0; i < 3; i++) await enterPasscode(page, WRONG_PASSCODE);
  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
  await removeCard(page, persona);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
}

/** "Choose a new passcode": both fields, then Continue. */
export async function chooseNewPasscode(page: Page, next: string, confirm = next): Promise<void> {
  await expect(pageHeading(page)).toContainText('Choose a new passcode');
  await page.getByLabel('New passcode', { exact: true }).fill(next);
  await page.getByLabel('Confirm new passcode', { exact: true }).fill(confirm);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
}

export const errorSummary = (page: Page): Locator => page.locator('.nhsuk-error-summary');
