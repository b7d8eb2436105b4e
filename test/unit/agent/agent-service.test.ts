import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { R1, signIn, startAgent, startServiceRig, type AgentRig, type ServiceRig } from './support/agent-rig.js';

// The agent and the identity service: certificate expiry at login, the service going away and
// coming back, and Care Identity Management calls made with the session's token.

let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

function agent(url: string, options: Parameters<typeof startAgent>[1] = {}): AgentRig {
  const a = startAgent(url, options);
  agents.push(a);
  return a;
}

describe('certificate expiry', () => {
  it('a card within 90 days of expiry signs in with renewal due and the tray shows expiring', async () => {
    const a = agent(rig.service.url);
    const card = await rig.card('card-near-expiry', { validDays: 30 });
    await signIn(a, card);
    const state = a.agent.state();
    expect(state.indicator).toBe('expiring');
    expect(state.screen).toMatchObject({
      kind: 'signed-in',
      session: { user: { name: 'Zoë Smith-Jones' }, expiry: { daysToExpiry: 30, renewalDue: true, certificateNotAfter: card.made.certificate.notAfter.toISOString() } },
    });
  });

  it('a card with years to run is not due for renewal and the tray shows signed-in', async () => {
    const a = agent(rig.service.url);
    await signIn(a, await rig.card('clinician'));
    expect(a.agent.state().indicator).toBe('signed-in');
    expect(a.screen()).toMatchObject({ kind: 'signed-in', session: { expiry: { renewalDue: false } } });
  });
});

describe('service unreachable', () => {
  let dir: string;
  let dbFile: string;
  let port: number;
  let own: ServiceRig | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-outage-'));
    dbFile = join(dir, 'service.sqlite');
  });
  afterEach(async () => {
    await own?.close();
    own = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function startOwn(): Promise<ServiceRig> {
    own = await startServiceRig({ dbFile, ...(port ? { port } : {}) });
    port = Number(new URL(own.service.url).port);
    return own;
  }

  it('an idle agent notices the service going (health check), shows unreachable with a retry countdown, and reconnects by itself', async () => {
    const service = await startOwn();
    const a = agent(service.service.url, { serviceMonitor: { firstRetryMs: 200, maxRetryMs: 400, heartbeatMs: 150 } });
    await a.until((s) => s.service.status === 'connected', 'connected');
    await service.close();
    own = undefined;
    const down = await a.until((s) => s.service.status === 'unreachable', 'unreachable');
    expect(down.service.message).toMatch(/cannot be reached/);
    expect(Number.isInteger(down.service.retryInSeconds)).toBe(true);
    expect(down.indicator).toBe('error');
    // It keeps retrying (the countdown runs again after each failed probe).
    await a.until((s) => s.service.status === 'unreachable' && s.service.retryInSeconds === 0, 'a retry under way');
    await startOwn();
    const up = await a.until((s) => s.service.status === 'connected', 'connected again');
    expect(up.service).toEqual({ status: 'connected', message: null, retryInSeconds: null });
    expect(up.indicator).toBe('no-card');
  });

  it('a login while the service is down fails with a clear error and leaves nothing half signed in; once it is back, the login works', async () => {
    const service = await startOwn();
    const card = await service.card('clinician');
    const a = agent(service.service.url, { serviceMonitor: { firstRetryMs: 200, maxRetryMs: 400 } });
    await a.until((s) => s.service.status === 'connected', 'connected');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    await service.close();
    own = undefined;

    const failure = await a.failure('agent.submitPasscode', { passcode: '123456' });
    expect(failure.code).toBe('service-unreachable');
    expect(failure.message).toMatch(/identity service cannot be reached/);
    const state = a.agent.state();
    expect(state.screen).toMatchObject({ kind: 'passcode', busy: false, error: failure.message, attemptsRemaining: 3 });
    expect(state.service.status).toBe('unreachable');
    expect(state.service.retryInSeconds).not.toBeNull();
    expect(card.triesLeft()).toBe(3);

    // Known to be down: the next try does not even reach the card.
    const sent = card.commands.length;
    expect((await a.failure('agent.submitPasscode', { passcode: '123456' })).code).toBe('service-unreachable');
    expect(card.commands.length).toBe(sent);

    const back = await startOwn();
    expect(await back.liveSessions()).toBe(0);
    await a.until((s) => s.service.status === 'connected', 'connected again', 5000);
    await a.call('agent.submitPasscode', { passcode: '123456' });
    const choose = await a.untilScreen('choose-position');
    await a.call('agent.choosePosition', { positionId: choose.positions[0]?.positionId, remember: false });
    expect(a.screen().kind).toBe('signed-in');
    expect(await back.liveSessions()).toBe(1);
    await a.call('agent.logout', {});
  });
});

describe('Care Identity Management through the session', () => {
  it('before login every CIM call fails with not-signed-in', async () => {
    const a = agent(rig.service.url);
    for (const [channel, payload] of [
      ['cim.myProfile', {}],
      ['cim.findUsers', { name: 'Okafor' }],
      ['cim.getProfile', { uuid: rig.personas.get('sponsor')?.persona.uuid }],
    ] as const) {
      const failure = await a.failure(channel, payload);
      expect(failure).toMatchObject({ code: 'not-signed-in', message: 'Sign in with your smartcard first.' });
    }
  });

  it('signed in, the calls work with the session; out of scope only the directory part comes back; the service\'s refusals are passed on', async () => {
    const a = agent(rig.service.url);
    const clinician = rig.personas.get('clinician')?.persona;
    const sponsor = rig.personas.get('sponsor')?.persona;
    const lsa = rig.personas.get('lsa')?.persona;
    await signIn(a, await rig.card('clinician'));

    const me = (await a.call('cim.myProfile', {})) as { uuid: string; givenName: string; assignments: unknown[] };
    expect(me).toMatchObject({ uuid: clinician?.uuid, givenName: 'Amelia' });
    expect(me.assignments).toHaveLength(1);

    const found = (await a.call('cim.findUsers', { name: 'Okafor', onlyMyOrganisations: true })) as { results: { uuid: string; name: string }[] };
    expect(found.results.map((r) => r.uuid)).toContain(sponsor?.uuid);
    const byNi = (await a.call('cim.findUsers', { niNumber: 'tr 000002 a' })) as { results: { uuid: string }[] };
    expect(byNi.results.map((r) => r.uuid)).toEqual([sponsor?.uuid]);

    const colleague = (await a.call('cim.getProfile', { uuid: sponsor?.uuid })) as { familyName: string };
    expect(colleague.familyName).toBe('Okafor');

    // The LSA works at the trust above the clinician's hospital: outside the clinician's scope,
    // so only the directory part (name, organisations, current positions) comes back.
    const outside = await a.call('cim.getProfile', { uuid: lsa?.uuid });
    expect(outside).toMatchObject({ access: 'directory', familyName: 'Bradley', niNumber: null, email: null, mobile: null, cards: [] });

    const nobody = await a.failure('cim.getProfile', { uuid: '00000000-0000-4000-8000-000000000000' });
    expect(nobody.code).toBe('service-refused');
    expect(nobody.message).toMatch(/not found/);

    const empty = await a.failure('cim.findUsers', {});
    expect(empty.code).toBe('bad-request');
    expect(empty.message).toMatch(/give a name, a National Insurance number or a smartcard UUID/);

    await a.call('agent.logout', {});
    expect((await a.failure('cim.myProfile', {})).code).toBe('not-signed-in');
  });

  it('a session the service has ended is noticed by the periodic check while idle, and the card is asked for its passcode again', async () => {
    const a = agent(rig.service.url, { serviceMonitor: { heartbeatMs: 100 } });
    const card = await rig.card('lsa');
    await signIn(a, card);
    await rig.db.updateTable('sessions').set({ expires_at: Date.now() - 1 }).where('ended_at', 'is', null).where('card_id', '=', card.made.cardId).execute();
    const prompt = await a.untilScreen('passcode', 3000);
    expect(prompt).toMatchObject({ holderName: 'Tom Bradley', error: 'Your session has ended. Enter your passcode to sign in again.' });
  });

  it('a session the service has ended (expired, revoked) ends in the agent at the next call', async () => {
    const a = agent(rig.service.url);
    const card = await rig.card('ra-agent');
    await signIn(a, card);
    await rig.db.updateTable('sessions').set({ ended_at: Date.now(), end_reason: 'test' }).where('ended_at', 'is', null).where('card_id', '=', card.made.cardId).execute();
    const failure = await a.failure('cim.myProfile', {});
    expect(failure.code).toBe('not-signed-in');
    expect(a.screen()).toMatchObject({ kind: 'passcode', holderName: 'Priya Patel', error: 'Your session has ended. Enter your passcode to sign in again.' });
  });
});
