import { describe, expect, it } from 'vitest';
import {
  ApduFormatError,
  encodeCommand,
  encodeResponse,
  needsExtended,
  parseCommand,
  parseResponse,
  type CommandApdu,
} from '../../../src-main/card/apdu.js';
import { fromHex } from '../../../src-main/card/bytes.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

const header = { cla: 0x00, ins: 0xdb, p1: 0x3f, p2: 0xff } as const;

interface Case {
  name: string;
  cmd: CommandApdu;
  extended?: boolean;
  wire: string;
  parsedExtended: boolean;
}

const cases: Case[] = [
  { name: 'case 1 short', cmd: { ...header }, wire: '00db3fff', parsedExtended: false },
  { name: 'case 2 short, Le=1', cmd: { ...header, ne: 1 }, wire: '00db3fff01', parsedExtended: false },
  { name: 'case 2 short, Le=255', cmd: { ...header, ne: 255 }, wire: '00db3fffff', parsedExtended: false },
  { name: 'case 2 short, Le=256 as 00', cmd: { ...header, ne: 256 }, wire: '00db3fff00', parsedExtended: false },
  { name: 'case 3 short', cmd: { ...header, data: fromHex('5c035fc105') }, wire: '00db3fff055c035fc105', parsedExtended: false },
  {
    name: 'case 3 short, Lc=255',
    cmd: { ...header, data: bytes(255) },
    wire: '00db3fffff' + hex(bytes(255)),
    parsedExtended: false,
  },
  {
    name: 'case 4 short, Le=256 as 00',
    cmd: { ...header, data: fromHex('5c035fc105'), ne: 256 },
    wire: '00db3fff055c035fc10500',
    parsedExtended: false,
  },
  {
    name: 'case 4 short, Le=16',
    cmd: { ...header, data: fromHex('aabb'), ne: 16 },
    wire: '00db3fff02aabb10',
    parsedExtended: false,
  },
  { name: 'case 2 extended, Le=257', cmd: { ...header, ne: 257 }, wire: '00db3fff000101', parsedExtended: true },
  { name: 'case 2 extended, Le=65535', cmd: { ...header, ne: 65535 }, wire: '00db3fff00ffff', parsedExtended: true },
  { name: 'case 2 extended, Le=65536 as 00 00 00', cmd: { ...header, ne: 65536 }, wire: '00db3fff000000', parsedExtended: true },
  {
    name: 'case 3 extended, Lc=256',
    cmd: { ...header, data: bytes(256) },
    wire: '00db3fff000100' + hex(bytes(256)),
    parsedExtended: true,
  },
  {
    name: 'case 3 extended, Lc=65535',
    cmd: { ...header, data: bytes(65535) },
    wire: '00db3fff00ffff' + hex(bytes(65535)),
    parsedExtended: true,
  },
  {
    name: 'case 4 extended, Lc=300, Le=65536 as 00 00',
    cmd: { ...header, data: bytes(300), ne: 65536 },
    wire: '00db3fff00012c' + hex(bytes(300)) + '0000',
    parsedExtended: true,
  },
  {
    name: 'case 4 extended, Lc=1, Le=300',
    cmd: { ...header, data: fromHex('aa'), ne: 300 },
    wire: '00db3fff000001aa012c',
    parsedExtended: true,
  },
  {
    name: 'case 4 forced extended with short sizes',
    cmd: { ...header, data: fromHex('aabbcc'), ne: 10 },
    extended: true,
    wire: '00db3fff000003aabbcc000a',
    parsedExtended: true,
  },
  {
    name: 'case 2 forced extended, Le=256',
    cmd: { ...header, ne: 256 },
    extended: true,
    wire: '00db3fff000100',
    parsedExtended: true,
  },
];

describe('command APDU encoding and parsing', () => {
  it.each(cases)('$name: encodes to the exact wire bytes and parses back', ({ cmd, extended, wire, parsedExtended }) => {
    const encoded = encodeCommand(cmd, extended === undefined ? {} : { extended });
    expect(hex(encoded)).toBe(wire);

    const parsed = parseCommand(encoded);
    expect(parsed).toEqual({
      cla: cmd.cla,
      ins: cmd.ins,
      p1: cmd.p1,
      p2: cmd.p2,
      data: Buffer.from(cmd.data ?? []),
      ne: cmd.ne ?? 0,
      extended: parsedExtended,
    });
  });

  it('parses the empty VERIFY ykpiv sends (00 20 00 80 00) as case 2 with Ne 256', () => {
    const parsed = parseCommand(fromHex('00 20 00 80 00'));
    expect(parsed).toMatchObject({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, ne: 256, extended: false });
    expect(parsed.data.length).toBe(0);
  });

  it('uses extended length exactly when Nc > 255 or Ne > 256', () => {
    expect(needsExtended({ ...header, data: bytes(255), ne: 256 })).toBe(false);
    expect(needsExtended({ ...header, data: bytes(256) })).toBe(true);
    expect(needsExtended({ ...header, ne: 257 })).toBe(true);
  });

  it('does not alias the caller buffer: parsed data is independent of later writes', () => {
    const wire = fromHex('00 db 3f ff 02 aa bb');
    const parsed = parseCommand(wire);
    wire.fill(0);
    expect(parsed.data).toEqual(fromHex('aabb'));
  });
});

describe('command APDU errors', () => {
  it.each([
    ['CLA', { cla: 0x100, ins: 0, p1: 0, p2: 0 }],
    ['INS', { cla: 0, ins: -1, p1: 0, p2: 0 }],
    ['P1', { cla: 0, ins: 0, p1: 1.5, p2: 0 }],
    ['P2', { cla: 0, ins: 0, p1: 0, p2: Number.NaN }],
  ])('refuses a %s out of range', (name, cmd) => {
    expect(() => encodeCommand(cmd)).toThrow(ApduFormatError);
    expect(() => encodeCommand(cmd)).toThrow(`${name} out of range`);
  });

  it('refuses command data longer than 65535 bytes', () => {
    expect(() => encodeCommand({ ...header, data: Buffer.alloc(65536) })).toThrow(ApduFormatError);
  });

  it.each([-1, 65537, 2.5])('refuses Ne %s', (ne) => {
    expect(() => encodeCommand({ ...header, ne })).toThrow(ApduFormatError);
  });

  it.each([
    ['fewer than 4 bytes', ''],
    ['fewer than 4 bytes', '00 a4 04'],
    ['short Lc larger than the data', '00 db 3f ff 05 01 02 03'],
    ['short Lc with two bytes too many', '00 db 3f ff 01 aa bb cc'],
    ['6 bytes starting an extended length', '00 db 3f ff 00 01'],
    ['extended Lc of zero', '00 db 3f ff 00 00 00 aa'],
    ['extended Lc larger than the data', '00 db 3f ff 00 00 05 01 02'],
    ['extended Lc with one Le byte instead of two', '00 db 3f ff 00 00 01 aa 00'],
  ])('parseCommand refuses %s with ApduFormatError', (_what, wire) => {
    expect(() => parseCommand(fromHex(wire))).toThrow(ApduFormatError);
  });
});

describe('response APDUs', () => {
  it('splits the status word from the data', () => {
    expect(parseResponse(fromHex('90 00'))).toEqual({ data: Buffer.alloc(0), sw: 0x9000 });
    expect(parseResponse(fromHex('01 02 03 61 10'))).toEqual({ data: fromHex('010203'), sw: 0x6110 });
  });

  it.each(['', '90'])('refuses a response of fewer than 2 bytes (%s)', (wire) => {
    expect(() => parseResponse(fromHex(wire))).toThrow(ApduFormatError);
  });

  it('encodeResponse is the inverse of parseResponse', () => {
    const wire = encodeResponse(fromHex('7f4903860100'), 0x63c2);
    expect(hex(wire)).toBe('7f490386010063c2');
    expect(parseResponse(wire)).toEqual({ data: fromHex('7f4903860100'), sw: 0x63c2 });
  });
});
