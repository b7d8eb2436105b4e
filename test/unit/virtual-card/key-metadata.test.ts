import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { ALG, SLOT } from '../../../src-main/card/piv/piv-constants.js';
import { parseKeyMetadata } from '../../../src-main/card/piv/piv-metadata.js';
import { encodePublicKeyTemplate } from '../../../src-main/card/piv/piv-public-key.js';
import { PivSession } from '../../../src-main/card/piv/piv-session.js';
import { blankCardState, referenceData } from '../../../src-main/virtual-card/blank-card.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { decodeSingleTlv, decodeTlvs, findTlv, tlv } from '../../../src-shared/card/tlv.js';
import { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { scriptedCard } from '../card/support/scripted-transport.js';
import { apdu, authenticateDefault, FIXED_SERIAL, send, stateWithKeys, testKeys, verifyPin } from './support/card-fixtures.js';

// Yubico GET METADATA (00 F7 00 <key reference>) on the software card, and PivSession's reading
// of it: which key a slot holds, read without the passcode.

const spki = (k: KeyObject): string => k.export({ type: 'spki', format: 'der' }).toString('hex');

function metadata(engine: PivCardEngine, keyRef: string): { sw: string; fields: Map<number, string> } {
  let answer = send(engine, `00f700${keyRef}00`);
  let data = answer.data;
  // An RSA key does not fit one short response: follow 61xx with GET RESPONSE.
  while (answer.sw.startsWith('61')) {
    answer = send(engine, `00c00000${answer.sw.slice(2)}`);
    data += answer.data;
  }
  const fields = new Map(answer.sw === '9000' ? decodeTlvs(Buffer.from(data, 'hex')).map((t) => [t.tag, t.value.toString('hex')] as const) : []);
  return { sw: answer.sw, fields };
}

describe('GET METADATA on the virtual card', () => {
  it.each([
    ['9a', 'rsa2048', '07', '0201'],
    ['9c', 'p256', '11', '0301'],
    ['9d', 'rsa2048', '07', '0201'],
    ['9e', 'p256', '11', '0101'],
  ] as const)('slot %s holding a %s key placed from outside: algorithm, PIN/touch policy, origin imported, its public key', (slot, algorithm, alg, policy) => {
    const engine = new PivCardEngine(stateWithKeys({ [slot]: algorithm }));
    const { sw, fields } = metadata(engine, slot);
    expect(sw).toBe('9000');
    expect(fields.get(0x01)).toBe(alg);
    expect(fields.get(0x02)).toBe(policy);
    expect(fields.get(0x03)).toBe('02');
    const pair = algorithm === 'rsa2048' ? testKeys().rsa : testKeys().p256;
    // Tag 04 is the inside of GENERATE's 7F49 template.
    const expected = decodeSingleTlv(encodePublicKeyTemplate(pair.publicKey), 0x7f49).value.toString('hex');
    expect(fields.get(0x04)).toBe(expected);
  });

  it('an empty slot answers 6A88; a key reference that is no slot 6A86; P1 other than 00 6A86', () => {
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    expect(metadata(engine, '9a').sw).toBe('6a88');
    expect(metadata(engine, '42').sw).toBe('6a86');
    expect(send(engine, '00f7019a00').sw).toBe('6a86');
  });

  it('a key made by GENERATE is reported as generated, with the key GENERATE returned, and the origin survives a save', () => {
    const engine = new PivCardEngine(stateWithKeys({ '9a': 'p256' }));
    authenticateDefault(engine);
    const generated = send(engine, apdu('00 47 00 9a', 'ac03800111', '00'));
    expect(generated.sw).toBe('9000');
    const { fields } = metadata(engine, '9a');
    expect(fields.get(0x03)).toBe('01');
    expect(fields.get(0x04)).toBe(decodeSingleTlv(Buffer.from(generated.data, 'hex'), 0x7f49).value.toString('hex'));
    const saved = VirtualCardState.parse(JSON.parse(JSON.stringify(engine.snapshot())));
    expect(saved.keys['9a']?.origin).toBe('generated');
    expect(metadata(new PivCardEngine(saved), '9a').fields.get(0x03)).toBe('01');
  });

  it('needs neither the passcode nor the management key', () => {
    const engine = new PivCardEngine(stateWithKeys({ '9a': 'rsa2048' }));
    expect(send(engine, '00 20 00 80'.replace(/ /g, '')).sw).toBe('63c3');
    expect(metadata(engine, '9a').sw).toBe('9000');
  });

  it('PIN and PUK: algorithm FF, default-value flag, total and remaining tries', () => {
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    expect(Object.fromEntries(metadata(engine, '80').fields)).toEqual({ 1: 'ff', 5: '01', 6: '0303' });
    expect(verifyPin(engine, '654321')).toBe('63c2');
    expect(Object.fromEntries(metadata(engine, '80').fields)).toEqual({ 1: 'ff', 5: '01', 6: '0302' });
    expect(Object.fromEntries(metadata(engine, '81').fields)).toEqual({ 1: 'ff', 5: '01', 6: '0303' });
    const changed = { ...blankCardState(FIXED_SERIAL), pin: referenceData('24681357') };
    expect(metadata(new PivCardEngine(changed), '80').fields.get(0x05)).toBe('00');
  });

  it('management key: its algorithm, touch never, whether it is the factory default', () => {
    expect(Object.fromEntries(metadata(new PivCardEngine(blankCardState(FIXED_SERIAL)), '9b').fields)).toEqual({ 1: '03', 2: '0001', 5: '01' });
    const own = { ...blankCardState(FIXED_SERIAL), managementKey: { algorithm: 'aes128' as const, key: '00112233445566778899aabbccddeeff' } };
    expect(Object.fromEntries(metadata(new PivCardEngine(own), '9b').fields)).toEqual({ 1: '08', 2: '0001', 5: '00' });
  });

  it('a state file written before origins were recorded still loads (origin absent = imported)', () => {
    const state = stateWithKeys({ '9a': 'rsa2048' });
    expect(state.keys['9a']).not.toHaveProperty('origin');
    expect(VirtualCardState.safeParse(state).success).toBe(true);
  });
});

describe('PivSession.keyMetadata', () => {
  const session = (engine: PivCardEngine) => new PivSession(new ApduChannel({ transmit: async (c) => engine.process(c) }));

  it.each(['rsa2048', 'p256'] as const)('reads a %s key and its origin', async (algorithm) => {
    const engine = new PivCardEngine(stateWithKeys({ '9a': algorithm }));
    const meta = await session(engine).keyMetadata(SLOT.AUTHENTICATION);
    const pair = algorithm === 'rsa2048' ? testKeys().rsa : testKeys().p256;
    expect(meta?.algorithm).toBe(algorithm === 'rsa2048' ? ALG.RSA2048 : ALG.ECC_P256);
    expect(meta?.origin).toBe('imported');
    expect(spki(meta!.publicKey)).toBe(spki(pair.publicKey));
  });

  it('null for an empty slot', async () => {
    expect(await session(new PivCardEngine(blankCardState(FIXED_SERIAL))).keyMetadata(SLOT.AUTHENTICATION)).toBeNull();
  });

  it.each(['6d00', '6e00', '6a81'])('undefined when the card does not know the command (%s)', async (sw) => {
    const card = scriptedCard(sw);
    expect(await new PivSession(new ApduChannel(card)).keyMetadata(SLOT.AUTHENTICATION)).toBeUndefined();
    expect(card.hexCommands).toEqual(['00f7009a00']);
  });

  it('other refusals are errors', async () => {
    await expect(new PivSession(new ApduChannel(scriptedCard('6982'))).keyMetadata(SLOT.AUTHENTICATION)).rejects.toBeInstanceOf(CardError);
  });

  it('accepts the public key wrapped in 7F49 too; refuses malformed answers with a CardError', () => {
    const { publicKey } = testKeys().p256;
    const template = encodePublicKeyTemplate(publicKey);
    const wrapped = Buffer.concat([tlv(0x01, Buffer.from([0x11])), tlv(0x02, Buffer.from([2, 1])), tlv(0x03, Buffer.from([1])), tlv(0x04, template)]);
    expect(spki(parseKeyMetadata(wrapped).publicKey)).toBe(spki(publicKey));
    const inner = decodeSingleTlv(template, 0x7f49).value;
    const bad = [
      Buffer.concat([tlv(0x01, Buffer.from([0x11])), tlv(0x03, Buffer.from([1]))]), // no key
      Buffer.concat([tlv(0x01, Buffer.from([0x14])), tlv(0x03, Buffer.from([1])), tlv(0x04, inner)]), // P-384
      Buffer.concat([tlv(0x01, Buffer.from([0x07])), tlv(0x03, Buffer.from([1])), tlv(0x04, inner)]), // RSA said, EC sent
      Buffer.concat([tlv(0x01, Buffer.from([0x11])), tlv(0x03, Buffer.from([9])), tlv(0x04, inner)]), // unknown origin
      Buffer.concat([tlv(0x01, Buffer.from([0x11])), tlv(0x03, Buffer.from([1])), tlv(0x04, inner)]).subarray(0, 20), // truncated
    ];
    for (const b of bad) expect(() => parseKeyMetadata(b)).toThrow(CardError);
    expect(findTlv(decodeTlvs(wrapped), 0x04)).toBeDefined();
  });
});
