import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { R1, R2, sessionStatus, signIn, startAgent, startServiceRig, watchServiceSecrets, type AgentRig, type ServiceRig } from './support/agent-rig.js';
import { FakeClock } from './support/fake-clock.js';
import type { MobilityPolicy } from '../../../src-main/agent/agent-model.js';

// Mobility mode: the card may leave the reader without ending or locking the session; the card
// and its passcode are asked for again `reauthMinutes` after they were last given and after
// `idleMinutes` without a request, and then the session locks until the same card and passcode
// resume it. The agent and the service share a clock the test moves by hand, so each rule is
// checked one millisecond either side of its boundary.

const MINUTE = 60_000;

let clock: FakeClock;
let rig: ServiceRig;
const agents: AgentRig[] = [];
let secrets: ReturnType<typeof watchServiceSecrets> | undefined;

beforeAll(async () => {
  clock = new FakeClock();
  rig = await startServiceRig({ now: clock.now });
});
afterAll(async () => rig.close());
afterEach(async () => {
  secrets?.restore();
  secrets = undefined;
  for (const a of agents.splice(0)) await a.close();
});

function mobileAgent(mobility: MobilityPolicy): AgentRig {
  const a = startAgent(rig.service.url, { removalMode: 'mobility', mobility, now: clock.now, timers: clock });
  agents.push(a);
  return a;
}

describe('mobility removal mode', () => {
  it('rule: removing the card in mobility mode neither ends nor locks the session; its token and CIM calls keep working', async () => {
    secrets = watchServiceSecrets();
    const a = mobileAgent({ reauthMinutes: 60, idleMinutes: 15 });
    const card = await rig.card('clinician');
    await signIn(a, card);
    const signedIn = a.screen();
    const live = await rig.liveSessions();

    a.readers.remove(R1);
    expect(a.screen()).toEqual(signedIn);
    expect(a.agent.state().indicator).toBe('signed-in');
    expect(a.agent.state().readers[0]?.card).toBeNull();
    const profile = (await a.call('cim.myProfile', {})) as { givenName: string };
    expect(profile.givenName).toBe('Amelia');
    expect(await rig.liveSessions()).toBe(live);
    expect(await sessionStatus(rig.service, secrets.tokens[0] as string, a.dataDir)).toBe(200);
    await a.call('agent.logout', {});
  });

  it('rule: the card and passcode are due exactly reauthMinutes after they were given, busy or not; the session locks, it does not end', async () => {
    const a = mobileAgent({ reauthMinutes: 5, idleMinutes: 3 });
    const card = await rig.card('clinician');
    await signIn(a, card);
    a.readers.remove(R1);
    const live = await rig.liveSessions();
    // Busy all along: a request every 2 minutes keeps the idle rule away.
    for (let i = 0; i < 2; i += 1) {
      clock.advance(2 * MINUTE);
      await a.call('cim.myProfile', {});
    }
    clock.advance(MINUTE - 1);
    expect(a.screen().kind).toBe('signed-in');
    clock.advance(1);
    expect(a.screen()).toEqual({
      kind: 'session-locked',
      holderName: 'Amelia Hart',
      cardUuid: card.cardUuid,
      reader: null,
      attemptsRemaining: null,
      busy: false,
      error: null,
      reason: 'It is 5 minutes since you last entered your passcode. Insert your smartcard and enter your passcode to carry on.',
    });
    expect(a.agent.state().indicator).toBe('locked');
    expect((await a.failure('cim.myProfile', {})).code).toBe('not-signed-in');
    expect(await rig.liveSessions()).toBe(live);
    await a.call('agent.logout', {});
  });

  it('rule: idleMinutes without a request locks the session; each request starts the idle time again', async () => {
    const a = mobileAgent({ reauthMinutes: 60, idleMinutes: 10 });
    const card = await rig.card('clinician');
    await signIn(a, card);
    clock.advance(9 * MINUTE);
    await a.call('cim.myProfile', {});
    clock.advance(10 * MINUTE - 1);
    expect(a.screen().kind).toBe('signed-in');
    clock.advance(1);
    expect(a.screen()).toMatchObject({
      kind: 'session-locked',
      // The card is still in: the passcode form is offered at once.
      reader: R1,
      reason: 'Your session was not used for 10 minutes. Insert your smartcard and enter your passcode to carry on.',
    });
    await a.call('agent.logout', {});
  });

  it('rule: a request after the due time finds the session locked even when the timer has not run (a computer waking from sleep)', async () => {
    const a = mobileAgent({ reauthMinutes: 30, idleMinutes: 30 });
    const card = await rig.card('clinician');
    await signIn(a, card);
    clock.jump(2 * 60 * MINUTE);
    expect((await a.failure('cim.myProfile', {})).code).toBe('not-signed-in');
    expect(a.screen()).toMatchObject({ kind: 'session-locked', holderName: 'Amelia Hart' });
    await a.call('agent.logout', {});
  });

  it('rule: only the same card and its passcode resume a mobility lock, the same session, and both clocks start again from then', async () => {
    secrets = watchServiceSecrets();
    const a = mobileAgent({ reauthMinutes: 5, idleMinutes: 5 });
    const card = await rig.card('clinician');
    const other = await rig.card('sponsor');
    await signIn(a, card);
    a.readers.remove(R1);
    clock.advance(5 * MINUTE);
    expect(a.screen()).toMatchObject({ kind: 'session-locked', reader: null });

    // Someone else's card: listed in its reader, never offered the session.
    a.readers.insert(R1, other.engine);
    await a.until((s) => s.readers[0]?.card?.holderName === 'Grace Okafor', 'the other card read');
    expect(a.screen()).toMatchObject({ kind: 'session-locked', cardUuid: card.cardUuid, reader: null });
    expect((await a.failure('agent.submitPasscode', { passcode: '123456' })).code).toBe('not-now');
    expect(other.triesLeft()).toBe(3);
    a.readers.remove(R1);

    a.readers.insert(R2, card.engine);
    await a.until((s) => s.screen.kind === 'session-locked' && s.screen.reader === R2, 'the session card back');
    clock.advance(2 * MINUTE);
    await a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen()).toMatchObject({ kind: 'signed-in', session: { user: { name: 'Amelia Hart' }, reader: R2 } });
    expect(secrets.tokens).toHaveLength(1);
    expect(await sessionStatus(rig.service, secrets.tokens[0] as string, a.dataDir)).toBe(200);

    // Due again 5 minutes after the resume, not after the first sign-in.
    a.readers.remove(R2);
    clock.advance(5 * MINUTE - 1);
    expect(a.screen().kind).toBe('signed-in');
    clock.advance(1);
    expect(a.screen().kind).toBe('session-locked');
    await a.call('agent.logout', {});
  });

  it('rule: the other modes never lock on time', async () => {
    const a = startAgent(rig.service.url, { removalMode: 'session-lock', now: clock.now, timers: clock });
    agents.push(a);
    const card = await rig.card('clinician');
    await signIn(a, card);
    clock.advance(3 * 60 * MINUTE);
    expect(a.screen().kind).toBe('signed-in');
    await a.call('agent.logout', {});
  });
});

describe('what removing the card will do, in the agent view', () => {
  it('rule: every mode states what removing the smartcard will do, in the words both shells show', () => {
    const notice = (o: Parameters<typeof startAgent>[1]): string => {
      const a = startAgent(rig.service.url, o);
      agents.push(a);
      return a.agent.state().removalNotice;
    };
    expect(notice({ removalMode: 'normal' })).toBe('Removing your smartcard will log you out of every app.');
    expect(notice({ removalMode: 'session-lock' })).toBe('Removing your smartcard will lock your session. Put it back and enter your passcode to carry on.');
    expect(notice({ removalMode: 'mobility' })).toBe('You can remove your smartcard. You will be asked for it again every 60 minutes, and after 15 minutes without use.');
    expect(notice({ removalMode: 'mobility', mobility: { reauthMinutes: 1, idleMinutes: 1 } })).toBe(
      'You can remove your smartcard. You will be asked for it again every 1 minute, and after 1 minute without use.',
    );
  });
});
