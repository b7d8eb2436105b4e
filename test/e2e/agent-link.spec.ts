import { expect, test, useTrainingApp } from './support/fixtures.js';
import { tapAgentLink } from './support/agent-link-tap.js';
import { BRIDGE_CALLS, fakeElectronBridge } from './support/in-page.js';
import { CLINICIAN, SPONSOR } from './support/personas.js';
import {
  announcements,
  choosePosition,
  identityAgent,
  insertCard,
  logIn,
  okButton,
  openWorkstation,
  pageHeading,
  passcodeField,
  recordAnnouncements,
  removeEveryCard,
} from './support/workstation.js';

// The page's own link to the agent (browser mode's WebSocket): it says when the link is down,
// comes back by itself, and says what to do when the agent will not have it at all.

useTrainingApp();

test('when the link to the agent drops, the page says so and reconnects by itself', async ({ page, app }) => {
  const { links } = await tapAgentLink(page);
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await logIn(page, CLINICIAN);

  await recordAnnouncements(page);
  await links.at(-1)?.close({ code: 1001, reason: 'test: link cut' });

  await expect(page.getByRole('region', { name: 'Important' })).toContainText(/Lost connection to the Identity Agent\. Trying again in \d+ seconds?\./);
  await expect.poll(() => links.length, { message: 'the page opens a new link' }).toBe(2);
  await expect(page.getByRole('region', { name: 'Important' })).toHaveCount(0);
  await expect.poll(() => announcements(page)).toContain('Lost connection to the Identity Agent.');
  await expect.poll(() => announcements(page)).toContain('Connected to the Identity Agent again.');
  await expect(identityAgent(page), 'the session is still there').toContainText(CLINICIAN.name);

  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toHaveCount(0);
});

test('a secret from an earlier start is refused, and the page says which address to open', async ({ page, app }) => {
  await page.goto(`${app.origin}/?secret=${'A'.repeat(43)}`);

  await expect(pageHeading(page)).toHaveText('Open Care Identity from the Identity Agent');
  await expect(page.getByRole('main')).toContainText('The Identity Agent did not accept this page');
  expect(page.url(), 'the refused secret is not left in the address bar').toBe(`${app.origin}/`);
  await expect(page.getByRole('region', { name: 'Training cards' }), 'nothing from the agent is shown').toHaveCount(0);
});

test("the agent's word that the identity service is unreachable is shown with a countdown", async ({ page, app }) => {
  const tap = await tapAgentLink(page);
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(page.getByRole('region', { name: 'Important' })).toHaveCount(0);
  await recordAnnouncements(page);

  tap.pushState((state) => {
    state.service = { status: 'unreachable', message: null, retryInSeconds: 30 };
  });

  const banner = page.getByRole('region', { name: 'Important' });
  await expect(banner).toContainText(/Cannot reach the identity service\. Trying again in (30|29|28) seconds\./);
  await expect(banner).toContainText(/Trying again in 2[0-8] seconds\./, { timeout: 5000 });
  await expect.poll(() => announcements(page)).toContain('Cannot reach the identity service.');
});

test('a message outside the contract is ignored and the page carries on', async ({ page, app }) => {
  const { links } = await tapAgentLink(page);
  await openWorkstation(page, app);
  await removeEveryCard(page);
  await expect(pageHeading(page)).toHaveText('Insert your smartcard');

  // A "signed-in" state with no session, a newer version and a stray field: none of it is true.
  links.at(-1)?.send(JSON.stringify({ type: 'state', state: { version: 1e6, screen: { kind: 'signed-in' }, admin: true } }));
  links.at(-1)?.send('not json at all');

  await expect(pageHeading(page)).toHaveText('Insert your smartcard');
  await expect(identityAgent(page)).toHaveCount(0);
  await insertCard(page, SPONSOR, 1);
  await expect(pageHeading(page), 'later states still arrive').toContainText(SPONSOR.name);
});

test("inside Electron the page talks through the preload's window.careIdentity, replies and errors alike", async ({ page, app }) => {
  await page.addInitScript({ content: fakeElectronBridge(app.secret) });
  // No secret in the address: only the bridge can make this page work.
  await page.goto(`${app.origin}/`);
  await removeEveryCard(page);

  await insertCard(page, CLINICIAN, 1);
  await passcodeField(page).fill('11223344');
  await okButton(page).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toContainText('Wrong passcode');
  await passcodeField(page).fill(CLINICIAN.passcode);
  await okButton(page).click();
  await choosePosition(page, CLINICIAN);
  await expect(identityAgent(page)).toContainText(CLINICIAN.name);

  const calls = await page.evaluate<string[]>(BRIDGE_CALLS);
  expect(calls).toEqual(expect.arrayContaining(['agent.getState', 'training.insertCard', 'agent.submitPasscode', 'agent.choosePosition']));
  await identityAgent(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(identityAgent(page)).toHaveCount(0);
});
