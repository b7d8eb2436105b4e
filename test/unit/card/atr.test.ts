import { describe, expect, it } from 'vitest';
import { parseAtr } from '../../../src-main/card/atr.js';
import { fromHex } from '../../../src-main/card/bytes.js';

describe('ATR: extended-length capability', () => {
  it('a card whose capabilities byte has bit 0x40 clear does not take extended APDUs', () => {
    const info = parseAtr(fromHex('3B 95 13 81 01 80 73 FF 01 00 0B'));
    expect(info.extendedLength).toBe(false);
    expect(info.historical).toEqual(fromHex('80 73 FF 01 00'));
  });

  it('a YubiKey 5 advertises extended length (card capabilities 73 C0 21 C0)', () => {
    const info = parseAtr(fromHex('3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40'));
    expect(info.extendedLength).toBe(true);
    expect(info.historical).toEqual(fromHex('80 73 C0 21 C0 57 59 75 62 69 4B 65 79'));
  });

  it('finds the capabilities after other compact-TLV objects', () => {
    const info = parseAtr(fromHex('3B 08 80 31 C0 73 00 00 40 00'));
    expect(info.extendedLength).toBe(true);
  });

  it('reads category 0x00 historical bytes, whose last three are a status indicator', () => {
    expect(parseAtr(fromHex('3B 08 00 73 00 00 40 00 90 00')).extendedLength).toBe(true);
    expect(parseAtr(fromHex('3B 08 00 73 00 00 00 00 90 00')).extendedLength).toBe(false);
  });

  it.each([
    ['no capabilities object', '3B 04 80 31 C0 00'],
    ['capabilities with two bytes only', '3B 04 80 72 C0 21'],
    ['a category byte that is not compact-TLV', '3B 05 10 73 C0 21 C0'],
    ['proprietary ASCII historical bytes', '3B 05 41 42 43 44 45'],
  ])('%s -> not extended', (_what, atr) => {
    expect(parseAtr(fromHex(atr)).extendedLength).toBe(false);
  });
});

describe('ATR: garbage and short input never throws', () => {
  it.each([
    ['empty', ''],
    ['TS only', '3B'],
    ['T0 promises historical bytes that are missing', '3B 0F'],
    ['TD1 promised but missing', '3B 80'],
    ['a TD chain that runs off the end', '3B F0 11 22 33 F0 44'],
    ['interface bytes missing', '3B F5 80'],
    ['historical bytes cut short inside the capabilities object', '3B 0A 80 73 C0'],
    ['all 0xFF', 'FF FF FF FF FF FF FF FF'],
    ['all zero', '00 00 00 00'],
  ])('%s -> extendedLength false', (_what, atr) => {
    let info: ReturnType<typeof parseAtr> | undefined;
    expect(() => {
      info = parseAtr(fromHex(atr));
    }).not.toThrow();
    expect(info?.extendedLength).toBe(false);
  });

  it('never reports more historical bytes than T0 allows (at most 15)', () => {
    const atr = Buffer.concat([fromHex('3B 0F'), Buffer.alloc(40, 0x80)]);
    expect(parseAtr(atr).historical.length).toBe(15);
  });
});
