import { afterEach, describe, expect, it } from 'vitest';
import { CardNotLockedError, cardUnlock, PukMismatchError, type UnlockRelay } from '../../../src-main/agent/unlock-card.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine, type CommandRecord } from '../../../src-main/virtual-card/piv-card-engine.js';
import { referenceData } from '../../../src-main/virtual-card/blank-card.js';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { cardHolds, commandNames, localRelay, pukAttemptsSpent } from '../../support/unlock-rig.js';

// The card operation of an unlock, on its own: the software PIV card in an in-process reader,
// and the service's half played in this process with the card's own management key. What the
// card ends up holding is read from its state (digests of its PIN and PUK).

const READER = 'Reader 2';
const PUK = '31415926';
const NEXT = '27182818';
const MANAGEMENT_KEY = '00112233445566778899aabbccddeeff';

let readers: InProcessReaderDriver;
afterEach(async () => readers?.close());

/** A card without Yubico GET METADATA (a plain NIST PIV card) answers it "instruction not supported". */
class PlainPivCard extends PivCardEngine {
  override process(apdu: Uint8Array): Buffer {
    return apdu[1] === 0xf7 ? Buffer.from([0x6d, 0x00]) : super.process(apdu);
  }
}

function lockedCard(o: { puk?: string; pinTries?: number; pukTries?: number; metadata?: false } = {}): { engine: PivCardEngine; commands: CommandRecord[] } {
  const state: VirtualCardState = {
    format: 'piv-virtual-card/1',
    serial: 4242,
    version: [5, 4, 3],
    pin: { ...referenceData('123456'), triesLeft: o.pinTries ?? 0 },
    puk: { ...referenceData(o.puk ?? PUK), ...(o.pukTries === undefined ? {} : { triesLeft: o.pukTries }) },
    managementKey: { algorithm: 'aes128', key: MANAGEMENT_KEY },
    keys: {},
    objects: {},
  };
  const commands: CommandRecord[] = [];
  const engine = new (o.metadata === false ? PlainPivCard : PivCardEngine)(state, { onCommand: (r) => commands.push(r) });
  readers = new InProcessReaderDriver([READER]);
  readers.insert(READER, engine);
  return { engine, commands };
}

const unlock = (relay: UnlockRelay, passcode = '24681357') => cardUnlock({ readers, reader: READER, passcode: Buffer.from(passcode, 'utf8'), relay });

describe('the unlock card operation', () => {
  it('a locked card: six commands, the new passcode set with three tries, the PUK rotated to the next one', async () => {
    const { engine, commands } = lockedCard();
    const result = await unlock(localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: false }));
    expect(result).toEqual({ reconciled: false, apdus: 6 });
    expect(commandNames(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'RESET RETRY COUNTER', 'CHANGE REFERENCE DATA']);
    expect(commands.every((c) => c.sw === 0x9000 || (c.ins === 0x20 && c.sw === 0x6983))).toBe(true);
    const state = engine.snapshot();
    expect(state.pin.triesLeft).toBe(3);
    expect(cardHolds(state, 'pin', '24681357')).toBe(true);
    expect(cardHolds(state, 'puk', NEXT)).toBe(true);
  });

  it('a card that is not locked: refused after asking its counter, before the service is asked for anything', async () => {
    const { engine, commands } = lockedCard({ pinTries: 2 });
    const relay = localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: false });
    const err = await unlock(relay).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardNotLockedError);
    expect((err as CardNotLockedError).attemptsRemaining).toBe(2);
    expect(relay.released).toBe(0);
    expect(commandNames(commands)).toEqual(['SELECT', 'VERIFY']);
    expect(cardHolds(engine.snapshot(), 'puk', PUK)).toBe(true);
  });

  it('a rotation pending and the card already on the next PUK: its counter read first, one PUK attempt finds it, the PUK change is skipped', async () => {
    const { engine, commands } = lockedCard({ puk: NEXT });
    const result = await unlock(localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: true }));
    expect(result.reconciled).toBe(true);
    expect(commandNames(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GET METADATA', 'RESET RETRY COUNTER', 'RESET RETRY COUNTER']);
    expect(pukAttemptsSpent(commands)).toBe(1);
    const state = engine.snapshot();
    expect(cardHolds(state, 'pin', '24681357')).toBe(true);
    expect(cardHolds(state, 'puk', NEXT)).toBe(true);
    // The right PUK restores the PUK's tries: the reconciliation costs nothing lasting.
    expect(state.puk.triesLeft).toBe(3);
  });

  it('a rotation pending and the card refusing the current PUK: the service is told before the next PUK is tried; should it not hear, the unlock goes on', async () => {
    for (const heard of [true, false]) {
      const { engine, commands } = lockedCard({ puk: NEXT });
      const inner = localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: true });
      const told: string[][] = [];
      const relay: UnlockRelay = {
        cardWitness: (w) => inner.cardWitness(w),
        release: (id, r) => inner.release(id, r),
        pukReconciled: async () => {
          told.push(commandNames(commands));
          if (!heard) throw new Error('the service cannot be reached');
        },
      };
      const result = await unlock(relay);
      expect(result.reconciled).toBe(true);
      expect(told).toEqual([['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GET METADATA', 'RESET RETRY COUNTER']]);
      expect(pukAttemptsSpent(commands)).toBe(1);
      expect(cardHolds(engine.snapshot(), 'pin', '24681357')).toBe(true);
      await readers.close();
    }
  });

  it('no rotation pending, or the card on the current PUK: the service is not told anything early', async () => {
    for (const o of [{ cardPuk: PUK, pending: true }, { cardPuk: '11112222', pending: false }]) {
      lockedCard({ puk: o.cardPuk });
      const inner = localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: o.pending });
      let told = 0;
      await unlock({ cardWitness: (w) => inner.cardWitness(w), release: (id, r) => inner.release(id, r), pukReconciled: async () => void (told += 1) }).catch(() => undefined);
      expect(told).toBe(0);
      await readers.close();
    }
  });

  it('a rotation pending and the card still on the current PUK: the usual six commands, and its PUK counter read', async () => {
    const { engine, commands } = lockedCard();
    const result = await unlock(localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: true }));
    expect(result).toEqual({ reconciled: false, apdus: 7 });
    expect(commandNames(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GET METADATA', 'RESET RETRY COUNTER', 'CHANGE REFERENCE DATA']);
    expect(pukAttemptsSpent(commands)).toBe(0);
    expect(cardHolds(engine.snapshot(), 'puk', NEXT)).toBe(true);
  });

  it('a rotation pending and the PUK counter showing a refusal (the answer lost with a pulled card): the next PUK first, no attempt spent', async () => {
    const { engine, commands } = lockedCard({ puk: NEXT, pukTries: 2 });
    const inner = localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: true });
    let told = 0;
    const result = await unlock({ cardWitness: (w) => inner.cardWitness(w), release: (id, r) => inner.release(id, r), pukReconciled: async () => void (told += 1) });
    expect(result).toEqual({ reconciled: true, apdus: 6 });
    expect(commandNames(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GET METADATA', 'RESET RETRY COUNTER']);
    expect(pukAttemptsSpent(commands)).toBe(0);
    // The unlock's own commit makes the next PUK current; nothing is said before the card took it.
    expect(told).toBe(0);
    const state = engine.snapshot();
    expect(cardHolds(state, 'pin', '24681357')).toBe(true);
    expect(cardHolds(state, 'puk', NEXT)).toBe(true);
    expect(state.puk.triesLeft).toBe(3);
  });

  it('a counter refusal from before the service last changed its PUKs: the next PUK refused, the current one still opens the card and is rotated', async () => {
    const { engine, commands } = lockedCard({ pukTries: 2 });
    const inner = localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: true });
    let told = 0;
    const result = await unlock({ cardWitness: (w) => inner.cardWitness(w), release: (id, r) => inner.release(id, r), pukReconciled: async () => void (told += 1) });
    expect(result.reconciled).toBe(false);
    expect(commandNames(commands).slice(4)).toEqual(['GET METADATA', 'RESET RETRY COUNTER', 'RESET RETRY COUNTER', 'CHANGE REFERENCE DATA']);
    expect(pukAttemptsSpent(commands)).toBe(1);
    expect(told).toBe(0);
    expect(cardHolds(engine.snapshot(), 'puk', NEXT)).toBe(true);
  });

  it('a card without GET METADATA keeps the current-first order, whatever its counter', async () => {
    const { engine, commands } = lockedCard({ puk: NEXT, pukTries: 2, metadata: false });
    const result = await unlock(localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: true }));
    expect(result).toEqual({ reconciled: true, apdus: 7 });
    // The refused GET METADATA never reaches the card's own command log.
    expect(commandNames(commands).slice(4)).toEqual(['RESET RETRY COUNTER', 'RESET RETRY COUNTER']);
    expect(pukAttemptsSpent(commands)).toBe(1);
    expect(cardHolds(engine.snapshot(), 'puk', NEXT)).toBe(true);
  });

  it('neither PUK opens the card: refused, the card still locked, at most one PUK attempt spent', async () => {
    const { engine, commands } = lockedCard({ puk: '11112222' });
    await expect(unlock(localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: false }))).rejects.toBeInstanceOf(PukMismatchError);
    expect(pukAttemptsSpent(commands)).toBe(1);
    expect(engine.snapshot().pin.triesLeft).toBe(0);
  });

  it('a service that does not hold the card’s management key gets no PUK to the card: the card stays locked and untouched', async () => {
    const { engine, commands } = lockedCard();
    const relay = localRelay('ffeeddccbbaa99887766554433221100', { puk: PUK, nextPuk: NEXT, rotationPending: false });
    const err = await unlock(relay).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardError);
    expect(relay.released).toBe(0);
    expect(commandNames(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE']);
    const state = engine.snapshot();
    expect(state.pin.triesLeft).toBe(0);
    expect(state.puk.triesLeft).toBe(3);
    expect(cardHolds(state, 'puk', PUK)).toBe(true);
  });

  it('wipes the passcode and both PUKs, whatever the card answers', async () => {
    for (const puk of [PUK, '11112222']) {
      lockedCard({ puk });
      const passcode = Buffer.from('24681357', 'utf8');
      const released: Buffer[] = [];
      const inner = localRelay(MANAGEMENT_KEY, { puk: PUK, nextPuk: NEXT, rotationPending: false });
      const relay: UnlockRelay = {
        cardWitness: (w) => inner.cardWitness(w),
        release: async (id, r) => {
          const puks = await inner.release(id, r);
          released.push(puks.puk, puks.nextPuk);
          return puks;
        },
      };
      await cardUnlock({ readers, reader: READER, passcode, relay }).catch(() => undefined);
      expect(passcode.every((b) => b === 0)).toBe(true);
      expect(released).toHaveLength(2);
      for (const b of released) expect(b.every((x) => x === 0)).toBe(true);
      await readers.close();
    }
  });
});
