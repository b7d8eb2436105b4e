import { tapAgentLink, type StateJson } from './support/agent-link-tap.js';
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
  await expectNoAxeViolations(page, 'Your smartcard is locked');
  await page.getByRole('button', { name: 'Unlock your smartcard' }).click();
  await expect(page.getByRole('button', { name: 'Start now', exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'Unlock your smartcard');
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

test('unlock pages training mode shows only for a moment or never: progress, refusals, a wrong code, a full outbox', async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);
  await logIn(page, SPONSOR);
  const view = (mode: 'self' | 'sponsor', step: unknown, error: string | null = null) => ({
    mode,
    reader: 'Reader 2',
    holderName: LOCKED_CARD.name,
    cardUuid: '5b0c7e1a-3f2d-4c8e-9a61-2d4f8b7c9e10',
    step,
    busy: false,
    error,
  });
  const withServiceCard = (step: unknown) => (state: StateJson) => {
    (state.screen as { serviceCard: unknown }).serviceCard = view('sponsor', step);
  };

  tap.pushState(withServiceCard({ step: 'choose', certificateNotAfter: '2027-01-31T12:00:00.000Z', unlockRefusal: 'This smartcard is not locked.' }));
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(page.getByRole('main')).toContainText('You cannot unlock this smartcard. This smartcard is not locked.');
  await expect(page.getByRole('button', { name: 'Unlock smartcard', exact: true })).toHaveCount(0);
  await expectNoAxeViolations(page, 'Service smartcard: a card that may not be unlocked');

  tap.pushState(withServiceCard({ step: 'working', progress: 'Setting the new passcode on the smartcard…' }));
  await expect(page.getByRole('status').filter({ hasText: 'Setting the new passcode on the smartcard…' })).toBeVisible();
  await expectNoAxeViolations(page, 'Service smartcard: working');

  tap.pushState(withServiceCard({ step: 'refused', message: 'This smartcard can no longer be unlocked at a workstation. Contact your Registration Authority.' }));
  await expect(pageHeading(page)).toContainText('This smartcard cannot be unlocked');
  await expectNoAxeViolations(page, 'Service smartcard: refused');

  const expires = new Date(Date.now() + 15 * 60_000).toISOString();
  tap.pushState((state) => {
    state.screen = {
      kind: 'self-unlock',
      unlock: view('self', { step: 'code', channel: 'email', sentTo: 'r•••@nhs.net', codeExpiresAt: expires, otherChannel: 'sms' }, 'That security code is wrong. You have 4 tries left.'),
    };
  });
  await expect(pageHeading(page)).toContainText('Enter your security code');
  await expect(page.getByRole('button', { name: 'Send the code by text message instead', exact: true })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toContainText('You have 4 tries left.');
  await expectNoAxeViolations(page, 'Enter your security code, with the agent’s error');

  tap.pushState((state) => {
    state.screen = { kind: 'self-unlock', unlock: view('self', { step: 'working', progress: 'Checking the smartcard with the identity service…' }) };
  });
  await expect(page.getByRole('status').filter({ hasText: 'Checking the smartcard with the identity service…' })).toBeVisible();
  await expectNoAxeViolations(page, 'Unlock your smartcard: working');

  tap.pushState((state) => {
    state.screen = { kind: 'self-unlock', unlock: view('self', { step: 'refused', message: 'Your certificate has expired, so your smartcard cannot be unlocked here.' }) };
    (state.training as { outbox: unknown[] }).outbox = [
      { id: 2, channel: 'sms', to: '07700900007', subject: null, text: 'Your security code to unlock your smartcard is 246810.', sentAt: new Date().toISOString() },
      { id: 1, channel: 'email', to: 'rhys.evans.training@nhs.net', subject: 'Your smartcard security code', text: 'Your security code is 135790.', sentAt: new Date().toISOString() },
    ];
  });
  await expect(pageHeading(page)).toContainText('Your smartcard cannot be unlocked here');
  await expect(page.getByRole('main')).toContainText('sponsor or local smartcard administrator');
  await expect(page.getByRole('region', { name: 'Outbox' }).getByRole('listitem')).toHaveCount(2);
  await expectNoAxeViolations(page, 'Your smartcard cannot be unlocked here, and the outbox');
});
