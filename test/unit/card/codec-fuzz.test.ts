import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTlvs, readTlv, tlv, TlvError, type Tlv } from '../../../src-shared/card/tlv.js';
import {
  ApduFormatError,
  encodeCommand,
  encodeResponse,
  parseCommand,
  parseResponse,
  type CommandApdu,
} from '../../../src-main/card/apdu.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { parseAtr } from '../../../src-main/card/atr.js';
import { encodeCertificateObject, encodeChuid, parseCertificateObject, parseChuid } from '../../../src-shared/card/piv-objects.js';
import { encodePublicKeyTemplate, parsePublicKeyTemplate } from '../../../src-main/card/piv/piv-public-key.js';
import { ALG } from '../../../src-main/card/piv/piv-constants.js';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { fromHex } from '../../../src-main/card/bytes.js';
import { ScriptedTransport } from './support/scripted-transport.js';

// Deterministic fuzzing of every decoder that reads bytes from a card (or, for parseCommand, from
// a client of the virtual card). A decoder may return or throw one of the codec's own errors;
// a TypeError or any other exception means it read past an assumption and is a bug.

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32: small, fast, and good enough to drive a fuzzer reproducibly. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

/** Bytes a length or tag decoder treats specially. */
const INTERESTING = [0x00, 0x01, 0x1f, 0x5f, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xc1, 0xfe, 0xff];

function mutate(rng: Rng, seed: Buffer): Buffer {
  let b = Buffer.from(seed);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const at = b.length === 0 ? 0 : rng.int(b.length);
    switch (rng.int(7)) {
      case 0: // flip one to four bits
        for (let k = 1 + rng.int(4); k > 0 && b.length > 0; k--) {
          const i = rng.int(b.length);
          b[i] = (b[i] as number) ^ (1 << rng.int(8));
        }
        break;
      case 1: // truncate
        b = b.subarray(0, rng.int(b.length + 1));
        break;
      case 2: // extend
        b = Buffer.concat([b, rng.bytes(1 + rng.int(rng.chance(0.9) ? 8 : 300))]);
        break;
      case 3: // overwrite with a byte that matters to a decoder
        if (b.length > 0) b[at] = rng.pick(INTERESTING);
        break;
      case 4: // insert a byte
        b = Buffer.concat([b.subarray(0, at), Buffer.from([rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(256)]), b.subarray(at)]);
        break;
      case 5: // delete a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.int(4))]);
        break;
      default: // duplicate a slice in place
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + 1 + rng.int(16)), b.subarray(at)]);
    }
  }
  return b;
}

function randomBytes(rng: Rng): Buffer {
  return rng.bytes(rng.chance(0.6) ? rng.int(17) : rng.int(600));
}

function fuzzInput(rng: Rng, seeds: readonly Buffer[]): Buffer {
  return rng.chance(0.25) ? randomBytes(rng) : mutate(rng, rng.pick(seeds));
}

const ALLOWED = [TlvError, ApduFormatError, CardError, RangeError] as const;
const isAllowed = (err: unknown): boolean => ALLOWED.some((cls) => err instanceof cls);

/** Collects the first few violations so a failure shows the inputs that caused it. */
class Findings {
  readonly items: string[] = [];
  count = 0;
  /** Inputs the target returned for and threw a codec error for: a fuzzer needs plenty of both. */
  accepted = 0;
  rejected = 0;
  add(target: string, iteration: number, input: Uint8Array, problem: unknown): void {
    this.count++;
    if (this.items.length >= 5) return;
    const where = problem instanceof Error ? (problem.stack ?? '').split('\n').slice(1, 4).join('\n') : '';
    const detail = problem instanceof Error ? `${problem.name}: ${problem.message}\n${where}` : String(problem);
    let hex = Buffer.from(input).toString('hex');
    if (hex.length > 240) hex = `${hex.slice(0, 240)}… (${input.length} bytes)`;
    this.items.push(`${target} #${iteration} input=${hex}\n${detail}`);
  }
}

/** Runs `iterations` inputs through `target`; `check` asserts properties of successful results. */
function fuzz<T>(
  name: string,
  seed: number,
  iterations: number,
  makeInput: (rng: Rng) => Buffer,
  target: (input: Buffer, rng: Rng) => T,
  check: (result: T, input: Buffer) => string | undefined = () => undefined,
): Findings {
  const rng = new Rng(seed);
  const findings = new Findings();
  for (let i = 0; i < iterations; i++) {
    const input = makeInput(rng);
    let result: T;
    try {
      result = target(input, rng);
    } catch (err) {
      if (isAllowed(err)) findings.rejected++;
      else findings.add(name, i, input, err);
      continue;
    }
    findings.accepted++;
    const problem = check(result, input);
    if (problem !== undefined) findings.add(name, i, input, problem);
  }
  return findings;
}

const report = (f: Findings): string => `${f.count} violations; first ones:\n\n${f.items.join('\n\n')}`;

function expectClean(f: Findings, options: { rejects: boolean } = { rejects: true }): void {
  expect(f.count, report(f)).toBe(0);
  // A fuzzer whose inputs all fail the first check (or all pass it) explores almost nothing.
  expect(f.accepted, 'no input was accepted').toBeGreaterThan(0);
  if (options.rejects) expect(f.rejected, 'no input was rejected').toBeGreaterThan(0);
}

const ITERATIONS = {
  decodeTlvs: 60_000,
  readTlv: 20_000,
  parseCommand: 30_000,
  parseResponse: 10_000,
  parseAtr: 20_000,
  parseChuid: 20_000,
  parseCertificateObject: 20_000,
  parsePublicKeyTemplate: 15_000,
  channelSend: 10_000,
} as const;

let tlvSeeds: Buffer[];
let commandSeeds: Buffer[];
let atrSeeds: Buffer[];
let chuidSeeds: Buffer[];
let certSeeds: Buffer[];
let rsaTemplate: Buffer;
let ecTemplate: Buffer;

beforeAll(() => {
  const seedRng = new Rng(0x5eed);
  const fakeDer = Buffer.concat([fromHex('30 82 01 8c'), seedRng.bytes(396)]);
  certSeeds = [
    encodeCertificateObject(fakeDer),
    encodeCertificateObject(fakeDer.subarray(0, 100)),
    tlv(0x53, tlv(0x70, fakeDer), tlv(0x71, fromHex('01')), tlv(0xfe)),
    fromHex('53 00'),
  ];
  chuidSeeds = [
    encodeChuid(seedRng.bytes(16)),
    encodeChuid(seedRng.bytes(16), '20301231'),
    tlv(0x53, tlv(0x34, seedRng.bytes(16))),
  ];
  rsaTemplate = encodePublicKeyTemplate(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
  ecTemplate = encodePublicKeyTemplate(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  tlvSeeds = [
    ...certSeeds,
    ...chuidSeeds,
    rsaTemplate,
    ecTemplate,
    tlv(0x53, Buffer.alloc(127, 0xaa)),
    tlv(0x53, Buffer.alloc(128, 0xbb)),
    tlv(0x5fc105, Buffer.alloc(256, 0xcc)),
    tlv(0x7c, tlv(0x82), tlv(0x81, seedRng.bytes(32))),
    fromHex('5c 03 5f c1 05'),
    fromHex('ac 03 80 01 07'),
    fromHex('7e 12 4f 0b a0 00 00 03 08 00 00 10 00 01 00 5f 2f 02 40 00'),
  ];
  const h = { cla: 0x00, ins: 0xdb, p1: 0x3f, p2: 0xff };
  commandSeeds = [
    encodeCommand({ ...h }),
    encodeCommand({ ...h, ne: 256 }),
    encodeCommand({ ...h, data: fromHex('5c035fc105') }),
    encodeCommand({ ...h, data: fromHex('5c035fc105'), ne: 256 }),
    encodeCommand({ ...h, ne: 65536 }),
    encodeCommand({ ...h, data: seedRng.bytes(300) }),
    encodeCommand({ ...h, data: seedRng.bytes(300), ne: 65536 }),
    encodeCommand({ ...h, data: seedRng.bytes(3), ne: 7 }, { extended: true }),
    fromHex('00 20 00 80 00'),
    fromHex('00 a4 04 00 05 a0 00 00 03 08'),
  ];
  atrSeeds = [
    fromHex('3B 95 13 81 01 80 73 FF 01 00 0B'),
    fromHex('3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40'),
    fromHex('3B 08 00 73 00 00 40 00 90 00'),
    fromHex('3B 8C 80 01 80 31 C0 73 C0 21 C0 56 50 43 44 44'),
  ];
});

describe('codec fuzzing: only codec errors, never a crash', () => {
  it(`decodeTlvs (${ITERATIONS.decodeTlvs} inputs)`, () => {
    const findings = fuzz(
      'decodeTlvs',
      0xc0ffee01,
      ITERATIONS.decodeTlvs,
      (rng) => fuzzInput(rng, tlvSeeds),
      (input) => decodeTlvs(input),
      (items: Tlv[], input) => {
        // Re-encoding canonically can only shrink the bytes and must decode to the same items.
        const canonical = Buffer.concat(items.map((i) => tlv(i.tag, i.value)));
        if (canonical.length > input.length) return 'canonical re-encoding is longer than the input';
        const again = decodeTlvs(canonical);
        if (again.length !== items.length || again.some((t, k) => t.tag !== items[k]!.tag || !t.value.equals(items[k]!.value))) {
          return 'canonical re-encoding decodes differently';
        }
        return undefined;
      },
    );
    expectClean(findings);
  });

  it(`readTlv at random offsets (${ITERATIONS.readTlv} inputs)`, () => {
    const findings = fuzz(
      'readTlv',
      0xc0ffee02,
      ITERATIONS.readTlv,
      (rng) => fuzzInput(rng, tlvSeeds),
      (input, rng) => readTlv(input, rng.int(input.length + 2)),
      (result, input) => (result.next > input.length ? `next ${result.next} is past the end` : undefined),
    );
    expectClean(findings);
  });

  it(`parseCommand (${ITERATIONS.parseCommand} inputs)`, () => {
    const findings = fuzz(
      'parseCommand',
      0xc0ffee03,
      ITERATIONS.parseCommand,
      (rng) => fuzzInput(rng, commandSeeds),
      (input) => parseCommand(input),
      (parsed, input) => {
        // Every accepted command has exactly one encoding, so encoding it again gives the input back.
        const again = encodeCommand(parsed, { extended: parsed.extended });
        return again.equals(input) ? undefined : `re-encodes as ${again.toString('hex')}`;
      },
    );
    expectClean(findings);
  });

  it(`parseResponse (${ITERATIONS.parseResponse} inputs)`, () => {
    const findings = fuzz(
      'parseResponse',
      0xc0ffee04,
      ITERATIONS.parseResponse,
      (rng) => (rng.chance(0.5) ? randomBytes(rng) : mutate(rng, fromHex('0102039000'))),
      (input) => parseResponse(input),
      (resp, input) => (encodeResponse(resp.data, resp.sw).equals(input) ? undefined : 'does not re-encode to the input'),
    );
    expectClean(findings);
  });

  it(`parseAtr never throws (${ITERATIONS.parseAtr} inputs)`, () => {
    let extended = 0;
    const findings = fuzz(
      'parseAtr',
      0xc0ffee05,
      ITERATIONS.parseAtr,
      (rng) => fuzzInput(rng, atrSeeds),
      (input) => parseAtr(input),
      (info) => {
        if (info.extendedLength) extended++;
        return typeof info.extendedLength !== 'boolean' || info.historical.length > 15 ? 'impossible ATR information' : undefined;
      },
    );
    expectClean(findings, { rejects: false });
    // Garbage means "no extended length", not an exception.
    expect(findings.rejected).toBe(0);
    expect(extended).toBeGreaterThan(0);
    expect(extended).toBeLessThan(ITERATIONS.parseAtr);
  });

  it(`parseChuid (${ITERATIONS.parseChuid} inputs)`, () => {
    const findings = fuzz(
      'parseChuid',
      0xc0ffee06,
      ITERATIONS.parseChuid,
      (rng) => fuzzInput(rng, chuidSeeds),
      (input) => parseChuid(input),
      (chuid) => (chuid.guid.length === 16 ? undefined : `GUID of ${chuid.guid.length} bytes`),
    );
    expectClean(findings);
  });

  it(`parseCertificateObject (${ITERATIONS.parseCertificateObject} inputs)`, () => {
    const findings = fuzz(
      'parseCertificateObject',
      0xc0ffee07,
      ITERATIONS.parseCertificateObject,
      (rng) => fuzzInput(rng, certSeeds),
      (input) => parseCertificateObject(input),
      (der) => (der.length > 0 ? undefined : 'empty certificate returned'),
    );
    expectClean(findings);
  });

  it(`parsePublicKeyTemplate (${ITERATIONS.parsePublicKeyTemplate} inputs)`, () => {
    const algs = [ALG.RSA2048, ALG.ECC_P256, ALG.ECC_P384, 0x00, 0xff];
    const findings = fuzz(
      'parsePublicKeyTemplate',
      0xc0ffee08,
      ITERATIONS.parsePublicKeyTemplate,
      (rng) => fuzzInput(rng, [rsaTemplate, ecTemplate]),
      (input, rng) => parsePublicKeyTemplate(rng.pick(algs), input),
      (key) => (key.type === 'public' ? undefined : `returned a ${key.type} key`),
    );
    expectClean(findings);
  });
});

describe('ApduChannel fuzzing: a card answering at random', () => {
  const STATUS = [0x9000, 0x6100, 0x6c00, 0x63c2, 0x6983, 0x6a82, 0x6982];

  function randomResponse(rng: Rng): Buffer {
    const kind = rng.int(10);
    if (kind === 0) return rng.bytes(rng.int(3));
    if (kind === 1) return randomBytes(rng);
    const data = rng.bytes(rng.chance(0.8) ? rng.int(65) : rng.int(600));
    let sw: number;
    switch (rng.int(4)) {
      case 0:
        sw = 0x6100 | rng.int(256);
        break;
      case 1:
        sw = 0x6c00 | rng.int(256);
        break;
      case 2:
        sw = rng.pick(STATUS);
        break;
      default:
        sw = rng.int(0x10000);
    }
    return encodeResponse(data, sw);
  }

  function randomCommand(rng: Rng): CommandApdu {
    const length = rng.pick([0, 1, 255, 256, 600, rng.int(300), rng.int(1200)]);
    const ne = rng.pick([0, 1, 256, 257, 65536, 65537, rng.int(257), rng.int(70_000)]);
    return { cla: rng.int(256), ins: rng.int(256), p1: rng.int(256), p2: rng.int(256), data: rng.bytes(length), ne };
  }

  it(`send (${ITERATIONS.channelSend} commands)`, async () => {
    const rng = new Rng(0xc0ffee09);
    const findings = new Findings();
    for (let i = 0; i < ITERATIONS.channelSend; i++) {
      const cmd = randomCommand(rng);
      const sensitive = rng.chance(0.5);
      // Commands sent right after a 61xx answer are GET RESPONSEs: they carry no secret.
      const afterMoreData: boolean[] = [];
      let lastSw = 0;
      const card = new ScriptedTransport((_command, index) => {
        if (index >= 10_000) throw new Error('the channel kept exchanging APDUs: 10000 for one command');
        afterMoreData.push((lastSw & 0xff00) === 0x6100);
        const raw = randomResponse(rng);
        lastSw = raw.length >= 2 ? raw.readUInt16BE(raw.length - 2) : 0;
        return raw;
      });
      const channel = new ApduChannel(card, { extendedLength: rng.chance(0.3) });
      try {
        const resp = await channel.send(cmd, { sensitive });
        findings.accepted++;
        if (!Number.isInteger(resp.sw) || resp.sw < 0 || resp.sw > 0xffff) findings.add('send', i, cmd.data!, `SW ${resp.sw}`);
      } catch (err) {
        if (isAllowed(err)) findings.rejected++;
        else findings.add('send', i, cmd.data!, err);
      }
      if (channel.transmitted !== card.commands.length) {
        findings.add('send', i, cmd.data!, `transmitted ${channel.transmitted} but the card saw ${card.commands.length}`);
      }
      if (sensitive) {
        card.received.forEach((buffer, k) => {
          if (!afterMoreData[k] && buffer.some((b) => b !== 0)) findings.add('send', i, cmd.data!, `APDU #${k} was not wiped`);
        });
      }
    }
    expectClean(findings);
  });
});
