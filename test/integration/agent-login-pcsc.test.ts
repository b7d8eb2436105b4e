import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentState, type Screen } from '../../src-shared/api/agent-api.js';
import { createAgent } from '../../src-main/agent/create-agent.js';
import type { Agent } from '../../src-main/agent/agent-types.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { nextState } from '../support/agent-states.js';
import { startServiceRig, type ServiceRig } from '../unit/agent/support/agent-rig.js';
import { makeTestCard, READER, type TestCard } from './support/virtual-card.js';
import { waitFor } from './support/pcsc.js';

// The agent's login through the real stack: a factory card written to a state file and served
// into vpcd, pcscd, the PC/SC reader driver, the agent, and the embedded identity service over
// HTTP. Insert -> passcode -> position -> signed in -> card out -> signed out.

let rig: ServiceRig;
let driver: PcscReaderDriver;
let agent: Agent;
let dataDir: string;
/** Cards served into vpcd slot 0 ("Virtual PCD 00 00"). */
let cards: TestCard[] = [];
let states: AgentState[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

function start(removalMode: 'normal' | 'session-lock'): void {
  driver = new PcscReaderDriver({ reconnectMs: 200 });
  dataDir = mkdtempSync(join(tmpdir(), 'agent-pcsc-'));
  agent = createAgent({ readers: driver, serviceUrl: rig.service.url, workstationId: 'ws-pcsc-test', removalMode, dataDir });
  states = [];
  agent.onState((s) => {
    expect(AgentState.safeParse(s).success).toBe(true);
    states.push(s);
  });
  driver.start();
}

afterEach(async () => {
  // Wait until pcscd has seen every card go, so the next test (or file) starts with empty readers.
  await Promise.all(
    cards.map(async (c) => {
      const reader = READER[0];
      const present = driver.readers().some((r) => r.name === reader && r.cardPresent);
      const gone = present ? waitFor(driver, 'card-removed', reader) : Promise.resolve();
      await c.remove();
      await gone;
    }),
  );
  cards = [];
  await agent.close();
  await driver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<K extends Screen['kind']>(kind: K, ms = 15_000, also: (s: Screen) => boolean = () => true): Promise<Extract<Screen, { kind: K }>> {
  const state = await nextState(agent, (s) => s.screen.kind === kind && also(s.screen), kind, ms);
  return state.screen as Extract<Screen, { kind: K }>;
}

describe('agent login over pcscd + vpcd', () => {
  it('insert -> passcode (a wrong one says 2 attempts remain) -> position -> signed in; pulling the card signs out and ends the service session', async () => {
    start('normal');
    const made = await rig.card('clinician', { algorithm: 'rsa2048' });
    const card = makeTestCard(0, { state: made.made.state });
    cards.push(card);
    const before = await rig.liveSessions();
    await card.insert();
    const prompt = await until('passcode');
    expect(prompt).toMatchObject({ reader: READER[0], holderName: 'Amelia Hart', cardUuid: made.cardUuid, attemptsRemaining: 3 });
    expect(agent.state().readers.find((r) => r.name === READER[0])?.card?.cardUuid).toBe(made.cardUuid);

    await expect(agent.handle('agent.submitPasscode', { passcode: '246813' })).rejects.toMatchObject({ code: 'wrong-passcode' });
    expect(agent.state().screen).toMatchObject({ kind: 'passcode', attemptsRemaining: 2, error: 'Wrong passcode. 2 attempts remaining.' });

    await agent.handle('agent.submitPasscode', { passcode: '123456' });
    const choose = await until('choose-position');
    expect(choose.positions.map((p) => p.title)).toEqual(['Consultant']);
    await agent.handle('agent.choosePosition', { positionId: choose.positions[0]?.positionId, remember: false });
    const signedIn = await until('signed-in');
    expect(signedIn.session).toMatchObject({ cardUuid: made.cardUuid, reader: READER[0], user: { name: 'Amelia Hart' } });
    expect(agent.state().indicator).toBe('signed-in');
    expect(await rig.liveSessions()).toBe(before + 1);
    // A correct VERIFY restored the card's tries; the card (a real state file) says so.
    expect(card.engine.snapshot().pin.triesLeft).toBe(3);

    const removed = waitFor(driver, 'card-removed', READER[0]);
    await card.remove();
    await removed;
    expect(agent.state().screen).toEqual({ kind: 'no-card' });
    expect(agent.state().indicator).toBe('no-card');
    const deadline = Date.now() + 5000;
    while (await rig.liveSessions() !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await rig.liveSessions()).toBe(before);
  });

  it('session-lock mode: pulling the card locks the session; the same card back in and its passcode resume it', async () => {
    start('session-lock');
    const made = await rig.card('sponsor', { algorithm: 'p256' });
    const card = makeTestCard(0, { state: made.made.state });
    cards.push(card);
    await card.insert();
    await until('passcode');
    await agent.handle('agent.submitPasscode', { passcode: '123456' });
    const choose = await until('choose-position');
    await agent.handle('agent.choosePosition', { positionId: choose.positions[0]?.positionId, remember: true });
    const signedIn = await until('signed-in');
    const live = await rig.liveSessions();

    const removed = waitFor(driver, 'card-removed', READER[0]);
    await card.remove();
    await removed;
    expect(agent.state().screen).toMatchObject({ kind: 'session-locked', holderName: 'Grace Okafor', reader: null });
    await card.insert();
    await until('session-locked', 15_000, (s) => s.kind === 'session-locked' && s.reader === READER[0]);
    await agent.handle('agent.submitPasscode', { passcode: '123456' });
    expect(agent.state().screen).toEqual({ kind: 'signed-in', session: signedIn.session, serviceCard: null, renewal: null, signedInTo: [] });
    expect(await rig.liveSessions()).toBe(live);
    await agent.handle('agent.logout', {});
  });
});
