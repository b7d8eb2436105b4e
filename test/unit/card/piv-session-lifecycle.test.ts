import { afterEach, describe, expect, it } from 'vitest';
import { CardError } from '../../../src-main/card/card-error.js';
import { ALG, DEFAULT_MANAGEMENT_KEY, KEY_REF, OBJECT } from '../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../src-main/card/piv/piv-management-key.js';
import { CardBlockedError } from '../../../src-main/card/status-words.js';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import { encodeChuid, uuidToGuid } from '../../../src-shared/card/piv-objects.js';
import { blankCardInReader, onCard, type CardInReader } from '../agent/support/card-lifecycle-rig.js';

// The PIV session's commands for issuing and clearing a card, on the software PIV card.

let card: CardInReader | undefined;
afterEach(async () => {
  await card?.readers.close();
  card = undefined;
});

const factoryKey = () => localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY);

describe('PIV session: lifecycle commands', () => {
  it('rule: blocking the PIN and PUK spends every try left with a value that is never a passcode, and then the card resets', async () => {
    const state = blankCardState();
    state.pin.maxTries = 5;
    state.pin.triesLeft = 4;
    card = blankCardInReader(state);
    await onCard(card, async (piv) => {
      await expect(piv.factoryReset()).rejects.toMatchObject({ code: 'conditions-not-satisfied' });
      await piv.blockPin();
      await piv.blockPuk();
      // Already blocked: nothing more is spent, nothing fails.
      await piv.blockPin();
      await piv.blockPuk();
    });
    const sent = card.commands.filter((c) => c.ins === 0x20 || c.ins === 0x24);
    expect(sent.map((c) => c.sw.toString(16))).toEqual(['63c3', '63c2', '63c1', '63c0', '63c2', '63c1', '63c0', '6983', '6983']);
    expect(card.engine.snapshot().pin.triesLeft).toBe(0);
    await expect(onCard(card, (piv) => piv.verifyPin(Buffer.from('123456')))).rejects.toBeInstanceOf(CardBlockedError);
    await onCard(card, async (piv) => {
      await piv.factoryReset();
      await piv.select();
      await piv.verifyPin(Buffer.from('123456'));
    });
    expect(card.engine.snapshot().pin.maxTries).toBe(3);
  });

  it('rule: only a SET MANAGEMENT KEY command is sent as the service built it, and its bytes are wiped either way', async () => {
    card = blankCardInReader();
    const newKey = Buffer.alloc(16, 0x42);
    const other = Buffer.from('00fb0000', 'hex');
    const command = Buffer.concat([Buffer.from('00ffffff13089b10', 'hex'), newKey]);
    await onCard(card, async (piv) => {
      const before = card!.commands.length;
      await expect(piv.sendManagementKeyCommand(other)).rejects.toMatchObject({ code: 'wrong-data' });
      expect(card!.commands.length).toBe(before);
      expect(other.every((b) => b === 0)).toBe(true);
      await piv.authenticateManagementKey(factoryKey());
      await piv.sendManagementKeyCommand(command);
    });
    expect(command.every((b) => b === 0)).toBe(true);
    await onCard(card, (piv) => piv.authenticateManagementKey(localManagementKeyResponder(ALG.AES128, Buffer.alloc(16, 0x42))));
    expect(await onCard(card, (piv) => piv.managementKeyMetadata())).toEqual({ algorithm: ALG.AES128, isDefault: false });
  });

  it('rule: deleting an object leaves the card without it; deleting an absent one is no error', async () => {
    card = blankCardInReader();
    await onCard(card, async (piv) => {
      await piv.authenticateManagementKey(factoryKey());
      await piv.putData(OBJECT.CHUID, encodeChuid(uuidToGuid('0f8fad5b-d9cb-469f-a165-70867728950e')));
      await piv.deleteData(OBJECT.CHUID);
      await piv.deleteData(OBJECT.CHUID);
      expect(await piv.readChuid()).toBeUndefined();
    });
  });

  it('rule: SET PIN RETRIES needs the verified PIN, and sets the tries with PIN and PUK back to factory', async () => {
    card = blankCardInReader();
    await onCard(card, async (piv) => {
      await piv.authenticateManagementKey(factoryKey());
      await expect(piv.setPinRetries(5, 6)).rejects.toBeInstanceOf(CardError);
      await piv.verifyPin(Buffer.from('123456'));
      await piv.setPinRetries(5, 6);
      expect(await piv.referenceRetries(KEY_REF.PIN)).toEqual({ total: 5, remaining: 5 });
      expect(await piv.referenceRetries(KEY_REF.PUK)).toEqual({ total: 6, remaining: 6 });
      expect(await piv.version()).toBe('5.4.3');
    });
  });
});
