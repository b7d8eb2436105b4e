import { expectNoAxeViolations } from './support/axe.js';
import { openClinicalApp, signedInLine, signInButton, smartcardStatus } from './support/clinical-app.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN } from './support/personas.js';
import { enterPasscode, insertCard, logIn, openWorkstation, pageHeading, removeCard, removeEveryCard } from './support/workstation.js';

// Session-lock mode: a locked session signs nobody in to an app. The sign-in page says to unlock
// the Identity Agent first, and carries on by itself once the card and passcode have resumed it.

useTrainingApp({ removalMode: 'session-lock' });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('rule: the bridge refuses a locked session until the Identity Agent is unlocked', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toContainText('Session locked');

  const tab = await openClinicalApp(page, 'Training clinical app');
  await signInButton(tab).click();

  await expect(smartcardStatus(tab)).toHaveText('Your session is locked. Unlock the Identity Agent first: insert your smartcard and enter your passcode.');
  await expect(signedInLine(tab)).toHaveCount(0);
  await expectNoAxeViolations(tab, 'the sign-in page, session locked');

  await insertCard(page, CLINICIAN, 1);
  await enterPasscode(page, CLINICIAN.passcode);

  await expect(signedInLine(tab)).toContainText(`Signed in as ${CLINICIAN.name}`, { timeout: 10_000 });
  await expect(signedInLine(tab)).toContainText('assurance AAL3_ANY (SCARD)');
});
