import { tapAgentLink, type StateJson } from './support/agent-link-tap.js';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { recordStatusTexts, STATUS_TEXTS } from './support/in-page.js';
import { CLINICIAN, LOCKED_CARD, SPONSOR } from './support/personas.js';
import { chooseNewPasscode, errorSummary } from './support/unlocking.js';
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
  await page.getByRole('link', { name: 'Positions', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Positions' })).toBeVisible();
  await expectNoAxeViolations(page, "a colleague's profile");

  await page.goto(`${app.url}#/cim/my-profile/smartcards`);
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

test('unlock pages put only a field’s own problems on it, and let every progress message and new code be heard', async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);
  const show = (step: unknown, error: string | null = null) =>
    tap.pushState((state) => {
      state.screen = {
        kind: 'self-unlock',
        unlock: { mode: 'self', reader: 'Reader 1', holderName: LOCKED_CARD.name, cardUuid: '5b0c7e1a-3f2d-4c8e-9a61-2d4f8b7c9e10', step, busy: false, error },
      };
    });
  const summary = errorSummary(page);

  // Progress: the region is on the page, empty, before the first words go in, or they go unread.
  await page.evaluate(recordStatusTexts('[role="status"].nhsuk-body-l'));
  show({ step: 'working', progress: 'Sending your security code…' });
  await expect(page.getByRole('status').filter({ hasText: 'Sending your security code…' })).toBeVisible();
  expect(await page.evaluate<string[]>(STATUS_TEXTS)).toEqual(['', 'Sending your security code…']);

  // Codes that expire a few seconds apart, within one minute: the page shows the same time for each.
  const minute = Math.ceil(Date.now() / 60_000) * 60_000 + 15 * 60_000;
  const codeStep = (second: number) => ({
    step: 'code',
    channel: 'email',
    sentTo: 'r•••@nhs.net',
    codeExpiresAt: new Date(minute + 10_000 + second * 1000).toISOString(),
    otherChannel: 'sms',
  });
  const field = page.getByLabel('Security code', { exact: true });
  const hint = 'The code is 6 numbers, for example 123456.';
  const continueButton = page.getByRole('button', { name: 'Continue', exact: true });

  show(codeStep(0), 'That security code has expired. Select Send a new code.');
  await expect(pageHeading(page)).toContainText('Enter your security code');
  await expect(summary).toContainText('That security code has expired.');
  await expect(summary.getByRole('link'), 'the agent’s words alone say nothing of a field').toHaveCount(0);
  await expect(field).toHaveAccessibleDescription(hint);
  show(codeStep(0));
  await expect(summary).toHaveCount(0);

  // Too many codes sent: the service's refusal is said, and no field is offered to fix it.
  const tooMany = '5 security codes have been sent for this smartcard in the last hour, the most allowed. Try again in 42 minutes.';
  tap.refuse('unlock.sendCode', { code: 'service-refused', message: tooMany });
  await page.getByRole('button', { name: 'Send a new code', exact: true }).click();
  await expect(summary).toContainText(tooMany);
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveCount(0);
  await expect(field).toHaveAccessibleDescription(hint);
  await expect(page.locator('.nhsuk-form-group--error')).toHaveCount(0);
  await expectNoAxeViolations(page, 'Enter your security code, with a problem no field can fix');

  // A wrong code is typed again: linked to the field and said against it.
  tap.refuse('unlock.submitCode', { code: 'wrong-code', message: 'That security code is wrong. You have 3 tries left.' });
  await field.fill('123456');
  await continueButton.click();
  await expect(summary.getByRole('link', { name: 'That security code is wrong. You have 3 tries left.' })).toHaveAttribute('href', '#security-code');
  await expect(field).toHaveAccessibleDescription(`${hint} Error: That security code is wrong. You have 3 tries left.`);

  // The identity service out of reach: nothing typed would help.
  tap.refuse('unlock.submitCode', { code: 'service-unreachable', message: 'Cannot reach the identity service. Try again in a moment.' });
  await field.fill('123456');
  await continueButton.click();
  await expect(summary).toContainText('Cannot reach the identity service.');
  await expect(summary.getByRole('link')).toHaveCount(0);
  await expect(field).toHaveAccessibleDescription(hint);

  // A second new code within the minute has the same words as the first: the region empties
  // before each, so each is a change a screen reader reads.
  await page.evaluate(recordStatusTexts('form [role="status"]'));
  const sent = `New code sent to r•••@nhs.net. It expires at`;
  show(codeStep(1));
  await expect(page.getByRole('status').filter({ hasText: sent })).toBeVisible();
  show(codeStep(2));
  await expect
    .poll(() => page.evaluate<string[]>(STATUS_TEXTS))
    .toEqual(['', expect.stringContaining(sent), '', expect.stringContaining(sent)]);

  // Choosing the passcode: the agent's passcode rules are the new passcode's problem; a card
  // taken out is no field's.
  show({ step: 'new-passcode' });
  await expect(pageHeading(page)).toContainText('Choose a new passcode');
  const newField = page.getByLabel('New passcode', { exact: true });
  const confirmField = page.getByLabel('Confirm new passcode', { exact: true });
  const passcodeHint = 'Your new passcode must be 6 to 8 numbers.';

  tap.refuse('unlock.setPasscode', { code: 'card-removed', message: 'Your smartcard was taken out, so it has not been unlocked.' });
  await chooseNewPasscode(page, '13572468');
  await expect(summary).toContainText('Your smartcard was taken out');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveCount(0);
  await expect(newField).toHaveAccessibleDescription(passcodeHint);
  await expect(confirmField).toHaveAccessibleDescription(passcodeHint);
  await expectNoAxeViolations(page, 'Choose a new passcode, with a problem no field can fix');

  tap.refuse('unlock.setPasscode', { code: 'passcode-policy', message: 'Your new passcode must not be the same number over and over.' });
  await chooseNewPasscode(page, '13572468');
  await expect(summary.getByRole('link', { name: 'Your new passcode must not be the same number over and over.' })).toHaveAttribute(
    'href',
    '#unlock-passcode-new',
  );
  await expect(newField).toHaveAccessibleDescription(`${passcodeHint} Error: Your new passcode must not be the same number over and over.`);
  await expect(confirmField).toHaveAccessibleDescription(passcodeHint);
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

  tap.pushState(
    withServiceCard({
      step: 'choose',
      certificateNotAfter: '2027-01-31T12:00:00.000Z',
      daysToExpiry: 300,
      unlockRefusal: 'This smartcard is not locked.',
      renewRefusal: 'Renewal opens on 2 November 2026, 90 days before the certificates expire.',
    }),
  );
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(page.getByRole('main')).toContainText('You cannot unlock this smartcard. This smartcard is not locked.');
  await expect(page.getByRole('button', { name: 'Unlock smartcard', exact: true })).toHaveCount(0);
  await expect(page.getByRole('main')).toContainText("You cannot renew this smartcard's certificate. Renewal opens on 2 November 2026");
  await expect(page.getByRole('button', { name: 'Renew smartcard certificate', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Close', exact: true }), 'nothing to do but leave').toBeVisible();
  await expectNoAxeViolations(page, 'Service smartcard: a card that may not be unlocked or renewed');

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
  // Words in the agent's state carry no error code: no field claims them.
  await expect(errorSummary(page).getByRole('link')).toHaveCount(0);
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
