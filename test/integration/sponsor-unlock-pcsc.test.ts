import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UnlockView } from '../../src-shared/api/agent-api.js';
import { startServiceRig, type ServiceRig } from '../unit/agent/support/agent-rig.js';
import { cardHolds, cardPukIs, commandNames, servicePuks } from '../support/unlock-rig.js';
import { readInSecondReader, sponsorSignedIn, startPcscAgent, type PcscAgent } from './support/pcsc-agent.js';
import { READER, type TestCard } from './support/virtual-card.js';
import { waitFor } from './support/pcsc.js';

// "Service smartcard" through the real stack (domain.md: sponsor unlock needs two readers): the
// sponsor's card in vpcd slot 0 ("Virtual PCD 00 00"), the holder's locked card in slot 1
// ("Virtual PCD 00 01"), both factory cards served from state files; pcscd, the PC/SC reader
// driver, the agent, and the embedded identity service over HTTP.

let rig: ServiceRig;
let pcsc: PcscAgent;

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

afterEach(async () => pcsc.close());

function serviceCard(): UnlockView {
  const screen = pcsc.agent.state().screen;
  if (screen.kind !== 'signed-in' || !screen.serviceCard) throw new Error(`no Service smartcard under way: ${JSON.stringify(screen)}`);
  return screen.serviceCard;
}

/** An agent, and the sponsor signed in on it with their card in the first reader. */
async function sponsorReady(): Promise<TestCard> {
  pcsc = startPcscAgent(rig.service.url, 'unlock');
  return sponsorSignedIn(pcsc, (await rig.card('sponsor', { algorithm: 'rsa2048' })).made.state);
}

const lockedCardIn = (slot1: TestCard, cardUuid: string): Promise<void> => readInSecondReader(pcsc, slot1, cardUuid, 'the locked card read in reader 2');

describe('sponsor unlock over pcscd + vpcd, two readers', () => {
  it('sponsor in Virtual PCD 00 00, locked card in 00 01: continue -> unlock -> new passcode -> done; six APDUs on the locked card, its PUK rotated and committed', async () => {
    const sponsor = await sponsorReady();
    const { agent } = pcsc;
    const made = await rig.card('locked-card', { algorithm: 'p256', locked: true });
    const locked = pcsc.card(1, made.engine.snapshot());
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
    expect(await cardPukIs(rig.service, made.cardUuid, state)).toBe('current');
    expect((await servicePuks(rig.service, made.cardUuid)).pending).toBeNull();
    // The sponsor's card in the other reader was not spoken to; the session carries on.
    expect(sponsor.log.length).toBe(sponsorCommands);
    await agent.handle('unlock.close', {});
    expect(agent.state().screen).toMatchObject({ kind: 'signed-in', serviceCard: null, session: { user: { name: 'Grace Okafor' } } });
  });

  it('the locked card pulled from 00 01 mid-way: back to "insert" saying so; put back, the unlock finishes', async () => {
    await sponsorReady();
    const { agent, driver } = pcsc;
    const made = await rig.card('locked-card', { algorithm: 'p256', locked: true });
    const locked = pcsc.card(1, made.engine.snapshot());
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
