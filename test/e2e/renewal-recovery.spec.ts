import { tapAgentLink } from './support/agent-link-tap.js';
import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { NEAR_EXPIRY } from './support/personas.js';
import { enterRenewalPasscode, mainButton, renewalProgress, RENEWAL_TIMEOUT_MS, RENEWED } from './support/renewing.js';
import { identityAgent, insertCard, logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// A card pulled while its renewal is at work is never left unusable: at its next insertion the
// agent finishes the renewal (or has the card make its key again) before the card can log in,
// on the renewal-recovery screen. The card is pulled at an exact step through the agent link
// (agent-link-tap), sooner than a click could. This spec file has its own training app.

useTrainingApp();

test('a card pulled while it makes its new key is finished at the next insertion with the passcode, then logs in without the notification', async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await logIn(page, NEAR_EXPIRY);
  await mainButton(page, 'Yes').click();
  // The card is taken out the moment the agent says it is making its new key.
  tap.whenState((state) => renewalProgress(state).startsWith('The smartcard is making its new key'), 'training.removeCard', { reader: 'Reader 1' });
  await enterRenewalPasscode(page, NEAR_EXPIRY.passcode);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');

  // The card made its new key but has no certificate for it: the service has none either, so
  // the card makes its key again, which takes the holder's passcode.
  await insertCard(page, NEAR_EXPIRY, 1);
  await expect(pageHeading(page)).toContainText('Enter your passcode to finish renewing your smartcard', { timeout: RENEWAL_TIMEOUT_MS });
  await expect(pageHeading(page)).toContainText(NEAR_EXPIRY.name);
  await expect(pageHeading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'Enter your passcode to finish renewing your smartcard');
  await enterRenewalPasscode(page, NEAR_EXPIRY.passcode);
  await expect(pageHeading(page)).toContainText(RENEWED, { timeout: RENEWAL_TIMEOUT_MS });
  await expect(page.getByRole('main')).toContainText(/The certificates on your smartcard now expire on \d{1,2} \w+ \d{4}\./);
  await expectNoAxeViolations(page, `${RENEWED}: finished at insertion`);
  await mainButton(page, 'Continue').click();
  await expect(pageHeading(page)).not.toContainText(RENEWED);

  // The card works, and is no longer due.
  await removeEveryCard(page);
  await logIn(page, NEAR_EXPIRY);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page)).not.toContainText('Smartcard Expiry Notification');
});
