import { expectNoAxeViolations } from './support/axe.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN } from './support/personas.js';
import { identityAgent, logIn, openWorkstation, pageHeading, removeCard, removeEveryCard } from './support/workstation.js';

// Mobility removal mode: the card may leave the reader and the session carries on; the Identity
// Agent box says so, with the minutes the agent was started with, and lists the apps the session
// signed in to. (The timing rules are checked with a hand-moved clock in the agent's unit tests.)

useTrainingApp({ removalMode: 'mobility', reauthMinutes: 30, idleMinutes: 10 });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('the card can be removed without ending or locking the session, and the Identity Agent box says when it will be asked for again', async ({ page }) => {
  await logIn(page, CLINICIAN);
  const box = identityAgent(page);
  await expect(box).toContainText('You can remove your smartcard. You will be asked for it again every 30 minutes, and after 10 minutes without use.');
  await expect(box.getByRole('heading', { name: 'Signed in to' })).toBeVisible();
  await expect(box).toContainText('No apps.');
  await expectNoAxeViolations(page, 'Identity Agent box in mobility mode');

  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Care Identity Management Dashboard');
  await expect(box).toContainText(CLINICIAN.name);
  await page.getByRole('link', { name: 'View your profile' }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');

  await box.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(box).toHaveCount(0);
});
