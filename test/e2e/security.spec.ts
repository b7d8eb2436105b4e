import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, useTrainingApp } from './support/fixtures.js';
import { probeWebSocket, type SocketProbe } from './support/in-page.js';
import { RA_AGENT, SPONSOR } from './support/personas.js';
import { choosePosition, enterPasscode, identityAgent, insertCard, openWorkstation, pageHeading, removeEveryCard } from './support/workstation.js';

// DESIGN §2: the renderer never holds a passcode after submitting it, nor a token; the browser
// shell admits only its own page, with this launch's secret, from its own origin.

useTrainingApp();

/** 32 random bytes in base64url (a session token or the launch secret) is 43 characters. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{43,}/;
const WRONG_PASSCODE = '80421957';

/**
 * The training panel lists the personas' training passcodes by design (in every state, pushed or
 * answered to agent.getState); nothing else may carry one.
 */
function withoutTrainingPanel(frame: string): string {
  const message = JSON.parse(frame) as { state?: { training?: unknown }; result?: { training?: unknown } };
  if (message.state && typeof message.state === 'object') delete message.state.training;
  if (message.result && typeof message.result === 'object') delete message.result.training;
  return JSON.stringify(message);
}

/** Refused at the handshake (1006) or right after it (1008), and told nothing either way. */
function expectRefused(probe: SocketProbe): void {
  expect(probe.messages).toBe(0);
  expect([1006, 1008]).toContain(probe.closeCode);
}

test('no passcode, secret or token-like value reaches the page, and the passcode leaves it once', async ({ page, app }) => {
  const received: string[] = [];
  const sent: string[] = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => received.push(payload.toString()));
    socket.on('framesent', ({ payload }) => sent.push(payload.toString()));
  });

  await openWorkstation(page, app);
  expect(page.url(), 'the secret is taken out of the address bar').toBe(`${app.origin}/`);
  await removeEveryCard(page);
  await insertCard(page, RA_AGENT, 1);
  await enterPasscode(page, WRONG_PASSCODE);
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toContainText('Wrong passcode');
  await enterPasscode(page, RA_AGENT.passcode);
  await choosePosition(page, RA_AGENT);
  await expect(identityAgent(page)).toContainText(RA_AGENT.name);
  await page.getByRole('link', { name: 'Find an existing user' }).click();
  await page.getByLabel('National Insurance number').fill('TR 00 00 02 A');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('row').filter({ hasText: SPONSOR.name })).toBeVisible();

  expect(received.some((frame) => frame.includes('"type":"result"') && frame.includes(SPONSOR.name)), 'a CIM result was among the frames').toBe(true);
  for (const frame of received) {
    const shown = withoutTrainingPanel(frame);
    expect(shown).not.toContain(RA_AGENT.passcode);
    expect(shown).not.toContain(WRONG_PASSCODE);
    expect(frame).not.toContain(app.secret);
    expect(frame).not.toMatch(TOKEN_LIKE);
  }
  const carrying = sent.filter((frame) => frame.includes(RA_AGENT.passcode));
  expect(carrying, 'the right passcode is sent once').toHaveLength(1);
  expect(JSON.parse(carrying[0] as string)).toMatchObject({ channel: 'agent.submitPasscode', payload: { passcode: RA_AGENT.passcode } });
  expect(sent.filter((frame) => frame.includes(WRONG_PASSCODE)), 'the wrong one once too').toHaveLength(1);

  const stored = await page.evaluate<string>('JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])');
  expect(stored, 'the page keeps no passcode').not.toContain(RA_AGENT.passcode);
  expect(stored).not.toContain(WRONG_PASSCODE);
});

test('a page opened without the secret cannot use the agent, and a wrong secret is refused', async ({ browser, app }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));

  await page.goto(`${app.origin}/`);

  await expect(pageHeading(page)).toHaveText('Open Care Identity from the Identity Agent');
  expect(sockets, 'the page does not even try').toEqual([]);
  const api = `${app.origin.replace(/^http/, 'ws')}/api`;
  const wrong = await page.evaluate<SocketProbe>(probeWebSocket(`${api}?secret=${'x'.repeat(43)}`));
  const none = await page.evaluate<SocketProbe>(probeWebSocket(api));
  const right = await page.evaluate<SocketProbe>(probeWebSocket(`${api}?secret=${encodeURIComponent(app.secret)}`));
  expectRefused(wrong);
  expectRefused(none);
  expect(right, 'the same page with the secret is admitted').toMatchObject({ messages: 1 });
  await context.close();
});

test('a WebSocket from another origin is refused even with the secret', async ({ browser, app }) => {
  const elsewhere = await serveOnePage('<!doctype html><html lang="en"><title>Elsewhere</title><p>Another site</p></html>');
  const context = await browser.newContext();
  try {
    const api = `${app.origin.replace(/^http/, 'ws')}/api?secret=${encodeURIComponent(app.secret)}`;
    const page = await context.newPage();

    await page.goto(elsewhere.url);
    const fromOtherSite = await page.evaluate<SocketProbe>(probeWebSocket(api));
    await page.goto('about:blank');
    const fromBlankPage = await page.evaluate<SocketProbe>(probeWebSocket(api));

    expectRefused(fromOtherSite);
    expectRefused(fromBlankPage);
  } finally {
    await context.close();
    await elsewhere.close();
  }
});

async function serveOnePage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
