import { describe, expect, it } from 'vitest';
import {
  decodeSingleTlv,
  decodeTlvs,
  encodeLength,
  encodeTag,
  findTlv,
  readTlv,
  requireTlv,
  tlv,
  TlvError,
} from '../../../src-shared/card/tlv.js';
import { fromHex } from '../../../src-main/card/bytes.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('BER-TLV lengths', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8180'],
    [255, '81ff'],
    [256, '820100'],
    [65535, '82ffff'],
    [65536, '83010000'],
    [0xffffff, '83ffffff'],
  ])('length %i encodes as %s', (length, expected) => {
    expect(hex(encodeLength(length))).toBe(expected);
  });

  it.each([0, 127, 128, 255, 256, 65535])('a %i-byte value round trips with the exact header', (length) => {
    const value = Buffer.alloc(length);
    for (let i = 0; i < length; i++) value[i] = (i * 7 + 3) & 0xff;
    const encoded = tlv(0x53, value);
    const header = Buffer.concat([Buffer.from([0x53]), encodeLength(length)]);
    expect(encoded.subarray(0, header.length)).toEqual(header);
    expect(encoded.length).toBe(header.length + length);

    const decoded = decodeSingleTlv(encoded, 0x53);
    expect(decoded.tag).toBe(0x53);
    expect(decoded.value).toEqual(value);
  });

  it('decodes a non-minimal long form (81 05) as the same length', () => {
    expect(decodeSingleTlv(fromHex('53 81 05 0102030405')).value).toEqual(fromHex('0102030405'));
  });

  it.each([-1, 1.5, 0x1000000, Number.NaN])('refuses to encode length %s', (length) => {
    expect(() => encodeLength(length)).toThrow(TlvError);
  });

  it.each(['80', '84', 'ff'])('refuses length byte 0x%s (indefinite form, or more than three length bytes)', (lengthByte) => {
    expect(() => readTlv(fromHex(`53 ${lengthByte} 00 00 00 00 00`))).toThrow(TlvError);
    expect(() => readTlv(fromHex(`53 ${lengthByte} 00 00 00 00 00`))).toThrow(/unsupported length byte/);
  });
});

describe('BER-TLV tags', () => {
  it.each(['53', '7f49', '5fc105'])('tag %s encodes as its own bytes', (tagHex) => {
    expect(hex(encodeTag(parseInt(tagHex, 16)))).toBe(tagHex);
  });

  it.each([-1, 0x1000000, 2.5])('refuses to encode tag %s', (tag) => {
    expect(() => encodeTag(tag)).toThrow(TlvError);
  });

  it('decodes the three-byte certificate tag 5FC105', () => {
    const encoded = tlv(0x5fc105, fromHex('aabb'));
    expect(hex(encoded)).toBe('5fc10502aabb');
    expect(decodeSingleTlv(encoded)).toEqual({ tag: 0x5fc105, value: fromHex('aabb') });
  });

  it('decodes the two-byte public key template tag 7F49 with nested TLVs', () => {
    const encoded = tlv(0x7f49, tlv(0x86, fromHex('04 01 02')));
    expect(hex(encoded)).toBe('7f4905860304' + '0102');
    const outer = decodeSingleTlv(encoded, 0x7f49);
    expect(decodeTlvs(outer.value)).toEqual([{ tag: 0x86, value: fromHex('040102') }]);
  });

  it('refuses a tag longer than three bytes', () => {
    expect(() => readTlv(fromHex('5f 81 82 03 00'))).toThrow(/tag longer than three bytes/);
  });
});

describe('BER-TLV truncation and over-long values', () => {
  it.each([
    ['empty buffer', ''],
    ['in the tag (first byte only)', '5f'],
    ['in the tag (two of three bytes)', '5f c1'],
    ['before the length', '53'],
    ['in a long-form length (81)', '53 81'],
    ['in a long-form length (82)', '53 82 01'],
    ['in a long-form length (83)', '53 83 01 00'],
    ['in the value', '53 03 01 02'],
    ['declared length past the end', '53 82 01 00' + ' 00'.repeat(10)],
    ['declared long-form length past the end', '5f c1 05 83 ff ff ff 00'],
  ])('readTlv throws TlvError when truncated %s', (_what, input) => {
    expect(() => readTlv(fromHex(input))).toThrow(TlvError);
  });

  it('decodeTlvs refuses a list whose last TLV is truncated instead of returning the whole ones', () => {
    expect(() => decodeTlvs(fromHex('70 01 aa 71 02 00'))).toThrow(TlvError);
  });

  it('decodeSingleTlv refuses trailing bytes after the TLV', () => {
    expect(() => decodeSingleTlv(fromHex('53 01 aa bb'))).toThrow(/1 bytes after the TLV/);
    expect(() => decodeSingleTlv(fromHex('53 00 53 00'))).toThrow(TlvError);
  });

  it('decodeSingleTlv refuses an unexpected tag', () => {
    expect(() => decodeSingleTlv(fromHex('7e 00'), 0x53)).toThrow(/expected tag 0x53, found 0x7e/);
  });
});

describe('BER-TLV sequences', () => {
  it('decodes a run of TLVs in order and an empty buffer as no TLVs', () => {
    const encoded = Buffer.concat([tlv(0x70, fromHex('3082')), tlv(0x71, fromHex('00')), tlv(0xfe)]);
    expect(decodeTlvs(encoded)).toEqual([
      { tag: 0x70, value: fromHex('3082') },
      { tag: 0x71, value: fromHex('00') },
      { tag: 0xfe, value: Buffer.alloc(0) },
    ]);
    expect(decodeTlvs(new Uint8Array(0))).toEqual([]);
  });

  it('readTlv reads at an offset and reports where the next TLV starts', () => {
    const encoded = fromHex('01 01 aa 5f c1 02 02 bb cc 03 00');
    const first = readTlv(encoded, 0);
    expect(first.next).toBe(3);
    const second = readTlv(encoded, first.next);
    expect(second).toEqual({ tlv: { tag: 0x5fc102, value: fromHex('bbcc') }, next: 9 });
    expect(readTlv(encoded, second.next)).toEqual({ tlv: { tag: 0x03, value: Buffer.alloc(0) }, next: 11 });
  });

  it('decodes a plain Uint8Array that is a view into a larger buffer', () => {
    const backing = new Uint8Array([0xff, 0xff, 0x53, 0x01, 0x42, 0xff]);
    const view = backing.subarray(2, 5);
    expect(decodeSingleTlv(view, 0x53).value).toEqual(Buffer.from([0x42]));
  });

  it('findTlv returns the first match or undefined; requireTlv names what is missing', () => {
    const items = decodeTlvs(fromHex('30 01 01 34 01 02 34 01 03'));
    expect(findTlv(items, 0x34)).toEqual(Buffer.from([0x02]));
    expect(findTlv(items, 0x35)).toBeUndefined();
    expect(requireTlv(items, 0x30, 'CHUID')).toEqual(Buffer.from([0x01]));
    expect(() => requireTlv(items, 0x35, 'CHUID')).toThrow(new TlvError('CHUID: tag 0x35 is missing'));
  });
});
