import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { callAgent, type AgentReply } from './support/in-page.js';
import { CLINICIAN, LOCKED_CARD, LSA, NEAR_EXPIRY, SPONSOR, type Persona } from './support/personas.js';
import { chooseNewPasscode, errorSummary, lockCard } from './support/unlocking.js';
import { identityAgent, insertCard, logIn, openWorkstation, pageHeading, removeCard, removeEveryCard } from './support/workstation.js';

// "Service smartcard" (domain.md): a sponsor or local smartcard administrator logs in with their
// own card in reader 1, puts a colleague's locked card in reader 2, and the colleague types a
// new passcode. The service checks the role and the organisation scope; a clinician is never
// offered it, and asking the agent directly changes nothing. This spec file has its own
// training app, so the cards it locks and unlocks stay here.

useTrainingApp();

const SPONSORED_PASSCODE = '97531864';
const LSA_SET_PASSCODE = '86420975';

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

const serviceCardButton = (page: Page) => identityAgent(page).getByRole('button', { name: 'Service smartcard', exact: true });
const button = (page: Page, name: string) => page.getByRole('main').getByRole('button', { name, exact: true });

/** Logs in with the persona's new passcode, from a clean workstation. */
async function logInWith(page: Page, persona: Persona, passcode: string): Promise<void> {
  await logIn(page, { ...persona, passcode });
}

test('a clinician is not offered "Service smartcard", and asking the agent directly is refused', async ({ page, app }) => {
  await logIn(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(serviceCardButton(page)).toHaveCount(0);

  const reply = await page.evaluate<AgentReply>(callAgent(app.secret, 'serviceCard.begin'));
  expect(reply.type).toBe('error');
  if (reply.type === 'error') {
    expect(reply.error.code).toBe('forbidden');
    expect(reply.error.message).toMatch(/role/i);
  }
  await expect(pageHeading(page), 'nothing changed on the page').toHaveText('Care Identity Management Dashboard');
  await expect(page.getByRole('heading', { name: 'Service smartcard' })).toHaveCount(0);
});

test('a sponsor unlocks the locked card in the second reader, and its holder logs in with the new passcode', async ({ page }) => {
  await logIn(page, SPONSOR, 1);
  await expect(serviceCardButton(page)).toHaveAccessibleDescription(/second reader/);
  await serviceCardButton(page).click();

  // Insert: the CIM page gives way; Cancel and Continue are there.
  await expect(pageHeading(page)).toHaveText('Service smartcard');
  await expect(pageHeading(page)).toBeFocused();
  await expect(page.getByRole('main')).toContainText("Insert the card holder's smartcard into the second smartcard reader");
  await expect(serviceCardButton(page), 'not offered twice').toHaveCount(0);
  await expectNoAxeViolations(page, 'Service smartcard: insert');

  // Continue with nothing in reader 2 says what to do.
  await button(page, 'Continue').click();
  await expect(errorSummary(page)).toContainText('second smartcard reader');
  await expect(errorSummary(page)).toBeFocused();

  await insertCard(page, LOCKED_CARD, 2);
  await button(page, 'Continue').click();

  // Choose: whose card it is.
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(pageHeading(page)).toBeFocused();
  const details = page.getByRole('main').getByRole('definition');
  await expect(details.nth(0)).toHaveText(LOCKED_CARD.name);
  await expect(details.nth(1)).toHaveText(/^[0-9a-f-]{36}$/);
  await expect(details.nth(2)).toHaveText(/\d{1,2} \w+ \d{4}/);
  await expectNoAxeViolations(page, 'Service smartcard: check the smartcard');
  await button(page, 'Unlock smartcard').click();

  // Confirm: hand over to the card holder.
  await expect(pageHeading(page)).toContainText('Ask the card holder to choose a new passcode');
  await expect(page.getByRole('main')).toContainText(LOCKED_CARD.name);
  await expectNoAxeViolations(page, 'Service smartcard: hand over');
  await button(page, 'Continue').click();

  // The card holder's new passcode, checked here first.
  await expect(pageHeading(page)).toContainText('Choose a new passcode');
  await expect(pageHeading(page)).toContainText(LOCKED_CARD.name);
  await expectNoAxeViolations(page, 'Service smartcard: choose a new passcode');
  await chooseNewPasscode(page, SPONSORED_PASSCODE, '97531865');
  await expect(errorSummary(page).getByRole('link', { name: 'The new passcodes do not match' })).toBeVisible();
  await expect(errorSummary(page)).toBeFocused();
  await chooseNewPasscode(page, SPONSORED_PASSCODE);

  await expect(pageHeading(page)).toContainText('Smartcard unlocked');
  await expect(pageHeading(page)).toBeFocused();
  await expect(page.getByRole('main')).toContainText(`${LOCKED_CARD.name} can now log in with their new passcode.`);
  await expectNoAxeViolations(page, 'Service smartcard: unlocked');
  await button(page, 'Done').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page), 'the sponsor is still signed in').toContainText(SPONSOR.name);

  await removeEveryCard(page);
  await logInWith(page, LOCKED_CARD, SPONSORED_PASSCODE);
});

test('a local smartcard administrator unlocks a card locked by wrong passcodes', async ({ page }) => {
  await lockCard(page, CLINICIAN, 1);

  await logIn(page, LSA, 1);
  await serviceCardButton(page).click();
  await expect(pageHeading(page)).toHaveText('Service smartcard');
  await insertCard(page, CLINICIAN, 2);
  await button(page, 'Continue').click();
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(page.getByRole('main')).toContainText(CLINICIAN.name);
  await button(page, 'Unlock smartcard').click();
  await button(page, 'Continue').click();
  await chooseNewPasscode(page, LSA_SET_PASSCODE);
  await expect(pageHeading(page)).toContainText('Smartcard unlocked');
  await button(page, 'Done').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');

  await removeEveryCard(page);
  await logInWith(page, CLINICIAN, LSA_SET_PASSCODE);
});

test('a sponsor cannot unlock a card outside their organisation, and is told why', async ({ page }) => {
  // Zoë works at the GP practice Y99901; Grace sponsors at the hospital RZZ01, a sibling of it.
  await lockCard(page, NEAR_EXPIRY, 2);

  await logIn(page, SPONSOR, 1);
  await serviceCardButton(page).click();
  await insertCard(page, NEAR_EXPIRY, 2);
  await button(page, 'Continue').click();

  // The service's reason, in words, either on the card's details or as the end of the unlock.
  const main = page.getByRole('main');
  await expect(main).toContainText('outside your organisation and its child organisations');
  await expect(button(page, 'Unlock smartcard')).toHaveCount(0);
  await expectNoAxeViolations(page, 'Service smartcard: refused');
  await button(page, 'Close').click();
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');

  // Nothing was unlocked: Zoë's card is still locked.
  await removeEveryCard(page);
  await insertCard(page, NEAR_EXPIRY, 1);
  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
  await removeCard(page, NEAR_EXPIRY);
});
