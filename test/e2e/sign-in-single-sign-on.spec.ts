import { expectNoAxeViolations } from './support/axe.js';
import { expectNoErrorsIn, expectSignedOutByBackChannel, openClinicalApp, signedInLine, signInButton, signOutButton } from './support/clinical-app.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN } from './support/personas.js';
import { logIn, openWorkstation, pageHeading, removeCard, removeEveryCard } from './support/workstation.js';

// Single sign-on with the smartcard (README "Sign-in for other apps"): the training clinical
// app, a relying party on openid-client, signs a clinician in through the identity service's
// provider; the card session at the workstation answers the sign-in page through the local
// agent, so nobody types a passcode twice; pulling the card (normal mode) reaches the app's
// back-channel logout endpoint with a logout token it verified against the provider's keys.

useTrainingApp({ removalMode: 'normal' });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

test('rule: a clinician signed in by card goes straight through to the clinical app, at AAL3 by smartcard', async ({ page }) => {
  await logIn(page, CLINICIAN);
  await expectNoAxeViolations(page, 'the workstation, with the training panel linking to the apps');
  const tab = await openClinicalApp(page, 'Training clinical app');
  await expectNoAxeViolations(tab, 'Training clinical app, signed out');

  await signInButton(tab).click();

  await expect(signedInLine(tab)).toHaveText(`Signed in as ${CLINICIAN.name}, ${CLINICIAN.position} at ${CLINICIAN.organisation}, assurance AAL3_ANY (SCARD)`);
  await expect(tab.getByRole('textbox')).toHaveCount(0);
  await expectNoAxeViolations(tab, 'Training clinical app, signed in');
  expectNoErrorsIn(tab);
});

test("rule: userinfo tells the app the user's name, organisation, position and assurance", async ({ page }) => {
  await logIn(page, CLINICIAN);
  const tab = await openClinicalApp(page, 'Training clinical app');
  await signInButton(tab).click();
  await expect(signedInLine(tab)).toBeVisible();

  const userinfo = tab.getByRole('definition');
  const claim = (name: string) => tab.locator('.nhsuk-summary-list__row').filter({ has: tab.getByRole('term').getByText(name, { exact: true }) });
  await expect(userinfo.first()).toBeVisible();
  await expect(claim('sub')).toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  await expect(claim('name')).toContainText(CLINICIAN.name);
  await expect(claim('organisation')).toContainText(CLINICIAN.organisation);
  await expect(claim('position')).toContainText(CLINICIAN.position);
});

test('rule: removing the card (normal mode) signs the app out through its back-channel logout endpoint', async ({ page }) => {
  await logIn(page, CLINICIAN);
  const tab = await openClinicalApp(page, 'Training clinical app');
  await signInButton(tab).click();
  await expect(signedInLine(tab)).toBeVisible();

  await removeCard(page, CLINICIAN);

  await expectSignedOutByBackChannel(tab);
  await expectNoAxeViolations(tab, 'Training clinical app, signed out by the back channel');
});

test('rule: without a card session the sign-in page asks for the card, and goes on once the clinician has logged in', async ({ page }) => {
  const tab = await openClinicalApp(page, 'Training clinical app');
  await signInButton(tab).click();

  await expect(tab.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(tab.getByRole('main')).toContainText('Insert your smartcard');
  await expectNoAxeViolations(tab, 'the sign-in page, no card session');

  await logIn(page, CLINICIAN);

  await expect(signedInLine(tab)).toContainText(`Signed in as ${CLINICIAN.name}`, { timeout: 10_000 });
  expectNoErrorsIn(tab);
});

test('rule: "Sign out" in the app ends the sign-in at the identity service (RP-initiated logout)', async ({ page }) => {
  await logIn(page, CLINICIAN);
  const tab = await openClinicalApp(page, 'Training clinical app');
  await signInButton(tab).click();
  await expect(signedInLine(tab)).toBeVisible();

  await signOutButton(tab).click();
  // The identity service asks whether to end its own session too.
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Sign out');
  await expectNoAxeViolations(tab, 'the identity service asks whether to sign out');
  await tab.getByRole('button', { name: 'Sign out', exact: true }).click();

  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Training clinical app');
  await expect(tab.getByText(/^You signed out at \d\d:\d\d:\d\d\.$/)).toBeVisible();
  await expect(signedInLine(tab)).toHaveCount(0);

  // The provider's session is over: signing in again goes through the sign-in page (which asks
  // the Identity Agent afresh; the card's session is still there, so it goes straight through).
  const visited: string[] = [];
  tab.on('framenavigated', (frame) => visited.push(new URL(frame.url()).pathname));
  await signInButton(tab).click();
  await expect(signedInLine(tab)).toContainText('assurance AAL3_ANY (SCARD)');
  expect(visited.some((path) => path.startsWith('/oidc/interaction/'))).toBe(true);
});

test('rule: a second app signs in from the same provider session, and the card out signs both out', async ({ page }) => {
  await logIn(page, CLINICIAN);
  const clinical = await openClinicalApp(page, 'Training clinical app');
  await signInButton(clinical).click();
  await expect(signedInLine(clinical)).toBeVisible();
  const prescribing = await openClinicalApp(page, 'Training prescribing app');
  await expectNoAxeViolations(prescribing, 'Training prescribing app, signed out');
  await signInButton(prescribing).click();
  await expect(signedInLine(prescribing)).toHaveText(`Signed in as ${CLINICIAN.name}, ${CLINICIAN.position} at ${CLINICIAN.organisation}, assurance AAL3_ANY (SCARD)`);

  await removeCard(page, CLINICIAN);

  await expectSignedOutByBackChannel(clinical);
  await expectSignedOutByBackChannel(prescribing);
  expectNoErrorsIn(clinical);
  expectNoErrorsIn(prescribing);
});
