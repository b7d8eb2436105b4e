import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PersonaKey } from '../../../src-service/seed/personas.js';
import { RenewalJournal } from '../../../src-main/agent/renewal-journal.js';
import { R1, R2, signIn, startAgent, startServiceRig, type AgentRig, type CardOptions, type ServiceRig, type TestCard } from './support/agent-rig.js';
import { cardCertificate, normSerial, renewalOf, serviceCertificates } from '../../support/renewal-rig.js';
import { commandNames } from '../../support/unlock-rig.js';

// Certificate renewal in the agent (DESIGN.md §5 Renewal; domain.md, Smartcards): the Smartcard
// Expiry Notification at every login within 90 days of expiry, self renewal from it, two-reader
// renewal by a sponsor, LSA or RA member ("Service smartcard"), and what a wrong passcode does.
// The service's clock is fixed at noon UTC so the day counts are exact.

const DAY_MS = 86_400_000;
const NOW = new Date();
NOW.setUTCHours(12, 0, 0, 0);
/** notAfter `days` whole UTC days from NOW, late in that day. */
const endingIn = (days: number): Date => new Date(NOW.getTime() + days * DAY_MS + 11 * 3_600_000);

let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig({ now: () => NOW });
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

async function agent(options: Parameters<typeof startAgent>[1] = {}): Promise<AgentRig> {
  const a = startAgent(rig.service.url, { now: () => NOW, ...options });
  agents.push(a);
  await a.until((s) => s.service.status === 'connected', 'the service');
  return a;
}

function renewal(a: AgentRig): NonNullable<ReturnType<typeof renewalOf>> {
  const r = renewalOf(a.agent.state());
  if (!r) throw new Error(`no renewal on screen: ${JSON.stringify(a.screen())}`);
  return r;
}

/** The card, as one enrolled before cards had attestation keys: the directory has none for it. */
async function forgetAttestationKey(card: TestCard): Promise<void> {
  await rig.service.ctx.db.updateTable('cards').set({ attestation_key: null }).where('uuid', '=', card.cardUuid).execute();
}

async function signedInAs(key: PersonaKey, options: CardOptions = {}): Promise<{ a: AgentRig; own: TestCard }> {
  const a = await agent();
  const own = await rig.card(key, options);
  await signIn(a, own);
  return { a, own };
}

describe('rule: the Smartcard Expiry Notification at every login within 90 days of expiry (UTC days, against notAfter)', () => {
  it.each([
    [91, false],
    [90, true],
    [89, true],
    [1, true],
    [0, true],
  ] as const)('%i days to expiry: notification %s', async (days, shown) => {
    const { a } = await signedInAs('clinician', { notAfter: endingIn(days) });
    const screen = a.screen();
    if (screen.kind !== 'signed-in') throw new Error(screen.kind);
    expect(screen.session.expiry).toMatchObject({ daysToExpiry: days, renewalDue: shown });
    if (shown) {
      expect(screen.renewal).toEqual({
        mode: 'self',
        reader: R1,
        holderName: 'Amelia Hart',
        cardUuid: screen.session.cardUuid,
        step: { step: 'notice', daysToExpiry: days, certificateNotAfter: screen.session.expiry.certificateNotAfter },
        busy: false,
        error: null,
      });
      expect(a.agent.state().indicator).toBe('expiring');
    } else {
      expect(screen.renewal).toBeNull();
      expect(a.agent.state().indicator).toBe('signed-in');
    }
  });

  it('-1 days (expired yesterday): the login itself is refused, so there is nothing to notify', async () => {
    const a = await agent();
    const card = await rig.card('clinician', { notAfter: endingIn(-1), issuedDaysAgo: 400 });
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    const failure = await a.failure('agent.submitPasscode', { passcode: '123456' });
    expect(failure.code).toBe('service-refused');
    expect(failure.message).toMatch(/expired/);
    expect(a.screen()).toMatchObject({ kind: 'passcode', error: failure.message });
  });

  it('"No" carries on signed in, and the notification comes back at the next login, not on resuming a locked session', async () => {
    const a = await agent({ removalMode: 'session-lock' });
    const card = await rig.card('clinician', { validDays: 30 });
    await signIn(a, card);
    expect(renewal(a).step.step).toBe('notice');
    await a.call('renewal.close', {});
    expect(a.screen()).toMatchObject({ kind: 'signed-in', renewal: null });

    // Locked and resumed: the same session, not a login.
    a.readers.remove(R1);
    await a.untilScreen('session-locked');
    a.readers.insert(R1, card.engine);
    await a.until((s) => s.screen.kind === 'session-locked' && s.screen.reader === R1, 'the card back');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen()).toMatchObject({ kind: 'signed-in', renewal: null });

    await a.call('agent.logout', {});
    a.readers.remove(R1);
    await signIn(a, card);
    expect(renewal(a).step.step).toBe('notice');
  });

  it('"Renew now" after "No" opens the renewal at the passcode; with no renewal due it is refused', async () => {
    const a = await agent();
    const card = await rig.card('clinician', { validDays: 30 });
    await signIn(a, card);
    await a.call('renewal.close', {});
    await a.call('renewal.start', {});
    expect(renewal(a)).toMatchObject({ mode: 'self', step: { step: 'passcode' } });
    await a.call('renewal.close', {});
    await a.call('agent.logout', {});
    a.readers.remove(R1);

    const fresh = await rig.card('sponsor');
    await signIn(a, fresh);
    expect(a.screen()).toMatchObject({ kind: 'signed-in', renewal: null });
    await expect(a.call('renewal.start', {})).rejects.toMatchObject({ code: 'not-now' });
  });
});

describe('rule: self renewal from the notification (DESIGN.md §5: the card makes a new key; the old certificate is revoked)', () => {
  it.each(['rsa2048', 'p256'] as const)('%s: Yes -> passcode -> renewed on the card; the session and tray take the new expiry; the next login has no notification; the old certificate is revoked', async (algorithm) => {
    const { a, own } = await signedInAs('clinician', { algorithm, validDays: 30 });
    const oldCertificate = cardCertificate(own.engine);
    await a.call('renewal.start', {});
    expect(renewal(a).step).toEqual({ step: 'passcode', attemptsRemaining: null });
    const before = own.commands.length;
    await a.call('renewal.submitPasscode', { passcode: '123456' });

    const done = renewal(a);
    expect(done).toMatchObject({ mode: 'self', step: { step: 'done' }, busy: false, error: null });
    const names = commandNames(own.commands.slice(before));
    // One transaction: the key made, attested, the request signed, the certificate written.
    expect(names).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE', 'ATTEST', 'GENERAL AUTHENTICATE', 'PUT DATA']);
    const newCertificate = cardCertificate(own.engine);
    expect(newCertificate.equals(oldCertificate)).toBe(false);
    const screen = a.screen();
    if (screen.kind !== 'signed-in') throw new Error(screen.kind);
    expect(screen.session.expiry.renewalDue).toBe(false);
    expect(screen.session.expiry.daysToExpiry).toBeGreaterThan(365);
    expect(done.step).toEqual({ step: 'done', certificateNotAfter: screen.session.expiry.certificateNotAfter });
    expect(a.agent.state().indicator).toBe('signed-in');

    const certificates = await serviceCertificates(rig.service, own.cardUuid);
    expect(certificates.live).toEqual([normSerial(newCertificate)]);
    expect(certificates.revoked).toEqual([{ serial: normSerial(oldCertificate), reason: 'superseded' }]);

    await a.call('renewal.close', {});
    await a.call('agent.logout', {});
    a.readers.remove(R1);
    await signIn(a, own);
    expect(a.screen()).toMatchObject({ kind: 'signed-in', renewal: null });
  });

  it("rule: a card without a registered attestation key: its old key signs the renewal with the holder's passcode before GENERATE, and it renews", async () => {
    const { a, own } = await signedInAs('clinician', { algorithm: 'p256', validDays: 30 });
    await forgetAttestationKey(own);
    const oldCertificate = cardCertificate(own.engine);
    await a.call('renewal.start', {});
    const before = own.commands.length;
    await a.call('renewal.submitPasscode', { passcode: '123456' });
    expect(renewal(a)).toMatchObject({ mode: 'self', step: { step: 'done' }, error: null });
    // One command more than an attested card's: the old key's signature, before GENERATE replaces it.
    expect(commandNames(own.commands.slice(before))).toEqual([
      'SELECT',
      'VERIFY',
      'GENERAL AUTHENTICATE',
      'GENERAL AUTHENTICATE',
      'GENERAL AUTHENTICATE',
      'GENERATE',
      'ATTEST',
      'GENERAL AUTHENTICATE',
      'PUT DATA',
    ]);
    const certificates = await serviceCertificates(rig.service, own.cardUuid);
    expect(certificates.live).toEqual([normSerial(cardCertificate(own.engine))]);
    expect(certificates.revoked).toEqual([{ serial: normSerial(oldCertificate), reason: 'superseded' }]);
  });

  it('in session-lock mode the renewed card still resumes its session (the session knows its new certificate)', async () => {
    const a = await agent({ removalMode: 'session-lock' });
    const own = await rig.card('clinician', { validDays: 30 });
    await signIn(a, own);
    await a.call('renewal.start', {});
    await a.call('renewal.submitPasscode', { passcode: '123456' });
    expect(renewal(a).step.step).toBe('done');
    a.readers.remove(R1);
    await a.untilScreen('session-locked');
    a.readers.insert(R1, own.engine);
    await a.until((s) => s.screen.kind === 'session-locked' && s.screen.reader === R1, 'the card back');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen().kind).toBe('signed-in');
  });

  it('a wrong passcode shows the attempts left and stays on the passcode; the third locks the card, ending the session as a locked card does', async () => {
    const { a, own } = await signedInAs('clinician', { validDays: 30 });
    await a.call('renewal.start', {});
    const first = await a.failure('renewal.submitPasscode', { passcode: '999999' });
    expect(first.code).toBe('wrong-passcode');
    expect(renewal(a)).toMatchObject({ step: { step: 'passcode', attemptsRemaining: 2 }, error: 'Wrong passcode. 2 attempts remaining.', busy: false });
    await a.failure('renewal.submitPasscode', { passcode: '999999' });
    expect(renewal(a).step).toEqual({ step: 'passcode', attemptsRemaining: 1 });
    const before = await rig.liveSessions();
    const last = await a.failure('renewal.submitPasscode', { passcode: '999999' });
    expect(last.code).toBe('card-locked');
    expect(own.triesLeft()).toBe(0);
    expect(a.screen()).toMatchObject({ kind: 'locked-card', reader: R1 });
    // The service's session for this card ends, as it does when a locked card ends any session.
    await vi.waitFor(async () => expect(await rig.liveSessions()).toBe(before - 1));
  });

  it('a policy-breaking passcode costs no attempt and reaches no card', async () => {
    const { a, own } = await signedInAs('clinician', { validDays: 30 });
    await a.call('renewal.start', {});
    const before = own.commands.length;
    const failure = await a.failure('renewal.submitPasscode', { passcode: '12ab' });
    expect(failure.code).toBe('passcode-policy');
    expect(own.commands.length).toBe(before);
    expect(renewal(a).step.step).toBe('passcode');
  });

  it('the card pulled during the renewal ends the flow (normal mode: the session too)', async () => {
    const { a } = await signedInAs('clinician', { validDays: 30 });
    await a.call('renewal.start', {});
    a.readers.faults(R1).vanishAfter(4, 'before-processing');
    const failure = await a.failure('renewal.submitPasscode', { passcode: '123456' });
    expect(failure.code).toBe('card-removed');
    expect(a.screen().kind).toBe('no-card');
  });
});

describe('rule: sponsor, LSA and RA renewal with two readers ("Service smartcard" -> Renew smartcard certificate -> the card holder enters their passcode)', () => {
  /** Service smartcard begun, `card` read in reader 2, and on to what can be done with it. */
  async function chooseInReader2(a: AgentRig, card: TestCard): Promise<void> {
    await a.call('serviceCard.begin', {});
    a.readers.insert(R2, card.engine);
    await a.until((s) => s.readers.find((r) => r.name === R2)?.card?.cardUuid === card.cardUuid, 'the card in reader 2 read');
    await a.call('serviceCard.continue', {});
  }

  /** Service smartcard with `card` in reader 2, up to the holder's passcode for its renewal. */
  async function renewalPasscodeInReader2(a: AgentRig, card: TestCard): Promise<void> {
    await chooseInReader2(a, card);
    const screen = a.screen();
    if (screen.kind !== 'signed-in' || screen.serviceCard?.step.step !== 'choose') throw new Error(JSON.stringify(screen));
    expect(screen.serviceCard.step.renewRefusal).toBeNull();
    await a.call('serviceCard.renew', {});
    expect(a.screen()).toMatchObject({ kind: 'signed-in', serviceCard: null });
    expect(renewal(a)).toMatchObject({ mode: 'sponsor', reader: R2, cardUuid: card.cardUuid, step: { step: 'passcode' } });
  }

  async function renewInReader2(a: AgentRig, card: TestCard, passcode = '123456'): Promise<void> {
    await renewalPasscodeInReader2(a, card);
    await a.call('renewal.submitPasscode', { passcode });
  }

  it.each([
    ['sponsor', 'clinician', 'Amelia Hart'],
    ['lsa', 'card-near-expiry', 'Zoë Smith-Jones'],
    ['ra-agent', 'card-near-expiry', 'Zoë Smith-Jones'],
  ] as const)('a %s renews %s\'s card due within 90 days: done; their own session and card untouched; the old certificate revoked', async (who, whose, name) => {
    const { a, own } = await signedInAs(who);
    const ownCommands = own.commands.length;
    const card = await rig.card(whose, { validDays: 40, algorithm: 'rsa2048' });
    const oldCertificate = cardCertificate(card.engine);
    await renewInReader2(a, card);
    expect(renewal(a)).toMatchObject({ mode: 'sponsor', holderName: name, step: { step: 'done' }, error: null });
    expect(own.commands.length).toBe(ownCommands);
    const certificates = await serviceCertificates(rig.service, card.cardUuid);
    expect(certificates.live).toEqual([normSerial(cardCertificate(card.engine))]);
    expect(certificates.revoked).toEqual([{ serial: normSerial(oldCertificate), reason: 'superseded' }]);
    await a.call('renewal.close', {});
    expect(a.screen()).toMatchObject({ kind: 'signed-in', renewal: null, serviceCard: null });
  });

  it("rule: a card without a registered attestation key is renewed in reader 2 once its holder's passcode lets its old key vouch for the new one", async () => {
    const { a } = await signedInAs('sponsor');
    const card = await rig.card('clinician', { validDays: 40 });
    await forgetAttestationKey(card);
    const oldCertificate = cardCertificate(card.engine);
    await renewInReader2(a, card);
    expect(renewal(a)).toMatchObject({ mode: 'sponsor', step: { step: 'done' }, error: null });
    expect((await serviceCertificates(rig.service, card.cardUuid)).revoked).toEqual([{ serial: normSerial(oldCertificate), reason: 'superseded' }]);
  });

  it.each(['sponsor', 'lsa'] as const)('an expired card is refused for a %s: "make an appointment with your Registration Authority", on the choose step', async (who) => {
    const { a } = await signedInAs(who);
    const expired = await rig.card('card-expired', { validDays: 365, issuedDaysAgo: 375 });
    await chooseInReader2(a, expired);
    const screen = a.screen();
    if (screen.kind !== 'signed-in' || screen.serviceCard?.step.step !== 'choose') throw new Error(JSON.stringify(screen));
    expect(screen.serviceCard.step.daysToExpiry).toBe(-10);
    expect(screen.serviceCard.step.renewRefusal).toMatch(/make an appointment with your Registration Authority/);
    const failure = await a.failure('serviceCard.renew', {});
    expect(failure.code).toBe('service-refused');
    expect(failure.message).toMatch(/make an appointment with your Registration Authority/);
    expect(renewalOf(a.agent.state())).toBeNull();
  });

  it('an expired card is renewed by an RA agent through the same wizard', async () => {
    const { a } = await signedInAs('ra-agent');
    const expired = await rig.card('card-expired', { validDays: 365, issuedDaysAgo: 375 });
    await renewInReader2(a, expired);
    expect(renewal(a)).toMatchObject({ mode: 'sponsor', holderName: 'Nia Roberts', step: { step: 'done' } });
    // The holder can sign in again.
    const b = await agent();
    b.readers.insert(R1, expired.engine);
    await b.untilScreen('passcode');
    await b.call('agent.submitPasscode', { passcode: '123456' });
    await b.untilScreen('choose-position');
  });

  it('a wrong passcode on the card in reader 2 shows the attempts left; its third locks it and the sponsor is told to unlock it first', async () => {
    const { a } = await signedInAs('sponsor');
    const card = await rig.card('clinician', { validDays: 40 });
    await renewalPasscodeInReader2(a, card);
    for (const left of [2, 1]) {
      await a.failure('renewal.submitPasscode', { passcode: '999999' });
      expect(renewal(a)).toMatchObject({ step: { step: 'passcode', attemptsRemaining: left } });
    }
    const last = await a.failure('renewal.submitPasscode', { passcode: '999999' });
    expect(last.code).toBe('card-locked');
    expect(renewal(a).step).toMatchObject({ step: 'refused', message: expect.stringMatching(/locked/) });
    expect(a.screen()).toMatchObject({ kind: 'signed-in' });
  });

  it('the card pulled from reader 2 ends the renewal; a late answer never lands on the next card', async () => {
    const { a } = await signedInAs('sponsor');
    const card = await rig.card('clinician', { validDays: 40 });
    await renewalPasscodeInReader2(a, card);
    a.readers.faults(R2).vanishAfter(5, 'after-processing');
    const failure = await a.failure('renewal.submitPasscode', { passcode: '123456' });
    expect(failure.code).toBe('card-removed');
    expect(a.screen()).toMatchObject({ kind: 'signed-in', renewal: null });
  });
});

describe('rule: a renewal cut short is finished at the next insertion (recovery)', () => {
  it('key made, no certificate yet: the recovery asks for the passcode, the card makes its key again, done; then the passcode prompt', async () => {
    const { a, own } = await signedInAs('clinician', { validDays: 30 });
    await a.call('renewal.start', {});
    // Pulled once GENERATE has acted: the card holds a new key beside its old certificate.
    a.readers.faults(R1).vanishAfter(4, 'after-processing');
    await a.failure('renewal.submitPasscode', { passcode: '123456' });
    a.readers.insert(R1, own.engine);
    const recovery = await a.until((s) => s.screen.kind === 'renewal-recovery' && renewalOf(s)?.step.step === 'passcode', 'the recovery passcode');
    expect(renewalOf(recovery)).toMatchObject({ mode: 'recovery', reader: R1, cardUuid: own.cardUuid, holderName: 'Amelia Hart' });
    await a.call('renewal.submitPasscode', { passcode: '123456' });
    expect(renewal(a)).toMatchObject({ mode: 'recovery', step: { step: 'done' } });
    await a.call('renewal.close', {});
    expect(a.screen()).toMatchObject({ kind: 'passcode', reader: R1 });
    const certificates = await serviceCertificates(rig.service, own.cardUuid);
    expect(certificates.live).toEqual([normSerial(cardCertificate(own.engine))]);
  });

  it('certificate issued but not written: written without the passcode ("did not finish; finishing it now"), confirmed, then the passcode prompt', async () => {
    const { a, own } = await signedInAs('clinician', { validDays: 30, algorithm: 'p256' });
    await a.call('renewal.start', {});
    const before = own.commands.length;
    await a.call('renewal.submitPasscode', { passcode: '123456' }).catch(() => undefined);
    const commands = own.commands.length - before;
    // A second card: pulled just before PUT DATA acts.
    const second = await rig.card('clinician', { validDays: 30, algorithm: 'p256' });
    const b = await agent();
    await signIn(b, second);
    await b.call('renewal.start', {});
    b.readers.faults(R1).vanishAfter(commands - 1, 'before-processing');
    await b.failure('renewal.submitPasscode', { passcode: '123456' });
    const progress: string[] = [];
    b.agent.onState((s) => {
      const r = renewalOf(s);
      if (r?.step.step === 'working') progress.push(r.step.progress);
    });
    b.readers.insert(R1, second.engine);
    await b.until((s) => s.screen.kind === 'renewal-recovery' && renewalOf(s)?.step.step === 'done', 'the recovery done');
    expect(progress[0]).toMatch(/did not finish; finishing it now/);
    await b.call('renewal.close', {});
    await b.call('agent.submitPasscode', { passcode: '123456' });
    await b.untilScreen('choose-position');
    const certificates = await serviceCertificates(rig.service, second.cardUuid);
    expect(certificates.live).toEqual([normSerial(cardCertificate(second.engine))]);
  });

  it('a card whose key does not match its certificate, with no renewal to finish, is refused in words and set aside', async () => {
    const a = await agent();
    const holder = await rig.card('clinician');
    const donor = await rig.card('sponsor');
    const state = structuredClone(donor.engine.snapshot());
    state.objects = { ...holder.engine.snapshot().objects };
    const { PivCardEngine } = await import('../../../src-main/virtual-card/piv-card-engine.js');
    a.readers.insert(R1, new PivCardEngine(state));
    const refused = await a.until((s) => renewalOf(s)?.step.step === 'refused', 'the refusal');
    expect(refused.screen).toMatchObject({
      kind: 'renewal-recovery',
      renewal: { mode: 'recovery', step: { step: 'refused', message: "This smartcard's key does not match its certificate. Contact your registration authority." } },
    });
    await a.call('renewal.close', {});
    expect(a.screen().kind).toBe('no-card');
  });
});

describe('the agent journal', () => {
  it('records each step of a renewal before it is taken, by card, mode and serials: nothing else', async () => {
    const { a, own } = await signedInAs('clinician', { validDays: 30 });
    const oldSerial = normSerial(cardCertificate(own.engine));
    await a.call('renewal.start', {});
    await a.call('renewal.submitPasscode', { passcode: '123456' });
    const journal = new RenewalJournal(a.dataDir);
    try {
      const entries = journal.entries(own.cardUuid);
      expect(entries.map((e) => e.step)).toEqual(['opening', 'card-operation', 'requesting-certificate', 'writing-certificate', 'confirming', 'confirmed']);
      expect(entries.every((e) => e.mode === 'self' && e.oldSerial?.toUpperCase().replace(/^0+/, '') === oldSerial)).toBe(true);
      expect(entries.at(-1)?.newSerial?.toUpperCase().replace(/^0+/, '')).toBe(normSerial(cardCertificate(own.engine)));
      expect(journal.unfinished(own.cardUuid)).toBeUndefined();
    } finally {
      journal.close();
    }
  });
});
