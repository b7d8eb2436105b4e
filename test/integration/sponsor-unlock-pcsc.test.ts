import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentState, type UnlockView } from '../../src-shared/api/agent-api.js';
import { createAgent } from '../../src-main/agent/create-agent.js';
import type { Agent } from '../../src-main/agent/agent-types.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { cardReadIn, nextState, signInFromPrompt } from '../support/agent-states.js';
import { startServiceRig, type ServiceRig } from '../unit/agent/support/agent-rig.js';
import { cardHolds, cardPukIs, commandNames, servicePuks } from '../unit/agent/support/unlock-rig.js';
import { makeTestCard, READER, type TestCard } from './support/virtual-card.js';
import { waitFor } from './support/pcsc.js';

// "Service smartcard" through the real stack (domain.md: sponsor unlock needs two readers): the
// sponsor's card in vpcd slot 0 ("Virtual PCD 00 00"), the holder's locked card in slot 1
// ("Virtual PCD 00 01"), both factory cards served from state files; pcscd, the PC/SC reader
// driver, the agent, and the embedded identity service over HTTP.

/** pcscd polls for cards: agent states take longer to come than with in-process readers. */
const STATE_MS = 15_000;
let rig: ServiceRig;
let driver: PcscReaderDriver;
let agent: Agent;
let dataDir: string;
let cards: { card: TestCard; reader: string }[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

function start(): void {
  driver = new PcscReaderDriver({ reconnectMs: 200 });
  dataDir = mkdtempSync(join(tmpdir(), 'agent-unlock-pcsc-'));
  agent = createAgent({ readers: driver, serviceUrl: rig.service.url, workstationId: 'ws-pcsc-unlock', removalMode: 'normal', dataDir });
  agent.onState((s) => expect(AgentState.safeParse(s).success).toBe(true));
  driver.start();
}

afterEach(async () => {
  // Wait until pcscd has seen every card go, so the next test (or file) starts with empty readers.
  for (const { card, reader } of cards) {
    const present = driver.readers().some((r) => r.name === reader && r.cardPresent);
    const gone = present ? waitFor(driver, 'card-removed', reader) : Promise.resolve();
    await card.remove();
    await gone;
  }
  cards = [];
  await agent.close();
  await driver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function serviceCard(): UnlockView {
  const screen = agent.state().screen;
  if (screen.kind !== 'signed-in' || !screen.serviceCard) throw new Error(`no Service smartcard under way: ${JSON.stringify(screen)}`);
  return screen.serviceCard;
}

async function sponsorSignedIn(): Promise<TestCard> {
  const sponsor = makeTestCard(0, { state: rig.card('sponsor', { algorithm: 'rsa2048' }).made.state });
  cards.push({ card: sponsor, reader: READER[0] });
  await sponsor.insert();
  await signInFromPrompt(agent, 'sponsor', '123456', STATE_MS);
  return sponsor;
}

async function lockedCardIn(slot1: TestCard, cardUuid: string): Promise<void> {
  await slot1.insert();
  await nextState(agent, cardReadIn(READER[1], cardUuid), 'the locked card read in reader 2', STATE_MS);
}

describe('sponsor unlock over pcscd + vpcd, two readers', () => {
  it('sponsor in Virtual PCD 00 00, locked card in 00 01: continue -> unlock -> new passcode -> done; six APDUs on the locked card, its PUK rotated and committed', async () => {
    start();
    const sponsor = await sponsorSignedIn();
    const made = rig.card('locked-card', { algorithm: 'p256', locked: true });
    const locked = makeTestCard(1, { state: made.engine.snapshot() });
    cards.push({ card: locked, reader: READER[1] });
    const sponsorCommands = sponsor.log.length;

    await agent.handle('serviceCard.begin', {});
    await lockedCardIn(locked, made.cardUuid);
    await agent.handle('serviceCard.continue', {});
    expect(serviceCard()).toMatchObject({ reader: READER[1], holderName: 'Rhys Evans', cardUuid: made.cardUuid, step: { step: 'choose', unlockRefusal: null } });
    await agent.handle('serviceCard.unlock', {});
    await agent.handle('serviceCard.confirm', {});
    const before = locked.log.length;
    await agent.handle('unlock.setPasscode', { next: '24681357', confirm: '24681357' });
    expect(serviceCard()).toMatchObject({ step: { step: 'done' }, error: null });

    expect(commandNames(locked.log.slice(before))).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'RESET RETRY COUNTER', 'CHANGE REFERENCE DATA']);
    // The card's state file says what the card holds now.
    const state = locked.engine.snapshot();
    expect(state.pin.triesLeft).toBe(3);
    expect(cardHolds(state, 'pin', '24681357')).toBe(true);
    expect(cardPukIs(rig.service, made.cardUuid, state)).toBe('current');
    expect(servicePuks(rig.service, made.cardUuid).pending).toBeNull();
    // The sponsor's card in the other reader was not spoken to; the session carries on.
    expect(sponsor.log.length).toBe(sponsorCommands);
    await agent.handle('unlock.close', {});
    expect(agent.state().screen).toMatchObject({ kind: 'signed-in', serviceCard: null, session: { user: { name: 'Grace Okafor' } } });
  });

  it('the locked card pulled from 00 01 mid-way: back to "insert" saying so; put back, the unlock finishes', async () => {
    start();
    await sponsorSignedIn();
    const made = rig.card('locked-card', { algorithm: 'p256', locked: true });
    const locked = makeTestCard(1, { state: made.engine.snapshot() });
    cards.push({ card: locked, reader: READER[1] });
    await agent.handle('serviceCard.begin', {});
    await lockedCardIn(locked, made.cardUuid);
    await agent.handle('serviceCard.continue', {});
    await agent.handle('serviceCard.unlock', {});

    const removed = waitFor(driver, 'card-removed', READER[1]);
    await locked.remove();
    await removed;
    expect(serviceCard()).toMatchObject({ step: { step: 'insert' }, reader: null, error: 'The smartcard was removed from the second reader. Insert it again and select Continue.' });

    await lockedCardIn(locked, made.cardUuid);
    await agent.handle('serviceCard.continue', {});
    await agent.handle('serviceCard.unlock', {});
    await agent.handle('serviceCard.confirm', {});
    await agent.handle('unlock.setPasscode', { next: '13572468', confirm: '13572468' });
    expect(serviceCard().step).toEqual({ step: 'done' });
    expect(cardHolds(locked.engine.snapshot(), 'pin', '13572468')).toBe(true);
  });
});
