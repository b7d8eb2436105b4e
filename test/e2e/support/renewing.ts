import { expect, type Locator, type Page } from '@playwright/test';
import type { StateJson } from './agent-link-tap.js';
import { identityAgent, insertCard, pageHeading, passcodeField } from './workstation.js';
import type { Persona } from './personas.js';

// Steps shared by the renewal specs, through the page's accessible names only.

export const RENEWED = 'Smartcard renewed successfully';

/** Renewal writes a new key and certificate on the card: slower than a login. */
export const RENEWAL_TIMEOUT_MS = 30_000;

/** "in 45 days, on 12 March 2026" as the Smartcard Expiry Notification words it. */
export const NOTICE_WORDS = /The certificates on your smartcard expire in \d+ days?, on \d{1,2} \w+ \d{4}\. Renew them now\? It takes a few seconds\./;

export const mainButton = (page: Page, name: string): Locator => page.getByRole('main').getByRole('button', { name, exact: true });
export const boxButton = (page: Page, name: string): Locator => identityAgent(page).getByRole('button', { name, exact: true });
export const expiryCallout = (page: Page): Locator => identityAgent(page).getByRole('heading', { name: 'Important: Smartcard Expiry Notification' });

/** The date in the Identity Agent box's "Certificate expires" row, e.g. "12 March 2026". */
export async function boxCertificateExpiry(page: Page): Promise<string> {
  const row = identityAgent(page).locator('.nhsuk-summary-list__row').filter({ hasText: 'Certificate expires' }).locator('dd');
  await expect(row).toHaveText(/\d{1,2} \w+ \d{4}/);
  const date = /\d{1,2} \w+ \d{4}/.exec(await row.innerText())?.[0];
  if (!date) throw new Error('no date in the "Certificate expires" row');
  return date;
}

/** The renewal's passcode page: the passcode, then Continue. */
export async function enterRenewalPasscode(page: Page, passcode: string): Promise<void> {
  await passcodeField(page).fill(passcode);
  await mainButton(page, 'Continue').click();
}

/** Signed in already: "Service smartcard", the card in reader 2, Continue, ending at "Check the smartcard". */
export async function serviceCardIn(page: Page, holder: Persona): Promise<void> {
  await boxButton(page, 'Service smartcard').click();
  await expect(pageHeading(page)).toHaveText('Service smartcard');
  await insertCard(page, holder, 2);
  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(page.getByRole('main')).toContainText(holder.name);
}

/** The signed-in renewal's progress words in an agent state, or '' when it is not at work. */
export function renewalProgress(state: StateJson): string {
  const screen = state.screen as { kind: string; renewal?: { step: { step: string; progress?: string } } | null };
  return screen.kind === 'signed-in' && screen.renewal?.step.step === 'working' ? (screen.renewal.step.progress ?? '') : '';
}
