import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { BridgeSignInAnswer, BridgeSignInRequest } from '../../src-shared/api/agent-bridge.js';
import { startAgentBridge, type AgentBridge } from '../../src-main/bridge/bridge-server.js';
import { startService, type RunningService } from '../../src-service/start-service.js';
import { expectNoAxeViolations } from './support/axe.js';

// The sign-in page's script in Chromium against the agent's bridge: the cross-origin call from
// the service's page to the loopback bridge (preflight, private network access), "Insert your
// smartcard" while the agent has no session, then straight on to the app once it has one. The
// agent behind the bridge is a stand-in whose answers the test sets; the whole flow with the
// real agent and card is proved at the agent core (test/unit/bridge/app-sign-in.test.ts).

const APP_PORT = 5998;
const CALLBACK = `http://localhost:${APP_PORT}/callback`;

let service: RunningService;
let bridge: AgentBridge;
let app: Server;
const dataDir = mkdtempSync(join(tmpdir(), 'cis-e2e-sign-in-'));
let answer: BridgeSignInAnswer = { outcome: 'no-session' };
const asked: BridgeSignInRequest[] = [];

test.beforeAll(async () => {
  app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html lang="en"><title>Ward Rounds</title><h1>Ward Rounds</h1></html>'));
  await new Promise<void>((resolve) => app.listen(APP_PORT, '127.0.0.1', resolve));
  service = await startService({
    dbFile: join(dataDir, 'service.sqlite'),
    oidcClients: [{ client_id: 'ward-app', client_name: 'Ward Rounds', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', default_acr_values: ['AAL3_ANY'] }],
  });
  bridge = await startAgentBridge({
    port: 0,
    allowedOrigin: service.ctx.publicOrigin,
    signIn: async (request) => {
      asked.push(request);
      return answer;
    },
  });
  service.ctx.agentBridgeUrl = bridge.url;
});

test.afterAll(async () => {
  await bridge.close();
  await service.close();
  app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const authorize = (): string =>
  `${service.ctx.publicOrigin}/oidc/auth?${new URLSearchParams({
    client_id: 'ward-app',
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString()}`;

test('the app’s sign-in page asks the Identity Agent, says to insert the card, and goes on once there is a session', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  answer = { outcome: 'no-session' };
  await page.goto(authorize());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.getByText('Ward Rounds', { exact: true })).toBeVisible();
  await expect(page.getByText('This app needs a smartcard (very high assurance)')).toBeVisible();
  // The smartcard's own status line (an AAL3 page has the iPad's too).
  const cardStatus = page.getByRole('status').filter({ hasText: /smartcard|Identity Agent/ });
  await expect(cardStatus).toHaveText('Insert your smartcard and enter your passcode in the Identity Agent.');
  await expectNoAxeViolations(page, 'sign-in page, waiting for the smartcard');
  const uid = new URL(page.url()).pathname.split('/').at(-1);
  expect(asked.at(-1)?.uid).toBe(uid);

  answer = { outcome: 'locked' };
  await expect(cardStatus).toContainText('Unlock the Identity Agent first');

  answer = { outcome: 'signed-in', redirectTo: `${CALLBACK}?from=agent` };
  await page.waitForURL(`${CALLBACK}?from=agent`);
  // The page asked again with the same ticket each time: one page, one ticket.
  expect(new Set(asked.filter((a) => a.uid === uid).map((a) => a.ticket)).size).toBe(1);
  expect(problems).toEqual([]);
});

test('a refusal is shown in the error summary, which takes focus, with a way to try again', async ({ page }) => {
  answer = { outcome: 'refused', message: 'This sign-in has already been used. Go back to the app and sign in again.' };
  await page.goto(authorize());
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('There is a problem');
  await expect(summary.getByRole('link', { name: 'This sign-in has already been used. Go back to the app and sign in again.' })).toBeVisible();
  await expect(summary).toBeFocused();
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expectNoAxeViolations(page, 'sign-in page, refused');
});
