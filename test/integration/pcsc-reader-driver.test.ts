import { verify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApduChannel } from '../../src-main/card/apdu-channel.js';
import { parseAtr } from '../../src-main/card/atr.js';
import { CardError } from '../../src-main/card/card-error.js';
import { ALG, DEFAULT_MANAGEMENT_KEY, SLOT } from '../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../src-main/card/piv/piv-management-key.js';
import { PivSession } from '../../src-main/card/piv/piv-session.js';
import { encodeChuid, guidToUuid } from '../../src-shared/card/piv-objects.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { makeTestCard, READER, type TestCard } from './support/virtual-card.js';
import { startPcscd, stopPcscd, untilCardPresent, waitFor } from './support/pcsc.js';

// The PC/SC layer against the real pcscd and both vpcd readers: two cards at once, cards pulled
// in the middle of an operation, and pcscd itself restarted under a running session.

const session = (transport: Parameters<Parameters<PcscReaderDriver['transaction']>[1]>[0], atr: Buffer): PivSession =>
  new PivSession(new ApduChannel(transport, { extendedLength: parseAtr(atr).extendedLength }));

let driver: PcscReaderDriver;
let cards: TestCard[] = [];
let cardSlots: number[] = [];

beforeEach(() => {
  driver = new PcscReaderDriver({ reconnectMs: 200 });
  driver.start();
  cards = [];
  cardSlots = [];
});

afterEach(async () => {
  // Wait until pcscd has seen every card go, so the next test starts with empty readers.
  await Promise.all(
    cards.map(async (c, i) => {
      const reader = READER[cardSlots[i] as 0 | 1];
      const present = driver.readers().some((r) => r.name === reader && r.cardPresent);
      const gone = present ? waitFor(driver, 'card-removed', reader) : Promise.resolve();
      await c.remove();
      await gone;
    }),
  );
  await driver.close();
});

async function insertCard(slot: 0 | 1): Promise<TestCard> {
  const card = makeTestCard(slot);
  cards.push(card);
  cardSlots.push(slot);
  await card.insert();
  await untilCardPresent(driver, READER[slot]);
  return card;
}

describe('reader monitor', () => {
  it('sees both readers, and each card going in (with its ATR) and out', async () => {
    await waitFor(driver, 'reader-added', READER[1]).catch(() => undefined);
    expect(driver.readers().map((r) => r.name)).toEqual(expect.arrayContaining([READER[0], READER[1]]));
    const card = makeTestCard(1);
    cards.push(card);
    cardSlots.push(1);
    const inserted = waitFor(driver, 'card-inserted', READER[1]);
    await card.insert();
    const [, atr] = await inserted;
    expect(atr).toEqual(card.engine.atr);
    expect(driver.readers().find((r) => r.name === READER[1])?.cardPresent).toBe(true);
    expect(driver.readers().find((r) => r.name === READER[0])?.cardPresent).toBe(false);
    const removed = waitFor(driver, 'card-removed', READER[1]);
    await card.remove();
    await removed;
    expect(driver.readers().find((r) => r.name === READER[1])?.cardPresent).toBe(false);
  });
});

describe('transactions', () => {
  it('uses both readers at once, each command reaching its own card', async () => {
    const [a, b] = [await insertCard(0), await insertCard(1)];
    const guids = [Buffer.alloc(16, 0xaa), Buffer.alloc(16, 0xbb)];
    const write = (slot: 0 | 1) =>
      driver.transaction(READER[slot], async (t, atr) => {
        const piv = session(t, atr);
        await piv.select();
        await piv.authenticateManagementKey(localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY));
        await piv.putData(0x5fc102, encodeChuid(guids[slot] as Buffer));
        for (let i = 0; i < 20; i++) await piv.pinStatus();
        return (await piv.readChuid())?.guid;
      });
    const [ga, gb] = await Promise.all([write(0), write(1)]);
    expect(guidToUuid(ga as Buffer)).toBe(guidToUuid(guids[0] as Buffer));
    expect(guidToUuid(gb as Buffer)).toBe(guidToUuid(guids[1] as Buffer));
    // Each card saw only its own commands: 20 empty VERIFYs each, not 40 or 0.
    expect(a.log.filter((r) => r.ins === 0x20).length).toBe(20);
    expect(b.log.filter((r) => r.ins === 0x20).length).toBe(20);
  });

  it('signs with a generated key and the signature verifies (RSA-2048)', async () => {
    await insertCard(0);
    const message = Buffer.from('domain-separated login payload');
    const { publicKey, signature } = await driver.transaction(READER[0], async (t, atr) => {
      const piv = session(t, atr);
      await piv.select();
      await piv.authenticateManagementKey(localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY));
      const key = await piv.generateKey(SLOT.AUTHENTICATION, ALG.RSA2048);
      await piv.verifyPin(Buffer.from('123456'));
      return { publicKey: key, signature: await piv.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message) };
    });
    expect(verify('sha256', message, publicKey, signature)).toBe(true);
  });

  it('a card pulled mid-operation gives a typed card-removed error, not a hang, and loses nothing', async () => {
    const card = await insertCard(0);
    card.vpcd.faults.vanishAfter(3);
    const removed = waitFor(driver, 'card-removed', READER[0]);
    const started = Date.now();
    const outcome = driver.transaction(READER[0], async (t, atr) => {
      const piv = session(t, atr);
      await piv.select();
      for (let i = 0; i < 10; i++) await piv.pinStatus();
    });
    await expect(outcome).rejects.toBeInstanceOf(CardError);
    const error = (await outcome.catch((e: unknown) => e)) as CardError;
    expect(error.code).toBe('card-removed');
    expect(error.message).toMatch(/smartcard/i);
    expect(Date.now() - started).toBeLessThan(10_000);
    await removed;
    // The reader has no card now: a new operation is refused at once with the same code.
    await expect(driver.transaction(READER[0], async () => 'never')).rejects.toMatchObject({ code: 'card-removed' });
    // Put it back: the card works and kept its persistent state (3 PIN tries).
    await card.insert();
    await untilCardPresent(driver, READER[0]);
    const status = await driver.transaction(READER[0], async (t, atr) => {
      const piv = session(t, atr);
      await piv.select();
      return piv.pinStatus();
    });
    expect(status).toEqual({ verified: false, attemptsRemaining: 3 });
  });

  it('a card pulled after the card acted but before it answered keeps the change', async () => {
    const card = await insertCard(0);
    // Command 1 SELECT, command 2 CHANGE REFERENCE DATA: acted on, answer lost.
    card.vpcd.faults.vanishAfter(1, 'after-processing');
    await expect(
      driver.transaction(READER[0], async (t, atr) => {
        const piv = session(t, atr);
        await piv.select();
        await piv.changePin(Buffer.from('123456'), Buffer.from('24681357'));
      }),
    ).rejects.toBeInstanceOf(CardError);
    await card.insert();
    await untilCardPresent(driver, READER[0]);
    await driver.transaction(READER[0], async (t, atr) => {
      const piv = session(t, atr);
      await piv.select();
      await piv.verifyPin(Buffer.from('24681357'));
    });
  });
});

describe('pcscd restarted', () => {
  it('reports the service lost, then finds the readers and the card again by itself', async () => {
    await insertCard(0);
    const lost = new Promise<void>((resolve) => driver.once('service-lost', resolve));
    const readerGone = waitFor(driver, 'reader-removed', READER[0]);
    await stopPcscd();
    await Promise.all([lost, readerGone]);
    expect(driver.serviceAvailable).toBe(false);
    await expect(driver.transaction(READER[0], async () => 'never')).rejects.toMatchObject({ code: 'reader-unavailable' });

    const restored = new Promise<void>((resolve) => driver.once('service-restored', resolve));
    const back = waitFor(driver, 'card-inserted', READER[0], 20_000);
    await startPcscd();
    await restored;
    await back;
    // The virtual card reconnected to the new vpcd on its own; the session can carry on.
    const status = await driver.transaction(READER[0], async (t, atr) => {
      const piv = session(t, atr);
      await piv.select();
      return piv.pinStatus();
    });
    expect(status).toEqual({ verified: false, attemptsRemaining: 3 });
  });
});
