import { afterEach, describe, expect, it } from 'vitest';
import { withPivCard, withVerifiedPivCard } from '../../../src-main/agent/card-transaction.js';
import { WrongPasscodeError } from '../../../src-main/card/status-words.js';
import { referenceData } from '../../../src-main/virtual-card/blank-card.js';
import { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine, type CommandRecord } from '../../../src-main/virtual-card/piv-card-engine.js';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { commandNames } from '../../support/unlock-rig.js';

// How every card operation opens its reader transaction, seen from the card: what it is sent
// first, whether a verified passcode is still verified in the next transaction, and what is
// left of the passcode bytes.

const READER = 'Reader 1';
const PASSCODE = '123456';

let readers: InProcessReaderDriver;
afterEach(async () => readers?.close());

function cardInReader(): CommandRecord[] {
  const state: VirtualCardState = {
    format: 'piv-virtual-card/1',
    serial: 4243,
    version: [5, 4, 3],
    pin: referenceData(PASSCODE),
    puk: referenceData('12345678'),
    managementKey: { algorithm: 'aes128', key: '00112233445566778899aabbccddeeff' },
    keys: {},
    objects: {},
  };
  const commands: CommandRecord[] = [];
  readers = new InProcessReaderDriver([READER]);
  readers.insert(READER, new PivCardEngine(state, { onCommand: (r) => commands.push(r) }));
  return commands;
}

/** Whether the card still counts the passcode as verified, asked in a transaction of its own that leaves the card as it is. */
const stillVerified = () => withPivCard(readers, READER, async (piv) => (await piv.pinStatus()).verified, { resetAfter: false });

describe('opening a card transaction', () => {
  it('rule: every card operation SELECTs the PIV application before its own commands', async () => {
    const commands = cardInReader();
    await withPivCard(readers, READER, (piv) => piv.pinStatus());
    expect(commandNames(commands)).toEqual(['SELECT', 'VERIFY']);
  });

  it('rule: a passcode verified in a card operation is no longer verified once it ends (the card is reset)', async () => {
    const commands = cardInReader();
    const passcode = Buffer.from(PASSCODE, 'utf8');
    expect(await withVerifiedPivCard(readers, READER, passcode, async (piv) => (await piv.pinStatus()).verified)).toBe(true);
    expect(commandNames(commands).slice(0, 2)).toEqual(['SELECT', 'VERIFY']);
    expect(await stillVerified()).toBe(false);
  });

  it('rule: reading a card, which verifies nothing, leaves the card as it was (no reset)', async () => {
    cardInReader();
    // Verified without a reset: the next transaction still finds it so.
    await withPivCard(readers, READER, (piv) => piv.verifyPin(Buffer.from(PASSCODE, 'utf8')), { resetAfter: false });
    expect(await stillVerified()).toBe(true);
  });

  it('rule: the passcode bytes are wiped once the card has seen them, whether it accepts them or not', async () => {
    cardInReader();
    const right = Buffer.from(PASSCODE, 'utf8');
    let seenInside: Buffer | undefined;
    await withVerifiedPivCard(readers, READER, right, async () => {
      seenInside = Buffer.from(right);
    });
    expect(seenInside?.every((b) => b === 0)).toBe(true);

    const wrong = Buffer.from('654321', 'utf8');
    let ran = false;
    await expect(
      withVerifiedPivCard(readers, READER, wrong, async () => {
        ran = true;
      }),
    ).rejects.toBeInstanceOf(WrongPasscodeError);
    expect(ran).toBe(false);
    expect(wrong.every((b) => b === 0)).toBe(true);
  });
});
