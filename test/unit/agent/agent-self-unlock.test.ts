import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Screen } from '../../../src-shared/api/agent-api.js';
import { personaByKey } from '../../../src-service/seed/personas.js';
import { R1, startAgent, startServiceRig, type AgentRig, type ServiceRig, type TestCard } from './support/agent-rig.js';
import { cardHolds, cardPukIs, commandNames, latestCodeFor, pukAttemptsSpent, servicePuks } from '../../support/unlock-rig.js';

// Self-service unlock (domain.md "Self-service unlock"): a locked card, nobody signed in; a
// security code to the holder's email or mobile (read here from the service's outbox, as the
// training panel shows it); a new passcode; the card unlocked with its PUK rotated. The real
// identity service, factory cards in the software PIV card, the in-process readers.

const holder = personaByKey('locked-card');
const NEW_PASSCODE = '24681357';
let clock = Date.now();
let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig({ now: () => new Date(clock) });
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

async function lockedCardIn(o: { locked?: boolean } = {}): Promise<{ a: AgentRig; card: TestCard }> {
  const a = startAgent(rig.service.url);
  agents.push(a);
  await a.until((s) => s.service.status === 'connected', 'the service');
  const card = await rig.card('locked-card', { passcode: '654321', locked: o.locked ?? true });
  a.readers.insert(R1, card.engine);
  return { a, card };
}

type SelfUnlock = Extract<Screen, { kind: 'self-unlock' }>;
const unlockScreen = (a: AgentRig): SelfUnlock['unlock'] => {
  const screen = a.screen();
  if (screen.kind !== 'self-unlock') throw new Error(`not on the self-unlock screen: ${JSON.stringify(screen)}`);
  return screen.unlock;
};

async function toCodeStep(a: AgentRig): Promise<void> {
  await a.untilScreen('locked-card');
  await a.call('unlock.begin', {});
  await a.call('unlock.sendCode', {});
}

describe('self-service unlock', () => {
  it('locked card -> code by email -> new passcode -> unlocked: the PUK rotated and committed, then the holder signs in with the new passcode', async () => {
    const { a, card } = await lockedCardIn();
    const locked = await a.untilScreen('locked-card');
    expect(locked).toMatchObject({ reader: R1, holderName: 'Rhys Evans', cardUuid: card.cardUuid });
    const pukBefore = (await servicePuks(rig.service, card.cardUuid)).current;

    await a.call('unlock.begin', {});
    expect(a.screen()).toEqual({
      kind: 'self-unlock',
      unlock: { mode: 'self', reader: R1, holderName: 'Rhys Evans', cardUuid: card.cardUuid, step: { step: 'intro' }, busy: false, error: null },
    });
    expect(a.agent.state().indicator).toBe('locked');

    const sending = a.call('unlock.sendCode', {});
    expect(unlockScreen(a).busy).toBe(true);
    await sending;
    const codeStep = unlockScreen(a).step;
    expect(codeStep).toMatchObject({ step: 'code', channel: 'email', otherChannel: 'sms' });
    if (codeStep.step === 'code') {
      // Masked: the holder recognises it, an onlooker learns little.
      expect(codeStep.sentTo).not.toBe(holder.email);
      expect(codeStep.sentTo).toMatch(/@nhs\.net$/);
      expect(Date.parse(codeStep.codeExpiresAt) - clock).toBeGreaterThan(14 * 60_000);
    }

    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    expect(unlockScreen(a).step).toEqual({ step: 'new-passcode' });
    const before = card.commands.length;
    await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    expect(unlockScreen(a)).toMatchObject({ step: { step: 'done' }, busy: false, error: null });
    expect(a.agent.state().indicator).toBe('card-present');
    // The progress the holder watched while the card worked.
    const progress = a.states.flatMap((s) => (s.screen.kind === 'self-unlock' && s.screen.unlock.step.step === 'working' ? [s.screen.unlock.step.progress] : []));
    expect(progress.length).toBeGreaterThanOrEqual(2);

    // On the card: six commands in one transaction, the new passcode with 3 tries, the PUK rotated.
    expect(commandNames(card.commands.slice(before))).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'RESET RETRY COUNTER', 'CHANGE REFERENCE DATA']);
    const state = card.engine.snapshot();
    expect(state.pin.triesLeft).toBe(3);
    expect(cardHolds(state, 'pin', NEW_PASSCODE)).toBe(true);
    const puks = await servicePuks(rig.service, card.cardUuid);
    expect(puks.pending).toBeNull();
    expect(puks.current).not.toBe(pukBefore);
    expect(await cardPukIs(rig.service, card.cardUuid, state)).toBe('current');
    expect(pukAttemptsSpent(card.commands)).toBe(0);

    await a.call('unlock.close', {});
    expect(await a.untilScreen('passcode')).toMatchObject({ holderName: 'Rhys Evans', attemptsRemaining: 3, error: null });
    await a.call('agent.submitPasscode', { passcode: NEW_PASSCODE });
    await a.untilScreen('choose-position');
  });

  it('the code can be sent by text message instead, and "Send a new code" makes the earlier one useless', async () => {
    const { a } = await lockedCardIn();
    await toCodeStep(a);
    const first = await latestCodeFor(rig.service, holder.email);
    await a.call('unlock.sendCode', { channel: 'sms' });
    expect(unlockScreen(a).step).toMatchObject({ step: 'code', channel: 'sms', otherChannel: 'email' });
    const sms = await latestCodeFor(rig.service, holder.mobile);
    if (first !== sms) {
      const old = await a.failure('unlock.submitCode', { code: first });
      expect(old.code).toBe('wrong-code');
      expect(unlockScreen(a)).toMatchObject({ step: { step: 'code' }, error: old.message });
    }
    await a.call('unlock.submitCode', { code: sms });
    expect(unlockScreen(a).step).toEqual({ step: 'new-passcode' });
  });

  it('a code that is not six digits is refused on the code step without reaching the service (no try spent)', async () => {
    const { a } = await lockedCardIn();
    await toCodeStep(a);
    for (const code of ['', '12345', '1234567', '12a456', '１２３４５６', '12-456']) {
      const failure = await a.failure('unlock.submitCode', { code });
      expect(failure).toMatchObject({ code: 'bad-request', message: 'Enter the security code: it is 6 digits.' });
      expect(unlockScreen(a)).toMatchObject({ step: { step: 'code' }, error: failure.message, busy: false });
    }
    // Six refusals, yet the service's five tries are all still there: the right code works.
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    expect(unlockScreen(a).step).toEqual({ step: 'new-passcode' });
  });

  it('a guessed code says how many tries are left; after five the code is used up and a new one works', async () => {
    const { a } = await lockedCardIn();
    await toCodeStep(a);
    const right = await latestCodeFor(rig.service, holder.email);
    const wrong = right === '000000' ? '111111' : '000000';
    const first = await a.failure('unlock.submitCode', { code: wrong });
    expect(first.code).toBe('wrong-code');
    expect(first.message).toMatch(/4 tries left/);
    expect(unlockScreen(a)).toMatchObject({ step: { step: 'code' }, error: first.message });
    for (let i = 0; i < 4; i++) await a.failure('unlock.submitCode', { code: wrong });
    const usedUp = await a.failure('unlock.submitCode', { code: right });
    expect(usedUp.code).toBe('service-refused');
    expect(unlockScreen(a)).toMatchObject({ step: { step: 'code' }, error: usedUp.message });
    await a.call('unlock.sendCode', {});
    expect(unlockScreen(a).error).toBeNull();
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    expect(unlockScreen(a).step).toEqual({ step: 'new-passcode' });
  });

  it('an expired code (after 15 minutes) is refused on the code step, and "Send a new code" carries on', async () => {
    const { a } = await lockedCardIn();
    await toCodeStep(a);
    const code = await latestCodeFor(rig.service, holder.email);
    clock += 16 * 60_000;
    const expired = await a.failure('unlock.submitCode', { code });
    expect(expired.code).toBe('service-refused');
    expect(expired.message).toMatch(/expired/);
    expect(unlockScreen(a)).toMatchObject({ step: { step: 'code' }, error: expired.message });
    await a.call('unlock.sendCode', {});
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    expect(unlockScreen(a).step).toEqual({ step: 'new-passcode' });
  });

  it('a code from a finished unlock does not open the next one', async () => {
    const { a, card } = await lockedCardIn();
    await toCodeStep(a);
    const used = await latestCodeFor(rig.service, holder.email);
    await a.call('unlock.submitCode', { code: used });
    await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    await a.call('unlock.close', {});
    // Locked again by three wrong passcodes, and unlocked again: the old code is worth nothing.
    for (let i = 0; i < 3; i++) await a.failure('agent.submitPasscode', { passcode: '99999999' });
    expect(card.triesLeft()).toBe(0);
    await toCodeStep(a);
    const fresh = await latestCodeFor(rig.service, holder.email);
    if (fresh !== used) expect((await a.failure('unlock.submitCode', { code: used })).code).toBe('wrong-code');
    await a.call('unlock.submitCode', { code: fresh });
    await a.call('unlock.setPasscode', { next: '13572468', confirm: '13572468' });
    expect(cardHolds(card.engine.snapshot(), 'pin', '13572468')).toBe(true);
    expect(await cardPukIs(rig.service, card.cardUuid, card.engine.snapshot())).toBe('current');
  });

  it.each([
    [{ next: '12a45678', confirm: '12a45678' }, 'Your new passcode must contain numbers only.'],
    [{ next: '12345', confirm: '12345' }, 'Your new passcode must be at least 6 digits.'],
    [{ next: '123456789', confirm: '123456789' }, 'Your new passcode must be no more than 8 digits.'],
    [{ next: '24681357', confirm: '24681358' }, 'The new passcodes do not match'],
  ])('a new passcode %o is refused before the card is touched', async (request, message) => {
    const { a, card } = await lockedCardIn();
    await toCodeStep(a);
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    const before = card.commands.length;
    const failure = await a.failure('unlock.setPasscode', request);
    expect(failure).toMatchObject({ code: 'passcode-policy', message });
    expect(unlockScreen(a)).toMatchObject({ step: { step: 'new-passcode' }, error: message, busy: false });
    expect(card.commands.length).toBe(before);
    expect(card.triesLeft()).toBe(0);
    // And the holder carries on with a good one.
    await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    expect(unlockScreen(a).step).toEqual({ step: 'done' });
  });

  it('a card that is not locked is not unlocked: card-not-locked, nothing sent', async () => {
    const { a, card } = await lockedCardIn({ locked: false });
    await a.untilScreen('passcode');
    const failure = await a.failure('unlock.begin', {});
    expect(failure.code).toBe('card-not-locked');
    expect(a.screen().kind).toBe('passcode');
    expect((await servicePuks(rig.service, card.cardUuid)).pending).toBeNull();
  });

  it('pulling the card at any step ends the unlock, and nothing of it is kept when the card is back', async () => {
    const { a, card } = await lockedCardIn();
    await toCodeStep(a);
    a.readers.remove(R1);
    expect(a.screen()).toEqual({ kind: 'no-card' });
    a.readers.insert(R1, card.engine);
    await a.untilScreen('locked-card');
    expect((await a.failure('unlock.submitCode', { code: '123456' })).code).toBe('not-now');
    expect((await a.failure('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE })).code).toBe('not-now');

    // Pulled while the card is being unlocked: the unlock ends, the card may be locked or not.
    await a.call('unlock.begin', {});
    await a.call('unlock.sendCode', {});
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    a.readers.faults(R1).vanishAfter(2);
    const pulled = await a.failure('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    expect(pulled.code).toBe('card-removed');
    expect(a.screen()).toEqual({ kind: 'no-card' });
    expect(card.triesLeft()).toBe(0);
  });

  it('unlock.close cancels: back to the locked card', async () => {
    const { a } = await lockedCardIn();
    await toCodeStep(a);
    await a.call('unlock.close', {});
    expect((await a.untilScreen('locked-card')).holderName).toBe('Rhys Evans');
    expect((await a.failure('unlock.close', {})).code).toBe('not-now');
  });

  it('the commit cannot reach the service: the card is unlocked and shown done at once, and the commit lands a moment later', async () => {
    const { a, card } = await lockedCardIn();
    await toCodeStep(a);
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    const real = globalThis.fetch;
    let refused = 0;
    globalThis.fetch = (input, init) => {
      if (String(input).endsWith('/commit') && refused === 0) {
        refused += 1;
        return Promise.reject(new TypeError('fetch failed'));
      }
      return real(input, init);
    };
    try {
      await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
      expect(unlockScreen(a).step).toEqual({ step: 'done' });
      expect(refused).toBe(1);
      // Not yet committed: the service still holds the new PUK as pending, which the card has.
      expect(await cardPukIs(rig.service, card.cardUuid, card.engine.snapshot())).toBe('pending');
      await vi.waitFor(async () => expect((await servicePuks(rig.service, card.cardUuid)).pending).toBeNull(), { timeout: 5000, interval: 100 });
      expect(await cardPukIs(rig.service, card.cardUuid, card.engine.snapshot())).toBe('current');
    } finally {
      globalThis.fetch = real;
    }
  });

  it('a commit answered with a server error is tried again in the background until it lands', async () => {
    const { a, card } = await lockedCardIn();
    await toCodeStep(a);
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    const real = globalThis.fetch;
    let failed = 0;
    globalThis.fetch = (input, init) => {
      if (String(input).endsWith('/commit') && failed === 0) {
        failed += 1;
        return Promise.resolve(new Response(JSON.stringify({ code: 'internal', message: 'Something went wrong.' }), { status: 503, headers: { 'content-type': 'application/json' } }));
      }
      return real(input, init);
    };
    try {
      await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
      expect(unlockScreen(a).step).toEqual({ step: 'done' });
      expect(failed).toBe(1);
      await vi.waitFor(async () => expect((await servicePuks(rig.service, card.cardUuid)).pending).toBeNull(), { timeout: 5000, interval: 100 });
      expect(await cardPukIs(rig.service, card.cardUuid, card.engine.snapshot())).toBe('current');
    } finally {
      globalThis.fetch = real;
    }
  });

  it('the release answered but the answer lost: the holder tries again on the same step and the card is unlocked', async () => {
    const { a, card } = await lockedCardIn();
    await toCodeStep(a);
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    const real = globalThis.fetch;
    let lost = 0;
    globalThis.fetch = async (input, init) => {
      const res = await real(input, init);
      if (String(input).endsWith('/release') && lost === 0) {
        lost += 1;
        throw new TypeError('fetch failed');
      }
      return res;
    };
    try {
      const failure = await a.failure('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
      expect(failure.code).toBe('service-unreachable');
      expect(unlockScreen(a)).toMatchObject({ step: { step: 'new-passcode' }, error: failure.message });
      expect(card.triesLeft()).toBe(0);
      await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    } finally {
      globalThis.fetch = real;
    }
    expect(unlockScreen(a).step).toEqual({ step: 'done' });
    expect(cardHolds(card.engine.snapshot(), 'pin', NEW_PASSCODE)).toBe(true);
    expect(await cardPukIs(rig.service, card.cardUuid, card.engine.snapshot())).toBe('current');
    expect(pukAttemptsSpent(card.commands)).toBe(0);
  });

  it('an unlock the service will no longer go on with (expired): back to the start with a new code to ask for, not "cannot be unlocked here"', async () => {
    const { a, card } = await lockedCardIn();
    await toCodeStep(a);
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    clock += 11 * 60_000;
    const failure = await a.failure('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    expect(failure.message).toMatch(/Select Start now to have a new security code sent/);
    expect(unlockScreen(a)).toMatchObject({ step: { step: 'intro' }, error: failure.message, busy: false });
    await a.call('unlock.sendCode', {});
    await a.call('unlock.submitCode', { code: await latestCodeFor(rig.service, holder.email) });
    await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    expect(unlockScreen(a).step).toEqual({ step: 'done' });
    expect(await cardPukIs(rig.service, card.cardUuid, card.engine.snapshot())).toBe('current');
  });

  it('the service unreachable: the problem is shown on the step, and the unlock carries on once it is back', async () => {
    const { a } = await lockedCardIn();
    await a.untilScreen('locked-card');
    await a.call('unlock.begin', {});
    const real = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new TypeError('fetch failed'));
    try {
      const failure = await a.failure('unlock.sendCode', {});
      expect(failure.code).toBe('service-unreachable');
      expect(unlockScreen(a)).toMatchObject({ step: { step: 'intro' }, busy: false, error: failure.message });
    } finally {
      globalThis.fetch = real;
    }
    await a.call('unlock.sendCode', {});
    expect(unlockScreen(a)).toMatchObject({ step: { step: 'code' }, error: null });
  });
});

describe('at a workstation whose service cannot send codes', () => {
  let silent: ServiceRig;
  beforeAll(async () => {
    silent = await startServiceRig({ outbox: false });
  });
  afterAll(async () => silent.close());

  it('rule: the unlock page says self-service unlock is not available at this workstation and points to a sponsor or local smartcard administrator', async () => {
    const a = startAgent(silent.service.url);
    agents.push(a);
    await a.until((s) => s.service.status === 'connected', 'the service');
    a.readers.insert(R1, (await silent.card('locked-card', { passcode: '654321', locked: true })).engine);
    await a.untilScreen('locked-card');
    await a.call('unlock.begin', {});
    await expect(a.call('unlock.sendCode', {})).rejects.toThrow(/not available at this workstation/);
    const step = unlockScreen(a).step;
    expect(step).toEqual({ step: 'refused', message: expect.stringMatching(/^Self-service unlock is not available at this workstation/) });
    if (step.step === 'refused') expect(step.message).toMatch(/Ask your sponsor or local smartcard administrator to unlock your smartcard\./);
  });
});
