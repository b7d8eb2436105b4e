import type { Page } from '@playwright/test';
import { tapAgentLink, type AgentLinkTap, type StateJson } from './support/agent-link-tap.js';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { recordStatusTexts, STATUS_TEXTS } from './support/in-page.js';
import { NEAR_EXPIRY, SPONSOR } from './support/personas.js';
import { enterRenewalPasscode, mainButton, RENEWED } from './support/renewing.js';
import { errorSummary } from './support/unlocking.js';
import { logIn, openWorkstation, pageHeading, passcodeField, removeEveryCard } from './support/workstation.js';

// The renewal pages a training card shows only for a moment, or only after a fault: progress
// words, a refusal, a wrong passcode, a renewal cut short and finished at the next insertion.
// The agent's state is shown to the page as it would send it (agent-link-tap), so each page's
// words, focus, live regions and accessibility are checked whatever the card does.

useTrainingApp();

const CARD_UUID = '7d3e2b1c-4a5f-4e6d-8c7b-9a0f1e2d3c4b';
const NEW_NOT_AFTER = '2029-11-20T12:00:00.000Z';

type Mode = 'self' | 'sponsor' | 'recovery';

const view = (mode: Mode, step: unknown, error: string | null = null) => ({
  mode,
  reader: mode === 'sponsor' ? 'Reader 2' : 'Reader 1',
  holderName: NEAR_EXPIRY.name,
  cardUuid: CARD_UUID,
  step,
  busy: false,
  error,
});

function showRecovery(tap: AgentLinkTap, step: unknown, error: string | null = null): void {
  tap.pushState((state) => {
    state.screen = { kind: 'renewal-recovery', renewal: view('recovery', step, error) };
  });
}

function showRenewal(tap: AgentLinkTap, mode: 'self' | 'sponsor', step: unknown): void {
  tap.pushState((state: StateJson) => {
    (state.screen as { renewal: unknown }).renewal = view(mode, step);
  });
}

const progress = (page: Page, words: string) => page.getByRole('status').filter({ hasText: words });

test('a renewal cut short is finished at the next insertion: progress heard, the passcode when the card needs it, then renewed', async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');

  // Progress: the region is on the page, empty, before the first words go in, or they go unread.
  await page.evaluate(recordStatusTexts('[role="status"].nhsuk-body-l'));
  showRecovery(tap, { step: 'working', progress: 'Writing the new certificate to your smartcard…' });
  await expect(pageHeading(page)).toHaveText(`${NEAR_EXPIRY.name} - Finishing your smartcard's renewal`);
  await expect(pageHeading(page)).toBeFocused();
  await expect(progress(page, 'Writing the new certificate to your smartcard…')).toBeVisible();
  expect(await page.evaluate<string[]>(STATUS_TEXTS)).toEqual(['', 'Writing the new certificate to your smartcard…']);
  await expect(page.getByRole('main')).toContainText('Keep the smartcard in Reader 1 until this has finished.');
  await expectNoAxeViolations(page, "Finishing your smartcard's renewal: working");

  // The card must make its key again: the holder's passcode. Cancel sets the card aside until it is inserted again.
  showRecovery(tap, { step: 'passcode', attemptsRemaining: 3 });
  await expect(pageHeading(page)).toContainText('Enter your passcode to finish renewing your smartcard');
  await expect(pageHeading(page)).toBeFocused();
  await expect(passcodeField(page)).toHaveAccessibleDescription('Your smartcard passcode is 6 to 8 numbers. 3 attempts remaining');
  await expect(page.getByRole('main')).toContainText('if you cancel, you will be asked again when you next insert it');
  await expect(mainButton(page, 'Cancel')).toBeVisible();
  await expectNoAxeViolations(page, 'Enter your passcode to finish renewing your smartcard');

  // A wrong passcode is the field's; the card taken out is no field's.
  tap.refuse('renewal.submitPasscode', { code: 'wrong-passcode', message: 'The passcode is wrong. 2 attempts remaining.' });
  await enterRenewalPasscode(page, '24681357');
  await expect(errorSummary(page)).toBeFocused();
  await expect(errorSummary(page).getByRole('link', { name: 'The passcode is wrong. 2 attempts remaining.' })).toHaveAttribute('href', '#renewal-passcode');
  await expect(passcodeField(page)).toHaveValue('');
  await expect(passcodeField(page)).toHaveAccessibleDescription(
    'Your smartcard passcode is 6 to 8 numbers. 3 attempts remaining Error: The passcode is wrong. 2 attempts remaining.',
  );
  await expectNoAxeViolations(page, 'Enter your passcode to finish renewing your smartcard, wrong passcode');

  tap.refuse('renewal.submitPasscode', { code: 'card-removed', message: 'Your smartcard was taken out. Insert it again to finish its renewal.' });
  await enterRenewalPasscode(page, '24681357');
  await expect(errorSummary(page)).toContainText('Your smartcard was taken out.');
  await expect(errorSummary(page).getByRole('link')).toHaveCount(0);
  await expect(page.locator('.nhsuk-form-group--error')).toHaveCount(0);

  showRecovery(tap, { step: 'passcode', attemptsRemaining: 1 });
  await expect(page.getByRole('heading', { name: 'Important: Last attempt' })).toBeVisible();

  showRecovery(tap, { step: 'done', certificateNotAfter: NEW_NOT_AFTER });
  await expect(pageHeading(page)).toHaveText(`${NEAR_EXPIRY.name} - ${RENEWED}`);
  await expect(pageHeading(page)).toBeFocused();
  await expect(page.getByRole('main')).toContainText('The certificates on your smartcard now expire on 20 November 2029.');
  await expect(mainButton(page, 'Continue')).toBeVisible();
  await expectNoAxeViolations(page, `${RENEWED}: recovery`);

  showRecovery(tap, { step: 'refused', message: 'The identity service no longer holds the certificate for this renewal.' });
  await expect(pageHeading(page)).toContainText("Your smartcard's renewal could not be finished");
  await expect(page.getByRole('main')).toContainText('The identity service no longer holds the certificate for this renewal.');
  await expect(page.getByRole('main')).toContainText('Remove your smartcard and insert it again');
  await expect(mainButton(page, 'Close')).toBeVisible();
  await expectNoAxeViolations(page, "Your smartcard's renewal could not be finished");
});

test('self and sponsor renewal pages: the notice counts the days, progress is heard, refusals say what to do', async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await logIn(page, SPONSOR);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');

  showRenewal(tap, 'self', { step: 'notice', daysToExpiry: 1, certificateNotAfter: '2026-11-24T09:00:00.000Z' });
  await expect(pageHeading(page)).toHaveText('Smartcard Expiry Notification');
  await expect(page.getByRole('main')).toContainText('The certificates on your smartcard expire in 1 day, on 24 November 2026. Renew them now?');
  showRenewal(tap, 'self', { step: 'notice', daysToExpiry: 0, certificateNotAfter: '2026-11-24T09:00:00.000Z' });
  await expect(page.getByRole('main')).toContainText('The certificates on your smartcard expire today, on 24 November 2026.');

  await page.evaluate(recordStatusTexts('[role="status"].nhsuk-body-l'));
  showRenewal(tap, 'self', { step: 'working', progress: 'Making a new key on your smartcard…' });
  await expect(pageHeading(page)).toContainText('Renewing your smartcard');
  await expect(progress(page, 'Making a new key on your smartcard…')).toBeVisible();
  showRenewal(tap, 'self', { step: 'working', progress: 'Writing the new certificate to your smartcard…' });
  await expect(progress(page, 'Writing the new certificate to your smartcard…')).toBeVisible();
  expect(await page.evaluate<string[]>(STATUS_TEXTS)).toEqual([
    '',
    'Making a new key on your smartcard…',
    '',
    'Writing the new certificate to your smartcard…',
  ]);
  await expectNoAxeViolations(page, 'Renewing your smartcard');

  showRenewal(tap, 'self', { step: 'refused', message: 'The identity service could not issue a new certificate. Try again later.' });
  await expect(pageHeading(page)).toContainText('Your smartcard was not renewed');
  await expect(page.getByRole('main')).toContainText('Your smartcard works as before until its certificates expire.');
  await expect(mainButton(page, 'Close')).toBeVisible();
  await expectNoAxeViolations(page, 'Your smartcard was not renewed');

  showRenewal(tap, 'sponsor', { step: 'passcode', attemptsRemaining: null });
  await expect(pageHeading(page)).toContainText('Card holder: enter your passcode to renew your smartcard');
  await expect(mainButton(page, 'Cancel')).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('attempts remaining');

  showRenewal(tap, 'sponsor', { step: 'working', progress: 'Asking the identity service for the new certificate…' });
  await expect(pageHeading(page)).toContainText('Renewing the smartcard');
  await expect(progress(page, 'Asking the identity service for the new certificate…')).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Keep the smartcard in Reader 2 until this has finished.');
  await expectNoAxeViolations(page, 'Renewing the smartcard');

  showRenewal(tap, 'sponsor', {
    step: 'refused',
    message:
      'The certificates on this smartcard have expired: only registration authority staff can renew it, in person. Ask the card holder to make an appointment with your Registration Authority.',
  });
  await expect(pageHeading(page)).toContainText('This smartcard cannot be renewed');
  await expect(page.getByRole('main')).toContainText('make an appointment with your Registration Authority');
  await expectNoAxeViolations(page, 'This smartcard cannot be renewed');

  // A card both locked and due: both offered, unlocking first.
  tap.pushState((state) => {
    const screen = state.screen as { renewal: unknown; serviceCard: unknown };
    screen.renewal = null;
    screen.serviceCard = {
      ...view('sponsor', {
        step: 'choose',
        certificateNotAfter: '2027-01-10T12:00:00.000Z',
        daysToExpiry: 47,
        unlockRefusal: null,
        renewRefusal: null,
      }),
    };
  });
  await expect(pageHeading(page)).toContainText('Check the smartcard');
  await expect(page.getByRole('main')).toContainText(/Certificate expires\s*10 January 2027 \(in 47 days\)/);
  await expect(mainButton(page, 'Unlock smartcard')).toBeVisible();
  await expect(mainButton(page, 'Renew smartcard certificate')).toBeVisible();
  await expect(mainButton(page, 'Cancel')).toBeVisible();
  await expectNoAxeViolations(page, 'Service smartcard: unlock or renew');
});
