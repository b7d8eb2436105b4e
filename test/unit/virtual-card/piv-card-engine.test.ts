import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src-main/card/bytes.js';
import { decodeSingleTlv, decodeTlvs, findTlv, tlv } from '../../../src-shared/card/tlv.js';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import {
  apdu,
  authenticateDefault,
  block,
  DEFAULT_3DES_KEY,
  dynamicAuthValue,
  ecb,
  extendedApdu,
  FIXED_SERIAL,
  mutualAuth,
  PIN_HEX,
  PUK_HEX,
  recordingEngine,
  send,
  stateWithKeys,
  testKeys,
} from './support/card-fixtures.js';

// The software PIV card driven with raw command APDUs, as OpenSC, yubico-piv-tool and the
// workstation send them. Every expectation is what a client on the wire would see.

const PIV_AID = 'a000000308000010000100';
const SHA256_DIGEST_INFO = '3031300d060960864801650304020105000420';

function blank(): PivCardEngine {
  return new PivCardEngine(blankCardState(FIXED_SERIAL));
}

/** An engine whose state already holds `objects` (tag hex -> whole 53/7E TLV). */
function engineWithObjects(objects: Record<string, Buffer>): PivCardEngine {
  const state = blankCardState(FIXED_SERIAL);
  for (const [tag, value] of Object.entries(objects)) state.objects[tag] = value.toString('hex');
  return new PivCardEngine(state);
}

/** A `53` object of exactly `total` bytes (long-form length), filled with a recognisable pattern. */
function dataObject(total: number): Buffer {
  const valueLength = total - 4;
  const value = Buffer.from(Array.from({ length: valueLength }, (_, i) => (i * 7 + 3) & 0xff));
  return Buffer.concat([Buffer.from([0x53, 0x82, valueLength >> 8, valueLength & 0xff]), value]);
}

const getDataCmd = (tag: string, le = '00'): string => apdu('00 cb 3f ff', `5c${(tag.length / 2).toString(16).padStart(2, '0')}${tag}`, le);
const emptyVerify = '00 20 00 80';

function pkcs1Block(message: Buffer): Buffer {
  const t = Buffer.concat([fromHex(SHA256_DIGEST_INFO), createHash('sha256').update(message).digest()]);
  return Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(256 - t.length - 3, 0xff), Buffer.from([0x00]), t]);
}

/** GENERAL AUTHENTICATE for a signature: extended APDU for RSA (266 bytes), short for P-256. */
function signCmd(alg: number, keyRef: number, input: Buffer): string {
  const header = Buffer.from([0x00, 0x87, alg, keyRef]).toString('hex');
  const body = tlv(0x7c, tlv(0x82), tlv(0x81, input));
  return body.length > 255 ? extendedApdu(header, body, 0) : apdu(header, body.toString('hex'), '00');
}

function rsaSign(engine: PivCardEngine, keyRef: number, message: Buffer): { sw: string; signature?: Buffer } {
  const r = send(engine, signCmd(0x07, keyRef, pkcs1Block(message)));
  return r.sw === '9000' ? { sw: r.sw, signature: dynamicAuthValue(r.data, 0x82) } : { sw: r.sw };
}

function ecSign(engine: PivCardEngine, keyRef: number, message: Buffer): { sw: string; signature?: Buffer } {
  const r = send(engine, signCmd(0x11, keyRef, createHash('sha256').update(message).digest()));
  return r.sw === '9000' ? { sw: r.sw, signature: dynamicAuthValue(r.data, 0x82) } : { sw: r.sw };
}

describe('SELECT', () => {
  it.each([5, 6, 7, 8, 9, 10, 11])('selects PIV with a %i-byte AID prefix and returns the application template', (n) => {
    const r = send(blank(), apdu('00 a4 04 00', PIV_AID.slice(0, n * 2), '00'));
    expect(r.sw).toBe('9000');
    const template = decodeTlvs(decodeSingleTlv(fromHex(r.data), 0x61).value);
    expect(findTlv(template, 0x4f)?.toString('hex')).toBe('000010000100');
    const authority = findTlv(template, 0x79);
    expect(authority).toBeDefined();
    expect(findTlv(decodeTlvs(authority ?? Buffer.alloc(0)), 0x4f)?.toString('hex')).toBe('a000000308');
  });

  it('does not advertise secure-messaging suites (80 01 27 / 80 01 2E)', () => {
    const r = send(blank(), apdu('00 a4 04 00', PIV_AID, '00'));
    expect(r.data).not.toContain('800127');
    expect(r.data).not.toContain('80012e');
  });

  it.each([
    ['a0000003', 'a 4-byte prefix'],
    ['a000000308000010000100ff', 'the AID with a byte too many'],
    ['a000000309', 'a different RID'],
    ['a0000000031010', 'a payment application'],
  ])('answers 6A82 for %s (%s)', (aid) => {
    const r = send(blank(), apdu('00 a4 04 00', aid, '00'));
    expect(r).toMatchObject({ sw: '6a82', data: '' });
  });

  it('with P2=0C selects without returning data', () => {
    expect(send(blank(), apdu('00 a4 04 0c', PIV_AID))).toMatchObject({ sw: '9000', data: '' });
  });

  it('keeps PIV selected with its PIN state after an unknown AID is refused', () => {
    const engine = engineWithObjects({ '5fc102': fromHex('5303340100') });
    expect(send(engine, apdu('00 a4 04 00', PIV_AID, '00')).sw).toBe('9000');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, apdu('00 a4 04 00', 'a0000000031010', '00')).sw).toBe('6a82');
    expect(send(engine, apdu('00 a4 04 00', 'd2760000850101', '00')).sw).toBe('6a82');
    expect(send(engine, emptyVerify).sw).toBe('9000');
    expect(send(engine, getDataCmd('5fc102'))).toMatchObject({ sw: '9000', data: '5303340100' });
  });

  it('re-selecting PIV keeps the verified PIN (OpenSC re-selects at every transaction)', () => {
    const engine = blank();
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, apdu('00 a4 04 00', PIV_AID.slice(0, 18), '00')).sw).toBe('9000');
    expect(send(engine, emptyVerify).sw).toBe('9000');
  });

  it('is implicitly selected: commands work without a SELECT first', () => {
    expect(send(blank(), '00 fd 00 00 00')).toMatchObject({ sw: '9000', data: '050403' });
  });
});

describe('APDU layer', () => {
  it.each(['00 b0 00 00 00', '00 f6 ff 9a', '00 e2 00 00 00', '00 84 00 00 08'])('answers 6D00 to the unknown instruction %s', (cmd) => {
    expect(send(blank(), cmd)).toMatchObject({ sw: '6d00', data: '' });
  });

  it.each(['80 fd 00 00 00', '84 cb 3f ff 05 5c 03 5f c1 05 00', 'ff a4 04 00 05 a0 00 00 03 08 00', '0c 20 00 80 00'])('answers 6E00 to the unknown class in %s', (cmd) => {
    expect(send(blank(), cmd)).toMatchObject({ sw: '6e00', data: '' });
  });

  it.each([
    ['', 'an empty command'],
    ['00 a4 04', 'three bytes'],
    ['00 a4 04 00 05 a0 00 00 03', 'Lc 5 with 4 data bytes'],
    ['00 a4 04 00 02 a0 00 00 03', 'Lc 2 with 4 data bytes'],
    ['00 cb 3f ff 00 00', 'an extended marker with half a length'],
    ['00 cb 3f ff 00 00 00 00', 'an extended Lc of zero'],
    ['00 cb 3f ff 00 00 05 5c 03 5f c1 05 00', 'extended Lc 5 with a one-byte Le'],
    ['00 cb 3f ff 00 00 05 5c 03 5f c1', 'extended Lc 5 with 4 data bytes'],
  ])('answers 6700 to a malformed length: %s (%s)', (cmd) => {
    expect(send(blank(), cmd)).toMatchObject({ sw: '6700', data: '' });
  });
});

describe('GET DATA', () => {
  it('returns exactly the stored TLV', () => {
    const object = fromHex('530a' + '3408' + '0011223344556677');
    const engine = engineWithObjects({ '5fc102': object, '7e': fromHex('7e124f0ba0000003080000100001005f2f024000') });
    expect(send(engine, getDataCmd('5fc102'))).toMatchObject({ sw: '9000', data: object.toString('hex') });
    expect(send(engine, getDataCmd('7e'))).toMatchObject({ sw: '9000', data: '7e124f0ba0000003080000100001005f2f024000' });
  });

  it('answers 6A86 when P1P2 is not 3FFF', () => {
    const engine = engineWithObjects({ '5fc102': fromHex('5300') });
    expect(send(engine, apdu('00 cb 3f fe', '5c035fc102', '00')).sw).toBe('6a86');
    expect(send(engine, apdu('00 cb 00 00', '5c035fc102', '00')).sw).toBe('6a86');
  });

  it.each([
    ['5d035fc102', 'another tag than 5C'],
    ['5c035fc1', 'a truncated tag list'],
    ['5c035fc1020000', 'bytes after the tag list'],
    ['5c00', 'an empty tag'],
    ['5c045fc1020a', 'a four-byte tag'],
  ])('answers 6A80 to a bad tag list %s (%s)', (data) => {
    const engine = engineWithObjects({ '5fc102': fromHex('5300') });
    expect(send(engine, apdu('00 cb 3f ff', data, '00'))).toMatchObject({ sw: '6a80', data: '' });
  });

  it('answers 6A82 for objects the card does not hold', () => {
    const engine = blank();
    for (const tag of ['5fc105', '5fc107', '5fc10c', '7e', '5fff00']) expect(send(engine, getDataCmd(tag)).sw).toBe('6a82');
  });

  it('answers 6982 for printed information (5FC109) until the PIN is verified', () => {
    const printed = fromHex('5306' + '0104' + '414c4943');
    const engine = engineWithObjects({ '5fc109': printed });
    expect(send(engine, getDataCmd('5fc109'))).toMatchObject({ sw: '6982', data: '' });
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, getDataCmd('5fc109'))).toMatchObject({ sw: '9000', data: printed.toString('hex') });
  });

  it('does not reveal whether a PIN-protected object exists before VERIFY', () => {
    expect(send(blank(), getDataCmd('5fc109')).sw).toBe('6982');
  });
});

describe('VERIFY', () => {
  it('answers 6A80 to a PIN block that is not 8 bytes, without spending an attempt', () => {
    const engine = blank();
    expect(send(engine, apdu('00 20 00 80', '313233343536')).sw).toBe('6a80');
    expect(send(engine, apdu('00 20 00 80', '313233343536ffffff')).sw).toBe('6a80');
    expect(send(engine, emptyVerify).sw).toBe('63c3');
  });

  it('counts wrong PINs down 63C2, 63C1, 63C0, then answers 6983 even to the right PIN', () => {
    const engine = blank();
    expect(send(engine, apdu('00 20 00 80', block('000000'))).sw).toBe('63c2');
    expect(send(engine, apdu('00 20 00 80', block('000000'))).sw).toBe('63c1');
    expect(send(engine, apdu('00 20 00 80', block('000000'))).sw).toBe('63c0');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('6983');
    expect(send(engine, apdu('00 20 00 80', block('000000'))).sw).toBe('6983');
  });

  it('restores the counter when the right PIN follows a wrong one', () => {
    const engine = blank();
    expect(send(engine, apdu('00 20 00 80', block('000000'))).sw).toBe('63c2');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, '00 20 ff 80').sw).toBe('9000');
    expect(send(engine, emptyVerify).sw).toBe('63c3');
  });

  it('empty VERIFY reports 63Cx when not verified, 9000 when verified, 6983 when blocked', () => {
    const engine = blank();
    expect(send(engine, emptyVerify).sw).toBe('63c3');
    expect(send(engine, apdu('00 20 00 80', block('999999'))).sw).toBe('63c2');
    expect(send(engine, emptyVerify).sw).toBe('63c2');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, emptyVerify).sw).toBe('9000');
    for (let i = 0; i < 3; i++) send(engine, apdu('00 20 00 80', block('999999')));
    expect(send(engine, emptyVerify).sw).toBe('6983');
  });

  it('a wrong PIN clears an earlier verification', () => {
    const engine = blank();
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, apdu('00 20 00 80', block('999999'))).sw).toBe('63c2');
    expect(send(engine, emptyVerify).sw).toBe('63c2');
  });

  it('00 20 FF 80 logs out: the PIN is no longer verified and PIN-protected objects are closed again', () => {
    const engine = engineWithObjects({ '5fc109': fromHex('53020101') });
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, getDataCmd('5fc109')).sw).toBe('9000');
    expect(send(engine, '00 20 ff 80')).toMatchObject({ sw: '9000', data: '' });
    expect(send(engine, emptyVerify).sw).toBe('63c3');
    expect(send(engine, getDataCmd('5fc109')).sw).toBe('6982');
  });

  it("accepts ykpiv's case-2 empty VERIFY 00 20 00 80 00 as a status query", () => {
    const engine = blank();
    expect(send(engine, '00 20 00 80 00')).toMatchObject({ sw: '63c3', data: '' });
    send(engine, apdu('00 20 00 80', PIN_HEX));
    expect(send(engine, '00 20 00 80 00').sw).toBe('9000');
  });
});

describe('CHANGE REFERENCE DATA and RESET RETRY COUNTER', () => {
  const change = (ref: '80' | '81', current: string, next: string): string => apdu(`00 24 00 ${ref}`, current + next);
  const unblock = (puk: string, newPin: string): string => apdu('00 2c 00 80', puk + newPin);

  it('changes the PIN: the old one stops working, the new one verifies', () => {
    const engine = blank();
    expect(send(engine, change('80', PIN_HEX, block('24681357'))).sw).toBe('9000');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('63c2');
    expect(send(engine, apdu('00 20 00 80', block('24681357'))).sw).toBe('9000');
  });

  it('a wrong old PIN spends an attempt', () => {
    const engine = blank();
    expect(send(engine, change('80', block('111111'), block('222222'))).sw).toBe('63c2');
    expect(send(engine, change('80', block('111111'), block('222222'))).sw).toBe('63c1');
    expect(send(engine, emptyVerify).sw).toBe('63c1');
    expect(send(engine, apdu('00 20 00 80', block('222222'))).sw).toBe('63c0');
  });

  it.each([
    [block('12345'), 'five characters'],
    ['ffffffffffffffff', 'nothing'],
    ['31ff333435363738', 'an FF inside the value'],
  ])('refuses a new PIN of %s (%s) with 6A80 without spending an attempt', (next) => {
    const engine = blank();
    expect(send(engine, change('80', block('000000'), next)).sw).toBe('6a80');
    expect(send(engine, change('80', PIN_HEX, next)).sw).toBe('6a80');
    expect(send(engine, emptyVerify).sw).toBe('63c3');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
  });

  it('answers 6A80 when the data is not old8 + new8', () => {
    const engine = blank();
    expect(send(engine, apdu('00 24 00 80', PIN_HEX + '3132333435')).sw).toBe('6a80');
    expect(send(engine, emptyVerify).sw).toBe('63c3');
  });

  it('answers 6983 to a change of a blocked PIN, even with the right old PIN', () => {
    const engine = blank();
    for (let i = 0; i < 3; i++) send(engine, apdu('00 20 00 80', block('000000')));
    expect(send(engine, change('80', PIN_HEX, block('222222'))).sw).toBe('6983');
  });

  it('changes the PUK, and a wrong old PUK spends a PUK attempt', () => {
    const engine = blank();
    expect(send(engine, change('81', block('87654321'), block('11223344'))).sw).toBe('63c2');
    expect(send(engine, change('81', PUK_HEX, block('11223344'))).sw).toBe('9000');
    expect(send(engine, change('81', PUK_HEX, block('55667788'))).sw).toBe('63c2');
    expect(send(engine, change('81', block('11223344'), block('55667788'))).sw).toBe('9000');
  });

  it('RESET RETRY COUNTER unblocks the PIN with the PUK, sets the new PIN and restores its tries', () => {
    const engine = blank();
    for (let i = 0; i < 3; i++) send(engine, apdu('00 20 00 80', block('000000')));
    expect(send(engine, emptyVerify).sw).toBe('6983');
    expect(send(engine, unblock(PUK_HEX, block('13572468'))).sw).toBe('9000');
    expect(send(engine, emptyVerify).sw).toBe('63c3');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('63c2');
    expect(send(engine, apdu('00 20 00 80', block('13572468'))).sw).toBe('9000');
  });

  it('RESET RETRY COUNTER with a wrong PUK spends PUK attempts and leaves the PIN blocked', () => {
    const engine = blank();
    for (let i = 0; i < 3; i++) send(engine, apdu('00 20 00 80', block('000000')));
    expect(send(engine, unblock(block('00000000'), block('13572468'))).sw).toBe('63c2');
    expect(send(engine, emptyVerify).sw).toBe('6983');
  });

  it('RESET RETRY COUNTER refuses a malformed new PIN with 6A80 without spending a PUK attempt', () => {
    const engine = blank();
    expect(send(engine, unblock(block('00000000'), block('123'))).sw).toBe('6a80');
    expect(send(engine, unblock(block('00000000'), block('654321'))).sw).toBe('63c2');
  });

  it('a blocked PUK answers 6983, even when right, and cannot unblock the PIN', () => {
    const engine = blank();
    expect(send(engine, unblock(block('00000000'), block('654321'))).sw).toBe('63c2');
    expect(send(engine, unblock(block('00000000'), block('654321'))).sw).toBe('63c1');
    expect(send(engine, change('81', block('00000000'), block('11112222'))).sw).toBe('63c0');
    expect(send(engine, unblock(PUK_HEX, block('654321'))).sw).toBe('6983');
    expect(send(engine, change('81', PUK_HEX, block('11112222'))).sw).toBe('6983');
    expect(send(engine, apdu('00 20 00 80', block('654321'))).sw).toBe('63c2');
  });
});

describe('command chaining', () => {
  it('answers 9000 to each CLA 10 part and runs the command on the assembled data', () => {
    const engine = blank();
    expect(send(engine, '10 20 00 80 03 31 32 33')).toMatchObject({ sw: '9000', data: '' });
    expect(send(engine, '10 20 00 80 02 34 35')).toMatchObject({ sw: '9000', data: '' });
    expect(send(engine, '00 20 00 80 03 36 ff ff').sw).toBe('9000');
    expect(send(engine, emptyVerify).sw).toBe('9000');
  });

  it('assembles a chained PUT DATA of 600 bytes that GET DATA returns whole', () => {
    const engine = blank();
    authenticateDefault(engine);
    const object = dataObject(600);
    const data = Buffer.concat([fromHex('5c035fc105'), object]);
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i += 255) parts.push(data.subarray(i, i + 255));
    parts.forEach((part, i) => {
      const cla = i === parts.length - 1 ? '00' : '10';
      expect(send(engine, apdu(`${cla} db 3f ff`, part.toString('hex'))).sw).toBe('9000');
    });
    const r = send(engine, extendedApdu('00 cb 3f ff', fromHex('5c035fc105'), 0));
    expect(r).toMatchObject({ sw: '9000', data: object.toString('hex') });
  });

  it('a command with another INS aborts the chain: its parts are not used later', () => {
    const engine = blank();
    expect(send(engine, '10 20 00 80 04 31 32 33 34').sw).toBe('9000');
    expect(send(engine, '00 fd 00 00 00')).toMatchObject({ sw: '9000', data: '050403' });
    // The tail alone is 4 bytes: refused as a malformed PIN block, not joined to the discarded head.
    expect(send(engine, '00 20 00 80 04 35 36 ff ff').sw).toBe('6a80');
    expect(send(engine, emptyVerify).sw).toBe('63c3');
  });

  it('a final part with other P1/P2 does not complete the chain', () => {
    const engine = blank();
    expect(send(engine, '10 20 00 80 04 31 32 33 34').sw).toBe('9000');
    expect(send(engine, '00 20 00 81 04 35 36 ff ff').sw).toBe('6a88');
    expect(send(engine, '00 20 00 80 04 35 36 ff ff').sw).toBe('6a80');
  });

  it('a CLA 10 part of another command starts a new chain', () => {
    const engine = blank();
    expect(send(engine, '10 24 00 80 04 00 00 00 00').sw).toBe('9000');
    expect(send(engine, '10 20 00 80 04 31 32 33 34').sw).toBe('9000');
    expect(send(engine, '00 20 00 80 04 35 36 ff ff').sw).toBe('9000');
    expect(send(engine, emptyVerify).sw).toBe('9000');
  });
});

describe('response chaining', () => {
  const object = dataObject(1000);

  it('sends a 1000-byte object 256 bytes at a time with 61xx, then GET RESPONSE until 9000', () => {
    const engine = engineWithObjects({ '5fc105': object });
    const first = send(engine, getDataCmd('5fc105', '00'));
    expect(first.sw).toBe('6100'); // 744 left: 256 or more
    expect(first.data.length / 2).toBe(256);
    const second = send(engine, '00 c0 00 00 00');
    expect(second.sw).toBe('6100'); // 488 left
    expect(second.data.length / 2).toBe(256);
    const third = send(engine, '00 c0 00 00 00');
    expect(third.sw).toBe('61e8'); // 232 left
    expect(third.data.length / 2).toBe(256);
    const last = send(engine, '00 c0 00 00 e8');
    expect(last.sw).toBe('9000');
    expect(last.data.length / 2).toBe(232);
    expect(first.data + second.data + third.data + last.data).toBe(object.toString('hex'));
  });

  it('never sends more than a short Le asks for', () => {
    const engine = engineWithObjects({ '5fc105': object });
    const first = send(engine, getDataCmd('5fc105', '80'));
    expect(first.data.length / 2).toBe(128);
    expect(first.sw).toBe('6100');
    let assembled = first.data;
    let sw = first.sw;
    let rounds = 0;
    while (sw.startsWith('61') && rounds++ < 20) {
      const r = send(engine, `00 c0 00 00 ${sw.slice(2) === '00' ? '40' : sw.slice(2)}`);
      expect(r.data.length / 2).toBeLessThanOrEqual(sw.slice(2) === '00' ? 0x40 : parseInt(sw.slice(2), 16));
      assembled += r.data;
      sw = r.sw;
    }
    expect(sw).toBe('9000');
    expect(assembled).toBe(object.toString('hex'));
  });

  it('any other command discards the pending data', () => {
    const engine = engineWithObjects({ '5fc105': object });
    expect(send(engine, getDataCmd('5fc105')).sw).toBe('6100');
    expect(send(engine, '00 fd 00 00 00')).toMatchObject({ sw: '9000', data: '050403' });
    expect(send(engine, '00 c0 00 00 00')).toMatchObject({ sw: '6985', data: '' });
  });

  it('a failing command also discards the pending data', () => {
    const engine = engineWithObjects({ '5fc105': object });
    expect(send(engine, getDataCmd('5fc105')).sw).toBe('6100');
    expect(send(engine, getDataCmd('5fc10a')).sw).toBe('6a82');
    expect(send(engine, '00 c0 00 00 00')).toMatchObject({ sw: '6985', data: '' });
  });

  it('a new GET DATA restarts from the beginning of its own object', () => {
    const other = dataObject(700);
    const engine = engineWithObjects({ '5fc105': object, '5fc10a': other });
    expect(send(engine, getDataCmd('5fc105')).sw).toBe('6100');
    const r = send(engine, getDataCmd('5fc10a'));
    expect(r.data).toBe(other.subarray(0, 256).toString('hex'));
  });

  it('returns the whole object in one response to an extended Le of 0000', () => {
    const engine = engineWithObjects({ '5fc105': object });
    const r = send(engine, extendedApdu('00 cb 3f ff', fromHex('5c035fc105'), 0));
    expect(r).toMatchObject({ sw: '9000', data: object.toString('hex') });
  });

  it('GET RESPONSE without pending data answers 6985', () => {
    expect(send(blank(), '00 c0 00 00 00')).toMatchObject({ sw: '6985', data: '' });
  });
});

describe('reset()', () => {
  it('forgets the verified PIN, management authentication and pending data, and keeps persistent state', () => {
    const object = dataObject(1000);
    const engine = engineWithObjects({ '5fc105': object });
    authenticateDefault(engine);
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53043402abcd')).sw).toBe('9000');
    expect(send(engine, apdu('00 20 00 80', block('000000'))).sw).toBe('63c2');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, change('80')).sw).toBe('63c2'); // a wrong change: PIN counter 2, persistent
    expect(send(engine, getDataCmd('5fc105')).sw).toBe('6100');

    engine.reset();

    expect(send(engine, '00 c0 00 00 00').sw).toBe('6985');
    expect(send(engine, emptyVerify).sw).toBe('63c2');
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '5300')).sw).toBe('6982');
    expect(send(engine, getDataCmd('5fc102'))).toMatchObject({ sw: '9000', data: '53043402abcd' });
    expect(engine.snapshot().objects['5fc102']).toBe('53043402abcd');
  });

  it('breaks an unfinished command chain', () => {
    const engine = blank();
    expect(send(engine, '10 20 00 80 04 31 32 33 34').sw).toBe('9000');
    engine.reset();
    expect(send(engine, '00 20 00 80 04 35 36 ff ff').sw).toBe('6a80');
  });

  function change(ref: string): string {
    return apdu(`00 24 00 ${ref}`, block('000000') + block('222222'));
  }
});

describe('management key (GENERAL AUTHENTICATE 9B)', () => {
  it('mutual authentication with the default 3DES key opens PUT DATA', () => {
    const engine = blank();
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53023400')).sw).toBe('6982');
    expect(mutualAuth(engine, 0x03, DEFAULT_3DES_KEY)).toEqual({ step1: '9000', step2: '9000' });
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53023400')).sw).toBe('9000');
  });

  it('external authentication (piv-tool style) with the default 3DES key', () => {
    const engine = blank();
    const first = send(engine, apdu('00 87 03 9b', '7c028100', '00'));
    expect(first.sw).toBe('9000');
    const challenge = dynamicAuthValue(first.data, 0x81);
    expect(challenge.length).toBe(8);
    const response = ecb('des-ede3-ecb', DEFAULT_3DES_KEY, challenge, 'encrypt');
    expect(send(engine, apdu('00 87 03 9b', `7c0a8208${response.toString('hex')}`)).sw).toBe('9000');
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53023400')).sw).toBe('9000');
  });

  it('AES-128 after SET MGMKEY: the new key authenticates, the old one and the old algorithm do not', () => {
    const engine = blank();
    const aesKey = fromHex('00112233445566778899aabbccddeeff');
    expect(send(engine, apdu('00 ff ff ff', '089b10' + aesKey.toString('hex'))).sw).toBe('6982');
    authenticateDefault(engine);
    expect(send(engine, apdu('00 ff ff ff', '089b10' + aesKey.toString('hex'))).sw).toBe('9000');
    engine.reset();
    expect(send(engine, apdu('00 87 03 9b', '7c028000', '00')).sw).toBe('6a86');
    expect(mutualAuth(engine, 0x08, aesKey)).toEqual({ step1: '9000', step2: '9000' });
    expect(send(engine, apdu('00 47 00 9e', 'ac03800111', '00')).sw).toBe('9000');
    expect(engine.snapshot().managementKey).toEqual({ algorithm: 'aes128', key: aesKey.toString('hex') });
  });

  it('SET MGMKEY refuses a key whose length does not fit its algorithm (6A80) and keeps the old key', () => {
    const engine = blank();
    authenticateDefault(engine);
    expect(send(engine, apdu('00 ff ff ff', '089b18' + DEFAULT_3DES_KEY.toString('hex'))).sw).toBe('6a80');
    expect(send(engine, apdu('00 ff ff ff', '039b10' + '00112233445566778899aabbccddeeff')).sw).toBe('6a80');
    expect(engine.snapshot().managementKey.algorithm).toBe('3des');
  });

  it('a wrong witness answers 6982 and leaves the card unauthenticated', () => {
    const engine = blank();
    expect(mutualAuth(engine, 0x03, DEFAULT_3DES_KEY, { corruptWitness: true })).toEqual({ step1: '9000', step2: '6982' });
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53023400')).sw).toBe('6982');
    expect(send(engine, apdu('00 47 00 9a', 'ac03800111', '00')).sw).toBe('6982');
  });

  it('a wrong key answers 6982', () => {
    const engine = blank();
    expect(mutualAuth(engine, 0x03, Buffer.alloc(24, 0x42)).step2).toBe('6982');
  });

  it('step 2 without step 1 answers 6982', () => {
    const engine = blank();
    const body = '7c14' + '8008' + '0102030405060708' + '8108' + '1112131415161718';
    expect(send(engine, apdu('00 87 03 9b', body, '00')).sw).toBe('6982');
  });

  it('the witness cannot be replayed after a reset', () => {
    const engine = blank();
    const first = send(engine, apdu('00 87 03 9b', '7c028000', '00'));
    const witness = ecb('des-ede3-ecb', DEFAULT_3DES_KEY, dynamicAuthValue(first.data, 0x80), 'decrypt');
    engine.reset();
    const body = `7c148008${witness.toString('hex')}8108${'11'.repeat(8)}`;
    expect(send(engine, apdu('00 87 03 9b', body, '00')).sw).toBe('6982');
  });

  it('PUT DATA, GENERATE and SET MGMKEY need management authentication (6982)', () => {
    const engine = blank();
    expect(send(engine, apdu('00 db 3f ff', '5c035fc105' + '53023400')).sw).toBe('6982');
    expect(send(engine, apdu('00 47 00 9a', 'ac03800107', '00')).sw).toBe('6982');
    expect(send(engine, apdu('00 47 00 9e', 'ac03800111', '00')).sw).toBe('6982');
    expect(send(engine, apdu('00 ff ff ff', '039b18' + DEFAULT_3DES_KEY.toString('hex'))).sw).toBe('6982');
    expect(engine.snapshot().objects).toEqual({});
    expect(engine.snapshot().keys).toEqual({});
  });

  it('PUT DATA 53 00 deletes an object', () => {
    const engine = engineWithObjects({ '5fc105': dataObject(300) });
    authenticateDefault(engine);
    expect(send(engine, apdu('00 db 3f ff', '5c035fc105' + '5300')).sw).toBe('9000');
    expect(send(engine, getDataCmd('5fc105')).sw).toBe('6a82');
  });
});

describe('private key operations (GENERAL AUTHENTICATE, GENERATE)', () => {
  const message = Buffer.from('the quick brown fox signs a PIV challenge');
  const keyState = (): PivCardEngine => new PivCardEngine(stateWithKeys({ '9a': 'rsa2048', '9c': 'p256', '9e': 'p256', '9d': 'rsa2048' }));

  it('9A signs with RSA after VERIFY, and again without re-VERIFY (PIN once)', () => {
    const engine = keyState();
    expect(rsaSign(engine, 0x9a, message).sw).toBe('6982');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    const first = rsaSign(engine, 0x9a, message);
    expect(first.sw).toBe('9000');
    expect(first.signature?.length).toBe(256);
    expect(cryptoVerify('sha256', message, testKeys().rsa.publicKey, first.signature ?? Buffer.alloc(0))).toBe(true);
    expect(rsaSign(engine, 0x9a, Buffer.from('second')).sw).toBe('9000');
  });

  it('9C needs the PIN before each use: a second signature without re-VERIFY answers 6982', () => {
    const engine = keyState();
    expect(ecSign(engine, 0x9c, message).sw).toBe('6982');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    const first = ecSign(engine, 0x9c, message);
    expect(first.sw).toBe('9000');
    expect(cryptoVerify('sha256', message, testKeys().p256.publicKey, first.signature ?? Buffer.alloc(0))).toBe(true);
    expect(ecSign(engine, 0x9c, message).sw).toBe('6982');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(ecSign(engine, 0x9c, message).sw).toBe('9000');
  });

  it('an empty VERIFY does not re-arm 9C', () => {
    const engine = keyState();
    send(engine, apdu('00 20 00 80', PIN_HEX));
    expect(ecSign(engine, 0x9c, message).sw).toBe('9000');
    expect(send(engine, emptyVerify).sw).toBe('9000');
    expect(ecSign(engine, 0x9c, message).sw).toBe('6982');
  });

  it('9E (card authentication) signs without any PIN, returning a DER ECDSA signature', () => {
    const engine = keyState();
    const r = ecSign(engine, 0x9e, message);
    expect(r.sw).toBe('9000');
    expect(r.signature?.[0]).toBe(0x30);
    expect(cryptoVerify('sha256', message, testKeys().p256.publicKey, r.signature ?? Buffer.alloc(0))).toBe(true);
  });

  it('answers 6A88 for a signature with an empty slot', () => {
    const engine = blank();
    send(engine, apdu('00 20 00 80', PIN_HEX));
    expect(rsaSign(engine, 0x9a, message).sw).toBe('6a88');
    expect(ecSign(engine, 0x9e, message).sw).toBe('6a88');
  });

  it('answers 6A80 to an RSA input not below the modulus', () => {
    const engine = keyState();
    send(engine, apdu('00 20 00 80', PIN_HEX));
    const n = Buffer.from(testKeys().rsa.publicKey.export({ format: 'jwk' }).n ?? '', 'base64url');
    expect(n.length).toBe(256);
    expect(send(engine, signCmd(0x07, 0x9a, n)).sw).toBe('6a80');
    expect(send(engine, signCmd(0x07, 0x9a, Buffer.alloc(256, 0xff))).sw).toBe('6a80');
  });

  it('answers 6A80 to an RSA input that is not 256 bytes', () => {
    const engine = keyState();
    send(engine, apdu('00 20 00 80', PIN_HEX));
    expect(send(engine, signCmd(0x07, 0x9a, pkcs1Block(message).subarray(1))).sw).toBe('6a80');
  });

  it('answers 6A86 when P1 names another algorithm than the key in the slot', () => {
    const engine = keyState();
    expect(send(engine, signCmd(0x11, 0x9d, createHash('sha256').update(message).digest())).sw).toBe('6a86');
  });

  it('GENERATE P-256 in 9E returns the public key (7F49 86 04 X Y) that verifies its signatures', () => {
    const engine = blank();
    authenticateDefault(engine);
    const r = send(engine, apdu('00 47 00 9e', 'ac03800111', '00'));
    expect(r.sw).toBe('9000');
    const template = decodeTlvs(decodeSingleTlv(fromHex(r.data), 0x7f49).value);
    const point = findTlv(template, 0x86) ?? Buffer.alloc(0);
    expect(point.length).toBe(65);
    expect(point[0]).toBe(0x04);
    const publicKey = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
    const sig = ecSign(engine, 0x9e, message);
    expect(sig.sw).toBe('9000');
    expect(cryptoVerify('sha256', message, publicKey, sig.signature ?? Buffer.alloc(0))).toBe(true);
  });

  it('GENERATE replaces the key in a slot: the old public key no longer verifies', () => {
    const engine = keyState();
    authenticateDefault(engine);
    expect(send(engine, apdu('00 47 00 9e', 'ac03800111', '00')).sw).toBe('9000');
    const sig = ecSign(engine, 0x9e, message);
    expect(cryptoVerify('sha256', message, testKeys().p256.publicKey, sig.signature ?? Buffer.alloc(0))).toBe(false);
  });

  it('GENERATE refuses an unknown algorithm with 6A80 and an unknown slot with 6A86', () => {
    const engine = blank();
    authenticateDefault(engine);
    expect(send(engine, apdu('00 47 00 9a', 'ac03800199', '00')).sw).toBe('6a80');
    expect(send(engine, apdu('00 47 00 9b', 'ac03800111', '00')).sw).toBe('6a86');
    expect(engine.snapshot().keys).toEqual({});
  });
});

describe('Yubico extensions', () => {
  it('GET VERSION answers 05 04 03', () => {
    expect(send(blank(), '00 fd 00 00 00')).toMatchObject({ sw: '9000', data: '050403' });
  });

  it('GET SERIAL answers the serial of the state, big-endian', () => {
    expect(send(blank(), '00 f8 00 00 00')).toMatchObject({ sw: '9000', data: '0a0b0c0d' });
    const state = blankCardState();
    const r = send(new PivCardEngine(state), '00 f8 00 00 00');
    expect(parseInt(r.data, 16)).toBe(state.serial);
  });

  it('SET PIN RETRIES needs both management authentication and the PIN', () => {
    const engine = blank();
    expect(send(engine, '00 fa 05 04').sw).toBe('6982');
    authenticateDefault(engine);
    expect(send(engine, '00 fa 05 04').sw).toBe('6982');
    engine.reset();
    send(engine, apdu('00 20 00 80', PIN_HEX));
    expect(send(engine, '00 fa 05 04').sw).toBe('6982');
    expect(engine.snapshot().pin.maxTries).toBe(3);
  });

  it('SET PIN RETRIES sets new counters and puts PIN and PUK back to their defaults', () => {
    const engine = blank();
    expect(send(engine, apdu('00 24 00 80', PIN_HEX + block('24681357'))).sw).toBe('9000');
    expect(send(engine, apdu('00 24 00 81', PUK_HEX + block('11223344'))).sw).toBe('9000');
    authenticateDefault(engine);
    expect(send(engine, apdu('00 20 00 80', block('24681357'))).sw).toBe('9000');
    expect(send(engine, '00 fa 05 04').sw).toBe('9000');
    expect(send(engine, apdu('00 20 00 80', block('24681357'))).sw).toBe('63c4');
    expect(send(engine, apdu('00 24 00 81', block('11223344') + block('55667788'))).sw).toBe('63c3');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, apdu('00 24 00 81', PUK_HEX + block('55667788'))).sw).toBe('9000');
  });

  it('RESET answers 6985 unless both PIN and PUK are blocked', () => {
    const engine = new PivCardEngine(stateWithKeys({ '9a': 'rsa2048' }));
    expect(send(engine, '00 fb 00 00').sw).toBe('6985');
    for (let i = 0; i < 3; i++) send(engine, apdu('00 20 00 80', block('000000')));
    expect(send(engine, '00 fb 00 00').sw).toBe('6985');
    expect(engine.snapshot().keys['9a']).toBeDefined();
  });

  it('RESET with PIN and PUK blocked restores the factory defaults and keeps the serial', () => {
    const engine = new PivCardEngine(stateWithKeys({ '9a': 'rsa2048', '9e': 'p256' }));
    authenticateDefault(engine);
    const aesKey = fromHex('0f0e0d0c0b0a09080706050403020100');
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53023400')).sw).toBe('9000');
    expect(send(engine, apdu('00 ff ff ff', '089b10' + aesKey.toString('hex'))).sw).toBe('9000');
    for (let i = 0; i < 3; i++) send(engine, apdu('00 20 00 80', block('000000')));
    for (let i = 0; i < 3; i++) send(engine, apdu('00 24 00 81', block('00000000') + block('11111111')));
    expect(send(engine, '00 fb 00 00')).toMatchObject({ sw: '9000', data: '' });

    expect(send(engine, emptyVerify).sw).toBe('63c3');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(rsaSign(engine, 0x9a, Buffer.from('x')).sw).toBe('6a88');
    expect(ecSign(engine, 0x9e, Buffer.from('x')).sw).toBe('6a88');
    expect(send(engine, getDataCmd('5fc102')).sw).toBe('6a82');
    expect(mutualAuth(engine, 0x03, DEFAULT_3DES_KEY)).toEqual({ step1: '9000', step2: '9000' });
    expect(send(engine, apdu('00 24 00 81', PUK_HEX + block('11111111'))).sw).toBe('9000');
    expect(send(engine, '00 f8 00 00 00').data).toBe('0a0b0c0d');
    expect(engine.snapshot().keys).toEqual({});
  });
});

describe('persistence hooks and the command log', () => {
  it('calls onPersist after each persistent change and never for reads', () => {
    const { engine, persisted } = recordingEngine(stateWithKeys({ '9e': 'p256' }));
    // Reads, status queries and volatile changes.
    send(engine, apdu('00 a4 04 00', PIV_AID, '00'));
    send(engine, '00 fd 00 00 00');
    send(engine, '00 f8 00 00 00');
    send(engine, getDataCmd('5fc105'));
    send(engine, emptyVerify);
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    send(engine, '00 20 ff 80');
    authenticateDefault(engine);
    ecSign(engine, 0x9e, Buffer.from('m'));
    send(engine, 'ff ff ff'); // malformed
    expect(persisted).toHaveLength(0);

    expect(send(engine, apdu('00 20 00 80', block('000000'))).sw).toBe('63c2');
    expect(persisted).toHaveLength(1);
    expect(persisted.at(-1)?.pin.triesLeft).toBe(2);

    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000'); // counter restored
    expect(persisted).toHaveLength(2);
    expect(persisted.at(-1)?.pin.triesLeft).toBe(3);

    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53023400')).sw).toBe('9000');
    expect(persisted).toHaveLength(3);
    expect(persisted.at(-1)?.objects['5fc102']).toBe('53023400');

    expect(send(engine, apdu('00 47 00 9a', 'ac03800111', '00')).sw).toBe('9000');
    expect(persisted).toHaveLength(4);
    expect(persisted.at(-1)?.keys['9a']?.algorithm).toBe('p256');

    expect(send(engine, apdu('00 24 00 80', PIN_HEX + block('24681357'))).sw).toBe('9000');
    expect(persisted).toHaveLength(5);

    // Refused commands change nothing and save nothing.
    send(engine, apdu('00 24 00 80', PIN_HEX + block('123')));
    send(engine, '00 fb 00 00');
    expect(persisted).toHaveLength(5);
  });

  it('onPersist receives a copy: mutating it does not change the card', () => {
    const { engine, persisted } = recordingEngine();
    send(engine, apdu('00 20 00 80', block('000000')));
    const saved = persisted[0];
    expect(saved).toBeDefined();
    if (saved) saved.pin.triesLeft = 3;
    expect(send(engine, emptyVerify).sw).toBe('63c2');
  });

  it('records every command without its data', () => {
    const { engine, commands } = recordingEngine();
    send(engine, apdu('00 20 00 80', PIN_HEX));
    send(engine, apdu('00 24 00 80', PIN_HEX + block('24681357')));
    send(engine, getDataCmd('5fc105'));
    send(engine, '80 fd 00 00 00');
    expect(commands).toEqual([
      { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80, nc: 8, sw: 0x9000 },
      { cla: 0x00, ins: 0x24, p1: 0x00, p2: 0x80, nc: 16, sw: 0x9000 },
      { cla: 0x00, ins: 0xcb, p1: 0x3f, p2: 0xff, nc: 5, sw: 0x6a82 },
      { cla: 0x80, ins: 0xfd, p1: 0x00, p2: 0x00, nc: 0, sw: 0x6e00 },
    ]);
    for (const record of commands) {
      expect(Object.keys(record).sort()).toEqual(['cla', 'ins', 'nc', 'p1', 'p2', 'sw']);
      for (const value of Object.values(record)) expect(typeof value).toBe('number');
    }
  });

  it('logs the status word actually sent, 61xx included', () => {
    const { engine, commands } = recordingEngine();
    authenticateDefault(engine);
    const object = dataObject(400);
    expect(send(engine, extendedApdu('00 db 3f ff', Buffer.concat([fromHex('5c035fc105'), object]))).sw).toBe('9000');
    expect(send(engine, getDataCmd('5fc105')).sw).toBe('6190');
    expect(commands.at(-1)?.sw).toBe(0x6190);
  });

  it('never persists the PIN or PUK in clear', () => {
    const { engine, persisted } = recordingEngine();
    send(engine, apdu('00 20 00 80', block('000000')));
    send(engine, apdu('00 20 00 80', PIN_HEX));
    send(engine, apdu('00 24 00 81', PUK_HEX + PUK_HEX));
    send(engine, apdu('00 24 00 80', PIN_HEX + PIN_HEX));
    send(engine, apdu('00 2c 00 80', PUK_HEX + PIN_HEX));
    authenticateDefault(engine);
    send(engine, apdu('00 20 00 80', PIN_HEX));
    send(engine, '00 fa 03 03');
    expect(persisted.length).toBeGreaterThanOrEqual(5);
    const secrets = ['123456', '12345678'];
    for (const state of [...persisted, engine.snapshot()]) {
      const json = JSON.stringify(state);
      for (const secret of secrets) {
        const asHex = Buffer.from(secret, 'ascii').toString('hex');
        expect(json).not.toContain(asHex);
        expect(json).not.toContain(`"${secret}"`);
        expect(json).not.toContain(Buffer.from(secret, 'ascii').toString('base64'));
      }
      // In clear ASCII anywhere outside the random salts and digests (which are checked as bytes
      // below, since random hex may spell "123456" by chance).
      const withoutRandom = JSON.stringify({ ...state, pin: { ...state.pin, salt: '', digest: '' }, puk: { ...state.puk, salt: '', digest: '' } });
      for (const secret of secrets) expect(withoutRandom).not.toContain(secret);
      // Every hex field, decoded, must not hold the passcode bytes either.
      for (const field of [state.pin.salt, state.pin.digest, state.puk.salt, state.puk.digest]) {
        const bytes = fromHex(field);
        for (const secret of secrets) expect(bytes.includes(Buffer.from(secret, 'ascii'))).toBe(false);
      }
      expect(Object.keys(state.pin).sort()).toEqual(['digest', 'maxTries', 'salt', 'triesLeft']);
    }
  });
});
