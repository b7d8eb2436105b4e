import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UnlockView } from '../../../src-shared/api/agent-api.js';
import type { PersonaKey } from '../../../src-service/seed/personas.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { R1, R2, signIn, startAgent, startServiceRig, type AgentRig, type ServiceRig, type TestCard } from './support/agent-rig.js';
import { cardHolds, cardPukIs, commandNames, servicePuks } from '../../support/unlock-rig.js';

// "Service smartcard" (domain.md, Smartcards: sponsor unlock needs two readers): a sponsor or LSA
// signed in with their card in reader 1 unlocks a colleague's locked card in reader 2, within
// their organisation and its child organisations. The sponsor (Grace) works at RZZ01; the LSA
// (Tom) at the trust RZZ; Zoë's practice Y99901 is under RZZ but not under RZZ01.

const NEW_PASSCODE = '24681357';
let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

async function signedInAs(key: PersonaKey, removalMode: 'normal' | 'session-lock' = 'normal'): Promise<{ a: AgentRig; own: TestCard }> {
  const a = startAgent(rig.service.url, { removalMode });
  agents.push(a);
  await a.until((s) => s.service.status === 'connected', 'the service');
  const own = await rig.card(key);
  await signIn(a, own);
  return { a, own };
}

function serviceCard(a: AgentRig): UnlockView {
  const screen = a.screen();
  if (screen.kind !== 'signed-in' || !screen.serviceCard) throw new Error(`no Service smartcard under way: ${JSON.stringify(screen)}`);
  return screen.serviceCard;
}

async function inReader2(a: AgentRig, card: TestCard): Promise<void> {
  a.readers.insert(R2, card.engine);
  await a.until((s) => s.readers.find((r) => r.name === R2)?.card?.cardUuid === card.cardUuid, 'the card in reader 2 read');
}

async function unlockInReader2(a: AgentRig, card: TestCard): Promise<void> {
  await a.call('serviceCard.begin', {});
  await inReader2(a, card);
  await a.call('serviceCard.continue', {});
  await a.call('serviceCard.unlock', {});
  await a.call('serviceCard.confirm', {});
  await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
}

describe('Service smartcard: unlock with two readers', () => {
  it.each([
    ['sponsor', 'locked-card', 'Rhys Evans'],
    ['lsa', 'card-near-expiry', 'Zoë Smith-Jones'],
  ] as const)('a %s unlocks %s: insert -> continue -> unlock -> the holder sets a passcode -> done; their own session untouched', async (who, whose, name) => {
    const { a, own } = await signedInAs(who);
    const session = a.screen();
    const ownCommands = own.commands.length;
    const locked = await rig.card(whose, { locked: true });

    await a.call('serviceCard.begin', {});
    expect(serviceCard(a)).toEqual({ mode: 'sponsor', reader: null, holderName: null, cardUuid: null, step: { step: 'insert' }, busy: false, error: null });
    await inReader2(a, locked);
    await a.call('serviceCard.continue', {});
    const choose = serviceCard(a);
    expect(choose).toMatchObject({ reader: R2, holderName: name, cardUuid: locked.cardUuid, busy: false, error: null });
    expect(choose.step).toMatchObject({ step: 'choose', unlockRefusal: null });
    await a.call('serviceCard.unlock', {});
    expect(serviceCard(a).step).toEqual({ step: 'confirm' });
    await a.call('serviceCard.confirm', {});
    expect(serviceCard(a).step).toEqual({ step: 'new-passcode' });
    const before = locked.commands.length;
    await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    expect(serviceCard(a)).toMatchObject({ step: { step: 'done' }, busy: false, error: null });

    expect(commandNames(locked.commands.slice(before))).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'RESET RETRY COUNTER', 'CHANGE REFERENCE DATA']);
    const state = locked.engine.snapshot();
    expect(state.pin.triesLeft).toBe(3);
    expect(cardHolds(state, 'pin', NEW_PASSCODE)).toBe(true);
    expect(await cardPukIs(rig.service, locked.cardUuid, state)).toBe('current');
    expect((await servicePuks(rig.service, locked.cardUuid)).pending).toBeNull();
    // The sponsor's card was never spoken to, and their session is as it was.
    expect(own.commands.length).toBe(ownCommands);
    await a.call('unlock.close', {});
    expect(a.screen()).toEqual(session);
  });

  it('a clinician is refused at "Service smartcard"', async () => {
    const { a } = await signedInAs('clinician');
    const failure = await a.failure('serviceCard.begin', {});
    expect(failure).toMatchObject({ code: 'forbidden', message: 'Your role does not allow you to service smartcards.' });
    expect(a.screen()).toMatchObject({ kind: 'signed-in', serviceCard: null });
  });

  it('a sponsor is refused a card whose holder is outside their organisation, in the service’s words', async () => {
    const { a } = await signedInAs('sponsor');
    const zoe = await rig.card('card-near-expiry', { locked: true });
    await a.call('serviceCard.begin', {});
    await inReader2(a, zoe);
    const failure = await a.failure('serviceCard.continue', {});
    expect(failure.code).toBe('service-refused');
    expect(failure.message).toMatch(/outside your organisation/);
    expect(serviceCard(a).step).toEqual({ step: 'refused', message: failure.message });
    expect((await a.failure('serviceCard.unlock', {})).code).toBe('not-now');
    expect(zoe.triesLeft()).toBe(0);
  });

  it('a card that is not locked is shown as such and is not unlocked', async () => {
    const { a } = await signedInAs('sponsor');
    const working = await rig.card('locked-card');
    await a.call('serviceCard.begin', {});
    await inReader2(a, working);
    await a.call('serviceCard.continue', {});
    expect(serviceCard(a).step).toMatchObject({ step: 'choose', unlockRefusal: 'This smartcard is not locked.' });
    const failure = await a.failure('serviceCard.unlock', {});
    expect(failure).toMatchObject({ code: 'card-not-locked', message: 'This smartcard is not locked.' });
    expect((await servicePuks(rig.service, working.cardUuid)).pending).toBeNull();
  });

  it('no card in the second reader, or the session’s own card there, is refused with what to do', async () => {
    const { a, own } = await signedInAs('sponsor');
    await a.call('serviceCard.begin', {});
    const none = await a.failure('serviceCard.continue', {});
    expect(none).toMatchObject({ code: 'not-now', message: 'Insert the locked smartcard into the second smartcard reader.' });
    expect(serviceCard(a)).toMatchObject({ step: { step: 'insert' }, error: none.message });

    // A second card carrying the session card's identity (same UUID).
    const copy = new PivCardEngine(own.engine.snapshot());
    a.readers.insert(R2, copy);
    await a.until((s) => s.readers.find((r) => r.name === R2)?.card?.cardUuid === own.cardUuid, 'the copy read');
    const mine = await a.failure('serviceCard.continue', {});
    expect(mine.message).toMatch(/the smartcard you are signed in with/);
    expect(serviceCard(a)).toMatchObject({ step: { step: 'insert' }, error: mine.message });
  });

  it('the serviced card pulled mid-way: back to "insert" saying so; a card pulled after it is done stays done', async () => {
    const { a } = await signedInAs('sponsor');
    const locked = await rig.card('locked-card', { locked: true });
    await a.call('serviceCard.begin', {});
    await inReader2(a, locked);
    await a.call('serviceCard.continue', {});
    await a.call('serviceCard.unlock', {});
    a.readers.remove(R2);
    expect(serviceCard(a)).toEqual({
      mode: 'sponsor',
      reader: null,
      holderName: null,
      cardUuid: null,
      step: { step: 'insert' },
      busy: false,
      error: 'The smartcard was removed from the second reader. Insert it again and select Continue.',
    });
    expect((await a.failure('serviceCard.confirm', {})).code).toBe('not-now');

    await inReader2(a, locked);
    await a.call('serviceCard.continue', {});
    await a.call('serviceCard.unlock', {});
    await a.call('serviceCard.confirm', {});
    await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    a.readers.remove(R2);
    expect(serviceCard(a).step).toEqual({ step: 'done' });
    expect(await cardPukIs(rig.service, locked.cardUuid, locked.engine.snapshot())).toBe('current');
  });

  /** Holds the service's answers to requests ending in `suffix` until `release()`; `instead` replaces the answer. */
  function holdAnswers(suffix: string, instead?: () => Response): { held: () => number; release: () => void; restore: () => void } {
    const real = globalThis.fetch;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let held = 0;
    globalThis.fetch = async (input, init) => {
      const res = await real(input, init);
      if (!String(input).endsWith(suffix)) return res;
      held += 1;
      await gate;
      return instead ? instead() : res;
    };
    return { held: () => held, release: () => open(), restore: () => (globalThis.fetch = real) };
  }

  it('the card unlocked is shown done at once, before the service has answered the commit; a commit landing after the sponsor moved on to another card changes nothing there', async () => {
    const { a } = await signedInAs('sponsor');
    const first = await rig.card('locked-card', { locked: true });
    const second = await rig.card('locked-card', { locked: true });
    const hold = holdAnswers('/commit');
    try {
      await a.call('serviceCard.begin', {});
      await inReader2(a, first);
      await a.call('serviceCard.continue', {});
      await a.call('serviceCard.unlock', {});
      await a.call('serviceCard.confirm', {});
      const setting = a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
      await a.until((s) => s.screen.kind === 'signed-in' && s.screen.serviceCard?.step.step === 'done', 'done while the commit is held');
      await vi.waitFor(() => expect(hold.held()).toBe(1));
      expect(first.triesLeft()).toBe(3);

      // The sponsor moves on: the first card out, the next one in and continued.
      a.readers.remove(R2);
      await a.call('unlock.close', {});
      await a.call('serviceCard.begin', {});
      await inReader2(a, second);
      await a.call('serviceCard.continue', {});
      const before = serviceCard(a);
      hold.release();
      await setting;
      expect(serviceCard(a)).toEqual(before);
      expect(await cardPukIs(rig.service, first.cardUuid, first.engine.snapshot())).toBe('current');
      expect(second.triesLeft()).toBe(0);
    } finally {
      hold.restore();
      hold.release();
    }
  });

  it('a refusal for a card pulled mid-way, arriving after the next card was inserted and continued, leaves the next card’s progress alone', async () => {
    const { a } = await signedInAs('sponsor');
    const first = await rig.card('locked-card', { locked: true });
    const second = await rig.card('locked-card', { locked: true });
    await a.call('serviceCard.begin', {});
    await inReader2(a, first);
    await a.call('serviceCard.continue', {});
    const refusal = () =>
      new Response(JSON.stringify({ code: 'conflict', message: 'This smartcard has been revoked, so it cannot be unlocked.' }), { status: 409, headers: { 'content-type': 'application/json' } });
    const hold = holdAnswers('/v1/card-service/unlock', refusal);
    try {
      const opening = a.failure('serviceCard.unlock', {});
      await vi.waitFor(() => expect(hold.held()).toBe(1));
      a.readers.remove(R2);
      await inReader2(a, second);
      await a.call('serviceCard.continue', {});
      const before = serviceCard(a);
      expect(before).toMatchObject({ reader: R2, cardUuid: second.cardUuid, step: { step: 'choose' } });
      hold.release();
      await opening;
      expect(serviceCard(a)).toEqual(before);
    } finally {
      hold.restore();
      hold.release();
    }
    // And the next card is unlocked as if nothing had happened.
    await a.call('serviceCard.unlock', {});
    await a.call('serviceCard.confirm', {});
    await a.call('unlock.setPasscode', { next: NEW_PASSCODE, confirm: NEW_PASSCODE });
    expect(serviceCard(a).step).toEqual({ step: 'done' });
    expect(cardHolds(second.engine.snapshot(), 'pin', NEW_PASSCODE)).toBe(true);
    expect(first.triesLeft()).toBe(0);
  });

  it('locking or ending the session ends the unlock', async () => {
    const { a, own } = await signedInAs('sponsor', 'session-lock');
    const locked = await rig.card('locked-card', { locked: true });
    await a.call('serviceCard.begin', {});
    await inReader2(a, locked);
    await a.call('serviceCard.continue', {});
    await a.call('agent.lock', {});
    expect(a.screen().kind).toBe('session-locked');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen()).toMatchObject({ kind: 'signed-in', serviceCard: null });
    await a.call('serviceCard.begin', {});
    a.readers.remove(R1);
    expect(a.screen().kind).toBe('session-locked');
    a.readers.insert(R1, own.engine);
    await a.until((s) => s.screen.kind === 'session-locked' && s.screen.reader === R1, 'the card back');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen()).toMatchObject({ kind: 'signed-in', serviceCard: null });
    expect(locked.triesLeft()).toBe(0);
  });

  it.each([
    [{ next: '12a45678', confirm: '12a45678' }, 'Your new passcode must contain numbers only.'],
    [{ next: '1234567', confirm: '7654321' }, 'The new passcodes do not match'],
  ])('the holder’s new passcode %o is refused before the card sees it', async (request, message) => {
    const { a } = await signedInAs('lsa');
    const locked = await rig.card('locked-card', { locked: true });
    await a.call('serviceCard.begin', {});
    await inReader2(a, locked);
    await a.call('serviceCard.continue', {});
    await a.call('serviceCard.unlock', {});
    await a.call('serviceCard.confirm', {});
    const before = locked.commands.length;
    expect(await a.failure('unlock.setPasscode', request)).toMatchObject({ code: 'passcode-policy', message });
    expect(serviceCard(a)).toMatchObject({ step: { step: 'new-passcode' }, error: message });
    expect(locked.commands.length).toBe(before);
  });

  it('the unlocked card signs its holder in with the new passcode', async () => {
    const { a } = await signedInAs('sponsor');
    const locked = await rig.card('locked-card', { locked: true });
    await unlockInReader2(a, locked);
    await a.call('unlock.close', {});
    a.readers.remove(R2);
    await a.call('agent.logout', {});
    const b = startAgent(rig.service.url);
    agents.push(b);
    b.readers.insert(R1, locked.engine);
    expect(await b.untilScreen('passcode')).toMatchObject({ holderName: 'Rhys Evans', attemptsRemaining: 3 });
    await b.call('agent.submitPasscode', { passcode: NEW_PASSCODE });
    await b.untilScreen('choose-position');
  });
});
