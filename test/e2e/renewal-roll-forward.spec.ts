import { tapAgentLink } from './support/agent-link-tap.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { NEAR_EXPIRY } from './support/personas.js';
import { boxCertificateExpiry, enterRenewalPasscode, mainButton, renewalProgress } from './support/renewing.js';
import { identityAgent, logIn, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// A card pulled after its new certificate is written, while the identity service is making it
// live: the card already works with its new key and certificate, and the service finishes the
// renewal when the card next logs in. This spec file has its own training app, since it renews
// the card near expiry (renewal-recovery.spec.ts pulls the same card at another moment).

useTrainingApp();

test('a card pulled while its new certificate is made live logs in with the new certificate, and no notification', async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await logIn(page, NEAR_EXPIRY);
  const expiresBefore = await boxCertificateExpiry(page);
  await mainButton(page, 'Yes').click();
  tap.whenState((state) => renewalProgress(state).startsWith('Making the new certificate live'), 'training.removeCard', { reader: 'Reader 1' });
  await enterRenewalPasscode(page, NEAR_EXPIRY.passcode);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');

  await logIn(page, NEAR_EXPIRY);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(identityAgent(page)).not.toContainText('Smartcard Expiry Notification');
  const expiresAfter = await boxCertificateExpiry(page);
  expect(new Date(expiresAfter).getTime()).toBeGreaterThan(new Date(expiresBefore).getTime());
});
