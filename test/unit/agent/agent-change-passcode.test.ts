import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { R1, signedInClinician, startAgent, startServiceRig, type AgentRig, type ServiceRig } from './support/agent-rig.js';

// agent.changePasscode through the agent: the real identity service, factory cards in the
// software PIV card, the in-process readers. Typing mistakes are refused before the card sees
// anything; the card's own answer (CHANGE REFERENCE DATA) decides the rest.

const CHANGE_REFERENCE_DATA = 0x24;
let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

const signedIn = (passcode = '123456'): ReturnType<typeof signedInClinician> => signedInClinician(rig, agents, passcode);

const changes = (commands: { ins: number }[]): number => commands.filter((c) => c.ins === CHANGE_REFERENCE_DATA).length;

describe('change passcode', () => {
  it('changes the passcode on the card: the new one logs in next time and the old one does not', async () => {
    const { a, card } = await signedIn();
    await expect(a.call('agent.changePasscode', { current: '123456', next: '24681357', confirm: '24681357' })).resolves.toEqual({ ok: true });
    expect(changes(card.commands)).toBe(1);
    const screen = a.screen();
    expect(screen.kind).toBe('signed-in');
    if (screen.kind === 'signed-in') expect(Date.parse(screen.session.passcodeChangedAt ?? '')).not.toBeNaN();
    expect(card.triesLeft()).toBe(3);

    a.readers.remove(R1);
    await a.untilScreen('no-card');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    const old = await a.failure('agent.submitPasscode', { passcode: '123456' });
    expect(old.code).toBe('wrong-passcode');
    expect(old.message).toBe('Wrong passcode. 2 attempts remaining.');
    await a.call('agent.submitPasscode', { passcode: '24681357' });
    await a.untilScreen('choose-position');
  });

  it.each([
    [{ current: '123456', next: '24681357', confirm: '24681358' }, 'The new passcodes do not match'],
    [{ current: '123456', next: '12345', confirm: '12345' }, 'Your new passcode must be at least 6 digits.'],
    [{ current: '123456', next: '123456789', confirm: '123456789' }, 'Your new passcode must be no more than 8 digits.'],
    [{ current: '123456', next: '12a456', confirm: '12a456' }, 'Your new passcode must contain numbers only.'],
    [{ current: '123456', next: '', confirm: '' }, 'Enter your new passcode.'],
    [{ current: '123456', next: '123456', confirm: '123456' }, 'Your new passcode must be different from your current passcode.'],
    [{ current: '', next: '24681357', confirm: '24681357' }, 'Enter your current passcode.'],
    [{ current: '１２３４５６', next: '24681357', confirm: '24681357' }, 'Your current passcode must contain numbers only.'],
  ])('refuses %o before the card is touched', async (request, message) => {
    const { a, card } = await signedIn();
    const before = card.commands.length;
    const failure = await a.failure('agent.changePasscode', request);
    expect(failure.code).toBe('passcode-policy');
    expect(failure.message).toBe(message);
    expect(card.commands.length).toBe(before);
    expect(card.triesLeft()).toBe(3);
    expect(a.screen().kind).toBe('signed-in');
  });

  it('a wrong current passcode reports the attempts left; the third locks the card and ends the session', async () => {
    const { a, card } = await signedIn();
    const first = await a.failure('agent.changePasscode', { current: '654321', next: '24681357', confirm: '24681357' });
    expect(first.code).toBe('wrong-passcode');
    expect(first.message).toBe('Wrong passcode. 2 attempts remaining.');
    expect(card.triesLeft()).toBe(2);
    expect(a.screen().kind).toBe('signed-in');
    const second = await a.failure('agent.changePasscode', { current: '654321', next: '24681357', confirm: '24681357' });
    expect(second.code).toBe('wrong-passcode');
    expect(second.message).toMatch(/1 attempt remaining\. One more wrong passcode will lock your smartcard\./);
    const before = await rig.liveSessions();
    const third = await a.failure('agent.changePasscode', { current: '654321', next: '24681357', confirm: '24681357' });
    expect(third.code).toBe('card-locked');
    expect(card.triesLeft()).toBe(0);
    await a.untilScreen('locked-card');
    expect(a.agent.state().indicator).toBe('locked');
    await vi.waitFor(async () => expect(await rig.liveSessions()).toBe(before - 1));
    // Locked, not signed in: nothing more to change.
    expect((await a.failure('agent.changePasscode', { current: '123456', next: '24681357', confirm: '24681357' })).code).toBe('not-now');
  });

  it('is refused when not signed in, and while the session is locked', async () => {
    const a = startAgent(rig.service.url);
    agents.push(a);
    await a.until((s) => s.service.status === 'connected', 'the service');
    const none = await a.failure('agent.changePasscode', { current: '123456', next: '24681357', confirm: '24681357' });
    expect(none).toMatchObject({ code: 'not-now', message: 'Sign in with your smartcard before changing its passcode.' });
    const card = await rig.card('clinician');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    expect((await a.failure('agent.changePasscode', { current: '123456', next: '24681357', confirm: '24681357' })).code).toBe('not-now');
    expect(changes(card.commands)).toBe(0);

    const { a: b, card: other } = await signedIn();
    await b.call('agent.lock', {});
    const locked = await b.failure('agent.changePasscode', { current: '123456', next: '24681357', confirm: '24681357' });
    expect(locked.code).toBe('not-now');
    expect(changes(other.commands)).toBe(0);
  });

  it('bad payloads are refused without repeating them', async () => {
    const { a } = await signedIn();
    const failure = await a.failure('agent.changePasscode', { current: '123456', next: 24681357, confirm: '24681357' });
    expect(failure.code).toBe('bad-request');
    expect(failure.message).not.toContain('24681357');
  });

  it('no passcode appears in any emitted state, result or failure', async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
    );
    try {
      const { a } = await signedIn('80417263');
      await a.failure('agent.changePasscode', { current: '80417263', next: '59260418', confirm: '59260419' });
      await a.failure('agent.changePasscode', { current: '80417299', next: '59260418', confirm: '59260418' });
      await a.call('agent.changePasscode', { current: '80417263', next: '59260418', confirm: '59260418' });
      await a.failure('agent.changePasscode', { current: '80417263', next: '37195046', confirm: '37195046' });
      const seen = JSON.stringify([a.states, a.outcomes, logged]);
      for (const secret of ['80417263', '80417299', '59260418', '59260419', '37195046']) {
        const bytes = Buffer.from(secret, 'utf8');
        for (const form of [secret, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('hex')]) expect(seen).not.toContain(form);
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
