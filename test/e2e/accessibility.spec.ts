import { tapAgentLink } from './support/agent-link-tap.js';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN, LOCKED_CARD, SPONSOR } from './support/personas.js';
import {
  choosePosition,
  enterPasscode,
  identityAgent,
  insertCard,
  logIn,
  openWorkstation,
  pageHeading,
  passcodeField,
  removeCard,
  removeEveryCard,
} from './support/workstation.js';

// axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every screen a user can reach. Session-lock
// mode, so the locked-session screen is one of them.

useTrainingApp({ removalMode: 'session-lock' });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('login screens: no card, passcode, passcode with an error, choose position', async ({ page }) => {
  await expectNoAxeViolations(page, 'Insert your smartcard');

  await insertCard(page, SPONSOR, 1);
  await expect(passcodeField(page)).toBeVisible();
  await expectNoAxeViolations(page, 'passcode');

  await enterPasscode(page, '12');
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
  await expectNoAxeViolations(page, 'passcode with an error');

  await enterPasscode(page, SPONSOR.passcode);
  await expect(pageHeading(page)).toHaveText('Choose your organisation');
  await expectNoAxeViolations(page, 'choose position');

  await choosePosition(page, SPONSOR);
  await expect(identityAgent(page)).toBeVisible();
  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
});

test('signed in: CIM home, find user results, a profile, your profile, the Identity Agent window', async ({ page, app }) => {
  await logIn(page, CLINICIAN);
  await expectNoAxeViolations(page, 'CIM home with the Identity Agent box');

  await page.getByRole('link', { name: 'Find an existing user' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Okafor');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('row').filter({ hasText: SPONSOR.name })).toBeVisible();
  await expectNoAxeViolations(page, 'find user results');

  await page.getByLabel('National Insurance number').fill('nonsense');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
  await expectNoAxeViolations(page, 'find user with an error');

  await page.getByLabel('National Insurance number').fill('');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: `View profile of ${SPONSOR.name}` }).click();
  await expect(page.getByRole('table', { name: 'Positions' })).toBeVisible();
  await expectNoAxeViolations(page, "a colleague's profile");

  await page.goto(`${app.url}#/cim/my-profile`);
  await expect(pageHeading(page)).toHaveText('Your profile');
  await expect(page.getByRole('table', { name: 'Smartcards' })).toBeVisible();
  await expectNoAxeViolations(page, 'your profile');

  await page.goto(`${app.url}#identity-agent`);
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);
  await expect(page.getByRole('region', { name: 'Training cards' }), 'the small window shows the box alone').toHaveCount(0);
  await expectNoAxeViolations(page, 'Identity Agent window');
  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toContainText('Insert your smartcard.');
});

test('locked card and locked session', async ({ page }) => {
  await insertCard(page, LOCKED_CARD, 2);
  await expect(pageHeading(page)).toContainText('Your smartcard is locked');
  await page.getByRole('button', { name: 'Unlock your smartcard' }).click();
  await expectNoAxeViolations(page, 'Your smartcard is locked');
  await removeCard(page, LOCKED_CARD);

  await logIn(page, CLINICIAN);
  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toContainText('Session locked');
  await expectNoAxeViolations(page, 'Session locked, card out');

  await insertCard(page, CLINICIAN, 1);
  await expect(passcodeField(page)).toBeVisible();
  await expectNoAxeViolations(page, 'Session locked, passcode');
  await enterPasscode(page, CLINICIAN.passcode);
  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toHaveCount(0);
});

test('the page opened without its secret', async ({ browser, app }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.origin}/`);
  await expect(pageHeading(page)).toHaveText('Open Care Identity from the Identity Agent');
  await expectNoAxeViolations(page, 'no secret');
  await context.close();
});

test('screens training mode cannot show on demand: no reader, reading, unreadable card, service down', async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);

  tap.pushState((state) => {
    state.screen = { kind: 'no-readers' };
    state.readers = [];
  });
  await expect(pageHeading(page)).toHaveText('No smartcard reader');
  await expectNoAxeViolations(page, 'No smartcard reader');

  tap.pushState((state) => {
    state.screen = { kind: 'reading-card', reader: 'Reader 1' };
  });
  await expect(pageHeading(page)).toHaveText('Reading your smartcard');
  await expectNoAxeViolations(page, 'Reading your smartcard');

  tap.pushState((state) => {
    state.screen = { kind: 'card-error', reader: 'Reader 1', message: 'This smartcard could not be read. Take it out and insert it again.' };
  });
  await expect(pageHeading(page)).toHaveText('Your smartcard cannot be read');
  await expect(page.getByRole('main')).toContainText('This smartcard could not be read.');
  await expectNoAxeViolations(page, 'Your smartcard cannot be read');

  tap.pushState((state) => {
    state.screen = { kind: 'no-card' };
    state.service = { status: 'unreachable', message: null, retryInSeconds: 12 };
  });
  await expect(page.getByRole('region', { name: 'Important' })).toContainText('Cannot reach the identity service.');
  await expectNoAxeViolations(page, 'identity service unreachable');
});
