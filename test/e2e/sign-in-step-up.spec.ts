import type { BrowserContext, Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { clinicalAppUrl, signedInLine, signInButton, smartcardStatus } from './support/clinical-app.js';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { CLINICIAN } from './support/personas.js';
import { logIn, openWorkstation, pageHeading, removeCard, removeEveryCard } from './support/workstation.js';

// Assurance (README "Assurance (ACR) and authenticators (AMR)"): a passkey is AAL2. The training
// clinical app (AAL2_OR_AAL3_ANY) takes a passkey sign-in; the training prescribing app
// (AAL3_ANY) does not: the same browser, already signed in at AAL2, is sent back to the sign-in
// page, which offers only the smartcard, and goes on once the card's session is there (step-up).
// The passkey lives in Chromium's virtual authenticator (DevTools protocol, WebAuthn domain).

useTrainingApp({ removalMode: 'normal' });

test.beforeEach(async ({ page, app }) => {
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
});

/**
 * A roaming passkey (a security key holding a discoverable credential, with user verification),
 * in `tab` only: virtual authenticators belong to one page.
 */
async function addVirtualPasskey(context: BrowserContext, tab: Page): Promise<void> {
  const cdp = await context.newCDPSession(tab);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

/** CIM: own profile -> Authenticators -> Add an authenticator -> passkey -> the registration page, in a new tab holding the passkey. */
async function registerPasskey(page: Page, context: BrowserContext): Promise<Page> {
  await page.getByRole('link', { name: 'View your profile' }).click();
  await expect(pageHeading(page)).toHaveText('Your profile');
  await page.getByRole('link', { name: 'Authenticators', exact: true }).click();
  await page.getByRole('link', { name: 'Add an authenticator' }).click();
  await page.getByRole('radio', { name: 'Security key or passkey' }).check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('button', { name: 'Create registration link' }).click();
  const opened = context.waitForEvent('page');
  await page.getByRole('link', { name: /^Open the registration page/ }).click();
  const tab = await opened;
  await addVirtualPasskey(context, tab);
  await tab.getByRole('button', { name: 'Register security key or passkey' }).click();
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Security key or passkey added');
  return tab;
}

test('rule: an AAL3 app refuses a passkey-only sign-in until the user steps up with the card', async ({ page, context }) => {
  await logIn(page, CLINICIAN);
  const clinicalApp = await clinicalAppUrl(page, 'Training clinical app');
  const prescribingApp = await clinicalAppUrl(page, 'Training prescribing app');
  const tab = await registerPasskey(page, context);
  await removeCard(page, CLINICIAN);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');

  // No card session: the AAL2 app takes the passkey.
  await tab.goto(clinicalApp);
  await signInButton(tab).click();
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expectNoAxeViolations(tab, 'the sign-in page, AAL2 app: smartcard and passkey');
  await tab.getByRole('button', { name: 'Sign in with a security key, passkey or Windows Hello' }).click();
  await expect(signedInLine(tab)).toHaveText(`Signed in as ${CLINICIAN.name}, ${CLINICIAN.position} at ${CLINICIAN.organisation}, assurance AAL2_OR_AAL3_ANY (FIDO2)`);

  // The AAL3 app: the browser's AAL2 session does not pass; the page offers the card alone.
  await tab.goto(prescribingApp);
  await signInButton(tab).click();
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  const main = tab.getByRole('main');
  await expect(main).toContainText('This app needs a smartcard (very high assurance)');
  await expect(tab.getByRole('button', { name: 'Sign in with a security key, passkey or Windows Hello' })).toHaveCount(0);
  await expect(smartcardStatus(tab)).toHaveText('Insert your smartcard and enter your passcode in the Identity Agent.');
  await expectNoAxeViolations(tab, 'the sign-in page, AAL3 app: smartcard only');

  // Step-up: the card in, passcode, position; the page carries on by itself.
  await logIn(page, CLINICIAN);
  await expect(signedInLine(tab)).toHaveText(`Signed in as ${CLINICIAN.name}, ${CLINICIAN.position} at ${CLINICIAN.organisation}, assurance AAL3_ANY (SCARD)`, { timeout: 10_000 });
});
