import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_SIGN_IN_PATH } from '../../../src-shared/api/agent-bridge.js';
import { startAgentBridge } from '../../../src-main/bridge/bridge-server.js';
import { R1, signIn, startAgent, startServiceRig, watchServiceSecrets, type AgentRig, type ServiceRig } from '../agent/support/agent-rig.js';
import { browserOf, CLIENTS, REDIRECT_URI, type SignInBrowser } from '../service/sign-in/sign-in-rig.js';

// Sign-in for other apps at the agent core (agent.signInForApp, what the bridge calls): a live
// session signs its holder in to the app with the page's ticket; a locked session or none is
// told to the page instead; the agent takes a ticket once; the session token never reaches the
// page. And the Connect style: the passcode is asked when an app asks, not when the card goes in.

let rig: ServiceRig;
let browser: SignInBrowser;
const agents: AgentRig[] = [];
let secrets: ReturnType<typeof watchServiceSecrets> | undefined;

beforeAll(async () => {
  rig = await startServiceRig({ oidcClients: CLIENTS });
  browser = browserOf(rig.service);
});
afterAll(() => rig.close());
afterEach(async () => {
  secrets?.restore();
  secrets = undefined;
  for (const a of agents.splice(0)) await a.close();
});

function agent(options: Parameters<typeof startAgent>[1] = {}): AgentRig {
  const a = startAgent(rig.service.url, options);
  agents.push(a);
  return a;
}

async function shownPage(): Promise<{ uid: string; cookie: string; ticket: string }> {
  const { uid, cookie } = await browser.begin('ward-app');
  return { uid, cookie, ticket: browser.ticketOf((await browser.page(uid, cookie)).html) };
}

describe('agent.signInForApp', () => {
  it('rule: a live session signs its holder in to the app: the page is told only where the browser goes next, never the token', async () => {
    secrets = watchServiceSecrets();
    const a = agent();
    await signIn(a, await rig.card('clinician'));
    const page = await shownPage();
    const answer = await a.agent.signInForApp({ uid: page.uid, ticket: page.ticket });
    expect(answer.outcome).toBe('signed-in');
    const token = secrets.tokens.at(-1) as string;
    expect(JSON.stringify(answer)).not.toContain(token);
    expect((await browser.follow((answer as { redirectTo: string }).redirectTo, page.cookie)).startsWith(REDIRECT_URI)).toBe(true);
  });

  it('rule: the agent takes a ticket once: a replay is refused without asking the service', async () => {
    const a = agent();
    await signIn(a, await rig.card('clinician'));
    const page = await shownPage();
    expect((await a.agent.signInForApp(page)).outcome).toBe('signed-in');
    const before = await rig.db.selectFrom('oidc_sign_in_tickets').select('used_at').where('uid', '=', page.uid).executeTakeFirstOrThrow();
    expect(await a.agent.signInForApp({ uid: page.uid, ticket: page.ticket })).toEqual({
      outcome: 'refused',
      message: 'This sign-in has already been used. Go back to the app and sign in again.',
    });
    const after = await rig.db.selectFrom('oidc_sign_in_tickets').select('used_at').where('uid', '=', page.uid).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('rule: a locked session answers "locked" and the ticket is left for after unlocking', async () => {
    const a = agent({ removalMode: 'session-lock' });
    await signIn(a, await rig.card('clinician'));
    await a.call('agent.lock', {});
    const page = await shownPage();
    expect(await a.agent.signInForApp(page)).toEqual({ outcome: 'locked' });
    await a.call('agent.submitPasscode', { passcode: '123456' });
    await a.untilScreen('signed-in');
    expect((await a.agent.signInForApp(page)).outcome).toBe('signed-in');
  });

  it('rule: no session answers "no-session", and the same ticket works once the holder has signed in', async () => {
    const a = agent();
    const page = await shownPage();
    expect(await a.agent.signInForApp(page)).toEqual({ outcome: 'no-session' });
    await signIn(a, await rig.card('clinician'));
    expect((await a.agent.signInForApp(page)).outcome).toBe('signed-in');
  });

  it('rule: a refusal by the service reaches the page in its words (a ticket for another page)', async () => {
    const a = agent();
    await signIn(a, await rig.card('clinician'));
    const first = await shownPage();
    const second = await shownPage();
    expect(await a.agent.signInForApp({ uid: second.uid, ticket: first.ticket })).toEqual({
      outcome: 'refused',
      message: 'This sign-in belongs to another page. Go back to the app and sign in again.',
    });
  });
});

describe('Connect sign-in style (agent core)', () => {
  it('rule: nothing pops up when the card goes in; an app asking brings the passcode screen, and the page finishes once signed in', async () => {
    const a = agent({ signInStyle: 'connect' });
    const card = await rig.card('clinician');
    a.readers.insert(R1, card.engine);
    await a.until((s) => s.readers[0]?.card?.holderName === 'Amelia Hart', 'the card read');
    expect(a.screen().kind).toBe('no-card');

    const page = await shownPage();
    expect(await a.agent.signInForApp(page)).toEqual({ outcome: 'no-session' });
    await a.untilScreen('passcode');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    const choose = await a.untilScreen('choose-position');
    await a.call('agent.choosePosition', { positionId: choose.positions[0]?.positionId, remember: false });
    await a.untilScreen('signed-in');
    expect((await a.agent.signInForApp(page)).outcome).toBe('signed-in');
  });
});

describe('through the bridge', () => {
  it('rule: the page’s request through a real bridge reaches the agent and comes back with where to go', async () => {
    const a = agent();
    await signIn(a, await rig.card('clinician'));
    const bridge = await startAgentBridge({ port: 0, allowedOrigin: rig.service.ctx.publicOrigin, signIn: (r) => a.agent.signInForApp(r) });
    try {
      const page = await shownPage();
      const call = (origin: string) =>
        fetch(`${bridge.url}${BRIDGE_SIGN_IN_PATH}`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ uid: page.uid, ticket: page.ticket }) });
      const other = await call('http://evil.example');
      expect(other.status).toBe(403);
      const answer = await call(rig.service.ctx.publicOrigin);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { outcome: string }).outcome).toBe('signed-in');
      const replay = await call(rig.service.ctx.publicOrigin);
      expect(((await replay.json()) as { outcome: string }).outcome).toBe('refused');
    } finally {
      await bridge.close();
    }
  });
});
