import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentState } from '../../../src-shared/api/agent-api.js';
import { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { R1, R2, sessionStatus, signIn, startAgent, startServiceRig, watchServiceSecrets, type AgentRig, type ServiceRig } from './support/agent-rig.js';

// Card removal: in normal mode pulling the session's card ends the session at once; in
// session-lock mode it locks, and only the same card with its passcode resumes it. A card in
// the other reader never disturbs the session.

let rig: ServiceRig;
const agents: AgentRig[] = [];
let secrets: ReturnType<typeof watchServiceSecrets>;

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  secrets?.restore();
  for (const a of agents.splice(0)) await a.close();
});

function agent(options: Parameters<typeof startAgent>[1] = {}): AgentRig {
  const a = startAgent(rig.service.url, options);
  agents.push(a);
  return a;
}

const liveSessionIds = async (): Promise<number[]> =>
  (await rig.db.selectFrom('sessions').select('id').where('ended_at', 'is', null).where('expires_at', '>', Date.now()).orderBy('id').execute()).map((s) => s.id);

describe('normal removal mode', () => {
  it("removing the session's card shows no-card in the same tick as the removal event, and the service session is ended (its token stops working)", async () => {
    secrets = watchServiceSecrets();
    const a = agent({ removalMode: 'normal' });
    const card = await rig.card('clinician');
    const live = await liveSessionIds();
    await signIn(a, card);
    const token = secrets.tokens.at(-1) as string;
    expect(await sessionStatus(rig.service, token, a.dataDir)).toBe(200);
    expect(await liveSessionIds()).toHaveLength(live.length + 1);

    // Listening after the agent: by the time this runs, in the same emit, the agent has moved on.
    let seen: AgentState | undefined;
    a.readers.once('card-removed', () => {
      seen = a.agent.state();
    });
    a.readers.remove(R1);
    expect(seen?.screen).toEqual({ kind: 'no-card' });
    expect(seen?.indicator).toBe('no-card');
    await vi.waitFor(async () => expect(await liveSessionIds()).toEqual(live), { timeout: 3000 });
    expect(await sessionStatus(rig.service, token, a.dataDir)).toBe(401);
    expect((await a.failure('cim.myProfile', {})).code).toBe('not-signed-in');
  });

  it('agent.lock locks on demand with the card still in; its passcode resumes the same session; pulling it while locked ends the session', async () => {
    secrets = watchServiceSecrets();
    const a = agent({ removalMode: 'normal' });
    const card = await rig.card('clinician');
    await signIn(a, card);
    const signedIn = a.screen();
    const ids = await liveSessionIds();
    await a.call('agent.lock', {});
    // The card's counter is not known after a successful VERIFY (it is full again, but the card has not said).
    expect(a.screen()).toEqual({ kind: 'session-locked', holderName: 'Amelia Hart', cardUuid: card.cardUuid, reader: R1, attemptsRemaining: null, busy: false, error: null });
    expect(a.agent.state().indicator).toBe('locked');
    expect((await a.failure('cim.myProfile', {})).code).toBe('not-signed-in');

    await a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen()).toEqual(signedIn);
    expect(await liveSessionIds()).toEqual(ids);
    expect(secrets.tokens).toHaveLength(1);

    await a.call('agent.lock', {});
    a.readers.remove(R1);
    expect(a.screen()).toEqual({ kind: 'no-card' });
    await vi.waitFor(async () => expect(await liveSessionIds()).toHaveLength(ids.length - 1), { timeout: 3000 });
    expect(await sessionStatus(rig.service, secrets.tokens[0] as string, a.dataDir)).toBe(401);
  });

  it('agent.logout ends the session; the card stays in but is not asked for its passcode again until re-inserted', async () => {
    secrets = watchServiceSecrets();
    const a = agent();
    const card = await rig.card('sponsor');
    await signIn(a, card);
    await a.call('agent.logout', {});
    expect(a.screen()).toEqual({ kind: 'no-card' });
    expect(a.agent.state().indicator).toBe('card-present');
    await vi.waitFor(async () => expect(await sessionStatus(rig.service, secrets.tokens[0] as string, a.dataDir)).toBe(401), { timeout: 3000 });
    expect((await a.failure('agent.logout', {})).code).toBe('not-signed-in');
  });
});

describe('session-lock removal mode', () => {
  it('removal locks; a different card shows in its reader but does not resume; the same card and passcode resume the same session', async () => {
    secrets = watchServiceSecrets();
    const a = agent({ removalMode: 'session-lock' });
    const card = await rig.card('clinician');
    const other = await rig.card('sponsor');
    await signIn(a, card);
    const signedIn = a.screen();
    const ids = await liveSessionIds();

    a.readers.remove(R1);
    expect(a.screen()).toEqual({ kind: 'session-locked', holderName: 'Amelia Hart', cardUuid: card.cardUuid, reader: null, attemptsRemaining: null, busy: false, error: null });
    expect(a.agent.state().indicator).toBe('locked');
    expect(await liveSessionIds()).toEqual(ids);
    expect((await a.failure('agent.submitPasscode', { passcode: '123456' })).code).toBe('not-now');

    // Someone else's card: present in its reader, the session stays locked.
    a.readers.insert(R1, other.engine);
    await a.until((s) => s.readers[0]?.card?.holderName === 'Grace Okafor', 'the other card read');
    expect(a.screen()).toMatchObject({ kind: 'session-locked', cardUuid: card.cardUuid, reader: null });
    expect(a.agent.state().readers[0]?.card).toEqual({ holderName: 'Grace Okafor', cardUuid: other.cardUuid, inSession: false });
    expect((await a.failure('agent.submitPasscode', { passcode: '123456' })).code).toBe('not-now');
    expect(other.triesLeft()).toBe(3);
    a.readers.remove(R1);

    // The right card, in the other reader this time.
    a.readers.insert(R2, card.engine);
    await a.until((s) => s.screen.kind === 'session-locked' && s.screen.reader === R2, 'the session card back');
    expect(a.agent.state().readers[1]?.card?.inSession).toBe(true);
    const wrong = await a.failure('agent.submitPasscode', { passcode: '999999' });
    expect(wrong).toMatchObject({ code: 'wrong-passcode', message: 'Wrong passcode. 2 attempts remaining.' });
    expect(a.screen()).toMatchObject({ kind: 'session-locked', attemptsRemaining: 2, error: 'Wrong passcode. 2 attempts remaining.' });
    expect((await a.failure('agent.submitPasscode', { passcode: '12' })).code).toBe('passcode-policy');
    expect(card.triesLeft()).toBe(2);

    await a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen()).toEqual({ ...signedIn, session: { ...(signedIn as { session: object }).session, reader: R2 } });
    expect(await liveSessionIds()).toEqual(ids);
    // Same session: no second token was ever issued, and the first still works.
    expect(secrets.tokens).toHaveLength(1);
    expect(await sessionStatus(rig.service, secrets.tokens[0] as string, a.dataDir)).toBe(200);
    expect(card.triesLeft()).toBe(3);
    await a.call('agent.logout', {});
  });

  it('a card carrying a copy of the session card\'s UUID and certificate cannot resume it: it must prove the key', async () => {
    const a = agent({ removalMode: 'session-lock' });
    const card = await rig.card('clinician');
    await signIn(a, card);
    const live = await rig.liveSessions();
    a.readers.remove(R1);
    // Another card (its own 9A key) given the session card's CHUID and certificate objects.
    const donor = await rig.card('sponsor');
    const state = VirtualCardState.parse(structuredClone(donor.made.state));
    state.objects = { ...card.made.state.objects };
    const clone = new PivCardEngine(state);
    a.readers.insert(R1, clone);
    await a.until((s) => s.screen.kind === 'session-locked' && s.screen.reader === R1, 'the clone read');
    const failure = await a.failure('agent.submitPasscode', { passcode: '123456' });
    expect(failure.code).toBe('not-now');
    expect(failure.message).toMatch(/did not prove/);
    expect(a.screen()).toMatchObject({ kind: 'session-locked', busy: false, error: failure.message });
    // The locked session is neither ended nor handed over: it is still there for its own card.
    expect(await rig.liveSessions()).toBe(live);
  });

  it('logging out of a locked session lets the other card sign in', async () => {
    const a = agent({ removalMode: 'session-lock' });
    const card = await rig.card('clinician');
    const other = await rig.card('sponsor');
    await signIn(a, card);
    a.readers.remove(R1);
    a.readers.insert(R1, other.engine);
    await a.until((s) => s.readers[0]?.card?.holderName === 'Grace Okafor', 'the other card read');
    await a.call('agent.logout', {});
    expect(a.screen()).toMatchObject({ kind: 'passcode', holderName: 'Grace Okafor', reader: R1 });
  });
});

describe('two readers', () => {
  it('a card inserted in the other reader while signed in shows in readers and leaves the session alone, in and out', async () => {
    const a = agent();
    const card = await rig.card('lsa');
    const colleague = await rig.card('locked-card', { locked: true });
    await signIn(a, card);
    const signedIn = a.agent.state();
    const ids = await liveSessionIds();

    a.readers.insert(R2, colleague.engine);
    await a.until((s) => s.readers[1]?.card?.holderName === 'Rhys Evans', 'the colleague card read');
    const during = a.agent.state();
    expect(during.screen).toEqual(signedIn.screen);
    expect(during.indicator).toBe('signed-in');
    expect(during.readers).toEqual([
      { name: R1, card: { holderName: 'Tom Bradley', cardUuid: card.cardUuid, inSession: true } },
      { name: R2, card: { holderName: 'Rhys Evans', cardUuid: colleague.cardUuid, inSession: false } },
    ]);
    a.readers.remove(R2);
    expect(a.screen()).toEqual(signedIn.screen);
    expect(await liveSessionIds()).toEqual(ids);
    const profile = (await a.call('cim.myProfile', {})) as { givenName: string };
    expect(profile.givenName).toBe('Tom');
    await a.call('agent.logout', {});
  });
});
