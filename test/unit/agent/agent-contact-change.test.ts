import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../../src-service/notify/outbox.js';
import { signedInClinician, startAgent, startServiceRig, type AgentRig, type ServiceRig } from './support/agent-rig.js';
import { captureConsole, rendererSaw, secretForms } from './support/secret-scan.js';

// cim.changeOwnContact through the agent: the real identity service, factory cards in the
// software PIV card, the in-process readers. The passcode goes to the session's card (VERIFY),
// whose 9A key signs the service's challenge for this change; nothing changes without it.

const VERIFY = 0x20;
const GENERAL_AUTHENTICATE = 0x87;
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

const count = (commands: { ins: number }[], ins: number): number => commands.filter((c) => c.ins === ins).length;
const contact = (): Promise<{ email: string | null; mobile: string | null }> =>
  rig.db
    .selectFrom('users')
    .select(['email', 'mobile'])
    .where('uuid', '=', rig.personas.get('clinician')?.persona.uuid ?? '')
    .executeTakeFirstOrThrow();

describe('changing your own contact details through the agent', () => {
  it('rule: the passcode goes to the session card, which signs the change; the new email is stored only with the code sent to it, and the old one told', async () => {
    const { a, card } = await signedIn();
    const before = await contact();
    const verifies = count(card.commands, VERIFY);
    const signs = count(card.commands, GENERAL_AUTHENTICATE);
    const sent = (await readOutbox(rig.db, 1))[0]?.id ?? 0;
    await expect(a.call('cim.changeOwnContact', { email: 'amelia.hart.new@nhs.net', passcode: '123456' })).resolves.toEqual({
      email: before.email,
      mobile: before.mobile,
      emailConfirmation: { sentTo: 'amelia.hart.new@nhs.net', expiresAt: expect.any(String) },
    });
    expect(count(card.commands, VERIFY)).toBe(verifies + 1);
    expect(count(card.commands, GENERAL_AUTHENTICATE)).toBe(signs + 1);
    expect((await contact()).email).toBe(before.email);
    const codeMessages = (await readOutbox(rig.db)).filter((m) => m.id > sent);
    expect(codeMessages.map((m) => [m.channel, m.to])).toEqual([['email', 'amelia.hart.new@nhs.net']]);
    const code = /\b(\d{6})\b/.exec(codeMessages[0]?.text ?? '')?.[1] ?? '';

    await expect(a.call('service.call', { endpoint: 'confirmContactEmail', body: { code } })).resolves.toMatchObject({ email: 'amelia.hart.new@nhs.net', emailConfirmation: null });
    expect((await contact()).email).toBe('amelia.hart.new@nhs.net');
    const notices = (await readOutbox(rig.db)).filter((m) => m.id > (codeMessages[0]?.id ?? sent));
    expect(notices.map((m) => [m.channel, m.to])).toEqual([['email', before.email]]);
    expect(a.screen().kind).toBe('signed-in');
  });

  it('rule: a wrong passcode changes nothing and says how many attempts are left; the third locks the card and ends the session', async () => {
    const { a, card } = await signedIn();
    const before = await contact();
    const first = await a.failure('cim.changeOwnContact', { mobile: '07700900777', passcode: '654321' });
    expect(first).toMatchObject({ code: 'wrong-passcode', message: 'Wrong passcode. 2 attempts remaining.' });
    expect(card.triesLeft()).toBe(2);
    expect(count(card.commands, GENERAL_AUTHENTICATE)).toBe(1); // the login's signature only
    const second = await a.failure('cim.changeOwnContact', { mobile: '07700900777', passcode: '654321' });
    expect(second.message).toMatch(/1 attempt remaining\. One more wrong passcode will lock your smartcard\./);
    expect(await contact()).toEqual(before);
    const third = await a.failure('cim.changeOwnContact', { mobile: '07700900777', passcode: '654321' });
    expect(third.code).toBe('card-locked');
    expect(card.triesLeft()).toBe(0);
    await a.untilScreen('locked-card');
    expect(await contact()).toEqual(before);
    expect((await a.failure('cim.changeOwnContact', { mobile: '07700900777', passcode: '123456' })).code).toBe('not-signed-in');
  });

  it('rule: the right passcode after a wrong one restores the attempts and makes the change', async () => {
    const { a, card } = await signedIn();
    await a.failure('cim.changeOwnContact', { mobile: '07700900778', passcode: '654321' });
    await a.call('cim.changeOwnContact', { mobile: '07700900778', passcode: '123456' });
    expect(card.triesLeft()).toBe(3);
    expect((await contact()).mobile).toBe('07700900778');
  });

  it.each([
    ['', 'Enter your passcode.'],
    ['12345', 'must be at least 6'],
    ['12a456', 'numbers only'],
  ])('rule: a malformed passcode (%j) is refused before the card or the service sees anything', async (passcode, message) => {
    const { a, card } = await signedIn();
    const before = card.commands.length;
    const failure = await a.failure('cim.changeOwnContact', { email: 'amelia@nhs.net', passcode });
    expect(failure.code).toBe('passcode-policy');
    expect(failure.message).toContain(message);
    expect(card.commands.length).toBe(before);
    expect(card.triesLeft()).toBe(3);
  });

  it("rule: an email the service refuses is refused before the card is asked, in the service's words", async () => {
    const { a, card } = await signedIn();
    const before = card.commands.length;
    const failure = await a.failure('cim.changeOwnContact', { email: 'amelia@gmail.com', passcode: '654321' });
    expect(failure.code).toBe('bad-request');
    expect(failure.message).toMatch(/NHS, AC or GOV email address/);
    expect(card.commands.length).toBe(before);
    expect(card.triesLeft()).toBe(3);
  });

  it('rule: not signed in, or with the session locked, nothing is asked of the card', async () => {
    const a = startAgent(rig.service.url);
    agents.push(a);
    await a.until((s) => s.service.status === 'connected', 'the service');
    expect((await a.failure('cim.changeOwnContact', { email: 'x@nhs.net', passcode: '123456' })).code).toBe('not-signed-in');
    const { a: b, card } = await signedIn();
    await b.call('agent.lock', {});
    const before = card.commands.length;
    expect((await b.failure('cim.changeOwnContact', { email: 'x@nhs.net', passcode: '123456' })).code).toBe('not-signed-in');
    expect(card.commands.length).toBe(before);
  });

  it('rule: the passcode appears in no state, result, failure or log', async () => {
    const consoleLines = captureConsole();
    try {
      const { a } = await signedIn('80417263');
      await a.failure('cim.changeOwnContact', { email: 'secret.test@nhs.net', passcode: '80417299' });
      await a.call('cim.changeOwnContact', { email: 'secret.test@nhs.net', passcode: '80417263' });
      const seen = JSON.stringify([rendererSaw(a), consoleLines.logged]);
      for (const secret of ['80417263', '80417299']) for (const form of secretForms(secret)) expect(seen).not.toContain(form);
    } finally {
      consoleLines.restore();
    }
  });
});
