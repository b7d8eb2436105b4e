import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { PivSession } from '../../../src-main/card/piv/piv-session.js';
import { REMEMBERED_POSITIONS_FILE } from '../../../src-main/agent/remembered-positions.js';
import { personaByKey } from '../../../src-service/seed/personas.js';
import { addPosition, assign } from '../../support/service-fixtures.js';
import { R1, R2, signIn, startAgent, startServiceRig, type AgentRig, type ServiceRig } from './support/agent-rig.js';

// Login through the agent: a factory card for a seeded persona in the in-process reader, the
// real identity service over HTTP, and every state the renderer would see.

const VERIFY = 0x20;
let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

function agent(options: Parameters<typeof startAgent>[1] = {}): AgentRig {
  const a = startAgent(rig.service.url, options);
  agents.push(a);
  return a;
}

/** VERIFY commands that carried a passcode (an empty VERIFY only asks for the counter). */
const passcodeVerifies = (commands: { ins: number; nc: number }[]): number => commands.filter((c) => c.ins === VERIFY && c.nc > 0).length;

describe('login: insert, passcode, position, signed in', () => {
  it.each(['rsa2048', 'p256'] as const)('a %s card: the holder is named from the certificate before any passcode, and the chosen position opens a service session', async (algorithm) => {
    const a = agent();
    await a.until((s) => s.service.status === 'connected', 'the service');
    expect(a.agent.state().screen).toEqual({ kind: 'no-card' });
    expect(a.agent.state().indicator).toBe('no-card');
    const card = await rig.card('clinician', { algorithm });
    const clinician = personaByKey('clinician');
    const before = await rig.liveSessions();

    a.readers.insert(R1, card.engine);
    expect(a.screen()).toEqual({ kind: 'reading-card', reader: R1 });
    const passcode = await a.untilScreen('passcode');
    expect(passcode).toEqual({
      kind: 'passcode',
      reader: R1,
      holderName: 'Amelia Hart',
      cardUuid: card.cardUuid,
      attemptsRemaining: 3,
      lastAttempt: false,
      busy: false,
      error: null,
    });
    expect(a.agent.state().indicator).toBe('card-present');
    expect(a.agent.state().readers).toEqual([
      { name: R1, card: { holderName: 'Amelia Hart', cardUuid: card.cardUuid, inSession: false } },
      { name: R2, card: null },
    ]);
    // Reading the card on insertion asked for the counter only: no passcode went to the card.
    expect(passcodeVerifies(card.commands)).toBe(0);

    const submitted = a.call('agent.submitPasscode', { passcode: '123456' });
    expect(a.screen()).toMatchObject({ kind: 'passcode', busy: true });
    await expect(submitted).resolves.toEqual({ ok: true });
    const choose = await a.untilScreen('choose-position');
    const seeded = rig.personas.get('clinician');
    expect(choose).toEqual({
      kind: 'choose-position',
      reader: R1,
      holderName: 'Amelia Hart',
      positions: [
        {
          positionId: seeded?.positionId,
          title: 'Consultant',
          organisation: { code: 'RZZ01', name: 'Training General Hospital', kind: 'site', parentCode: 'RZZ' },
          roles: [],
        },
      ],
      rememberedPositionId: null,
      busy: false,
      error: null,
    });
    // No session until a position is chosen.
    expect(await rig.liveSessions()).toBe(before);

    await a.call('agent.choosePosition', { positionId: seeded?.positionId, remember: false });
    const state = a.agent.state();
    expect(state.screen.kind).toBe('signed-in');
    if (state.screen.kind !== 'signed-in') return;
    expect(state.screen.session).toMatchObject({
      user: { uuid: clinician.uuid, name: 'Amelia Hart' },
      cardUuid: card.cardUuid,
      reader: R1,
      position: { id: seeded?.positionId, title: 'Consultant' },
      expiry: { certificateNotAfter: card.made.certificate.notAfter.toISOString(), renewalDue: false },
    });
    expect(state.screen.session.expiry.daysToExpiry).toBeGreaterThan(1000);
    expect(state.indicator).toBe('signed-in');
    expect(state.readers[0]?.card?.inSession).toBe(true);
    expect(await rig.liveSessions()).toBe(before + 1);
    const row = await rig.db.selectFrom('sessions').select('workstation_id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(row.workstation_id).toBe('ws-agent-test');

    // The login transaction reset the card: no verified passcode outlives it.
    const pin = await a.readers.transaction(R1, async (t) => {
      const piv = new PivSession(new ApduChannel(t));
      await piv.select();
      return piv.pinStatus();
    });
    expect(pin).toEqual({ verified: false, attemptsRemaining: 3 });
    await a.call('agent.logout', {});
  });
});

describe('passcode rules', () => {
  it('a wrong passcode says how many attempts remain (2, then 1 with the last-attempt warning); the third locks the card', async () => {
    const a = agent();
    const card = await rig.card('sponsor');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');

    const first = await a.failure('agent.submitPasscode', { passcode: '654321' });
    expect(first).toMatchObject({ code: 'wrong-passcode', message: 'Wrong passcode. 2 attempts remaining.' });
    expect(a.screen()).toMatchObject({ kind: 'passcode', attemptsRemaining: 2, lastAttempt: false, busy: false, error: 'Wrong passcode. 2 attempts remaining.' });

    const second = await a.failure('agent.submitPasscode', { passcode: '000000' });
    expect(second.code).toBe('wrong-passcode');
    expect(a.screen()).toMatchObject({ kind: 'passcode', attemptsRemaining: 1, lastAttempt: true });
    const screen = a.screen();
    expect(screen.kind === 'passcode' && screen.error).toBe('Wrong passcode. 1 attempt remaining. One more wrong passcode will lock your smartcard.');

    const third = await a.failure('agent.submitPasscode', { passcode: '111111' });
    expect(third.code).toBe('card-locked');
    expect(a.screen()).toEqual({ kind: 'locked-card', reader: R1, holderName: 'Grace Okafor', cardUuid: card.cardUuid });
    expect(a.agent.state().indicator).toBe('locked');
    expect(card.triesLeft()).toBe(0);

    // A locked card is not asked again: the right passcode now costs nothing and changes nothing.
    const sent = passcodeVerifies(card.commands);
    expect((await a.failure('agent.submitPasscode', { passcode: '123456' })).code).toBe('card-locked');
    expect(passcodeVerifies(card.commands)).toBe(sent);
  });

  it.each(['12a4', '12345', '123456789', '', '１２３４５６'])('a passcode breaking the policy (%j) is refused before the card sees it and costs no attempt', async (bad) => {
    const a = agent();
    const card = await rig.card('lsa');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    const failure = await a.failure('agent.submitPasscode', { passcode: bad });
    expect(failure.code).toBe('passcode-policy');
    expect(failure.message).toMatch(/^Your passcode must|^Enter your passcode/);
    expect(a.screen()).toMatchObject({ kind: 'passcode', attemptsRemaining: 3, lastAttempt: false, busy: false, error: failure.message });
    expect(card.triesLeft()).toBe(3);
    expect(passcodeVerifies(card.commands)).toBe(0);
  });

  it('a card already locked when inserted goes straight to the locked-card screen', async () => {
    const a = agent();
    const card = await rig.card('locked-card', { locked: true });
    a.readers.insert(R1, card.engine);
    expect(await a.untilScreen('locked-card')).toEqual({ kind: 'locked-card', reader: R1, holderName: 'Rhys Evans', cardUuid: card.cardUuid });
    expect(a.agent.state().indicator).toBe('locked');
  });
});

describe('card removed in the middle of a login', () => {
  it('pulled during the passcode check: back to no-card, no session opened, the passcode not spent', async () => {
    const a = agent();
    const card = await rig.card('ra-agent');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    const before = await rig.liveSessions();
    // SELECT answers, then the card vanishes as VERIFY arrives.
    a.readers.faults(R1).vanishAfter(1);
    const failure = await a.failure('agent.submitPasscode', { passcode: '123456' });
    expect(failure.code).toBe('card-removed');
    expect(a.screen()).toEqual({ kind: 'no-card' });
    expect(await rig.liveSessions()).toBe(before);
    expect(card.triesLeft()).toBe(3);
  });

  it('pulled after the service verified it: the position list never shows and no session exists', async () => {
    const a = agent();
    const card = await rig.card('ra-agent');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    const before = await rig.liveSessions();
    const submitted = a.call('agent.submitPasscode', { passcode: '123456' }).catch((e: unknown) => e);
    // Wait until the card has signed (the last APDU of the login), then pull it while the service checks.
    await new Promise<void>((resolve) => {
      const poll = (): void => (card.commands.some((c) => c.ins === 0x87) ? resolve() : void setImmediate(poll));
      poll();
    });
    a.readers.remove(R1);
    expect(a.screen()).toEqual({ kind: 'no-card' });
    expect(await submitted).toMatchObject({ code: 'card-removed' });
    expect(a.screen()).toEqual({ kind: 'no-card' });
    expect(await rig.liveSessions()).toBe(before);
  });

  it('pulled while the position list shows: the list goes and choosing is refused', async () => {
    const a = agent();
    const card = await rig.card('ra-agent');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    const choose = await a.untilScreen('choose-position');
    a.readers.remove(R1);
    expect(a.screen()).toEqual({ kind: 'no-card' });
    const failure = await a.failure('agent.choosePosition', { positionId: choose.positions[0]?.positionId, remember: false });
    expect(failure.code).toBe('not-now');
  });
});

describe('remember my selection', () => {
  it('is kept per card UUID in a 0600 file holding only card UUID -> position, and preselected by a new agent on the same data folder', async () => {
    const seeded = rig.personas.get('ra-manager');
    if (!seeded) throw new Error('persona missing');
    const second = await addPosition(rig.db, { orgId: seeded.orgId, title: 'Caldicott Guardian', roles: [] });
    await assign(rig.db, seeded.userId, second);
    const card = await rig.card('ra-manager');
    const first = agent();
    const dataDir = first.dataDir;

    await signIn(first, card, { positionId: second, remember: true });
    expect(first.screen()).toMatchObject({ kind: 'signed-in', session: { position: { id: second, title: 'Caldicott Guardian' } } });
    const file = join(dataDir, REMEMBERED_POSITIONS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: 'remembered-positions/1', cards: { [card.cardUuid]: second } });
    await first.call('agent.logout', {});
    await first.agent.close();
    first.readers.remove(R1);

    const later = agent({ dataDir });
    later.readers.insert(R2, card.engine);
    await later.untilScreen('passcode');
    await later.call('agent.submitPasscode', { passcode: '123456' });
    const choose = await later.untilScreen('choose-position');
    expect(choose.positions.map((p) => p.positionId).sort()).toEqual([seeded.positionId, second].sort());
    expect(choose.rememberedPositionId).toBe(second);

    // Unticking "remember" forgets the card's choice.
    await later.call('agent.choosePosition', { positionId: seeded.positionId, remember: false });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: 'remembered-positions/1', cards: {} });
    await later.call('agent.logout', {});
  });

  it('a position not on offer is refused and the list stays', async () => {
    const a = agent();
    const card = await rig.card('clinician');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    await a.untilScreen('choose-position');
    const failure = await a.failure('agent.choosePosition', { positionId: 999_999, remember: true });
    expect(failure).toMatchObject({ code: 'bad-request', message: 'Choose one of the positions listed.' });
    expect(a.screen().kind).toBe('choose-position');
  });

  it('cancel on the position list goes back to the passcode; cancel on the passcode sets the card aside until it is re-inserted', async () => {
    const a = agent();
    const card = await rig.card('clinician');
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
    await a.call('agent.submitPasscode', { passcode: '123456' });
    await a.untilScreen('choose-position');
    await a.call('agent.cancelPasscode', {});
    expect(a.screen()).toMatchObject({ kind: 'passcode', error: null });
    await a.call('agent.cancelPasscode', {});
    expect(a.screen()).toEqual({ kind: 'no-card' });
    expect(a.agent.state().indicator).toBe('card-present');
    expect(a.agent.state().readers[0]?.card).toMatchObject({ holderName: 'Amelia Hart' });
    a.readers.remove(R1);
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');
  });
});
