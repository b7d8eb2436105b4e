import { describe, expect, it } from 'vitest';
import {
  CardBlockedError,
  CardStatusError,
  errorForStatus,
  expectOk,
  SW,
  WrongPasscodeError,
} from '../../../src-main/card/status-words.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { ScriptedTransport } from './support/scripted-transport.js';
import type { CardErrorCode } from '../../../src-shared/card/card-error-codes.js';

const attempts = Array.from({ length: 16 }, (_, x) => x);
const swHex = (sw: number): string => sw.toString(16).padStart(4, '0').toUpperCase();
const attemptCases = attempts.map((x) => [swHex(0x63c0 + x), x] as const);

describe('63Cx: wrong passcode with x attempts left', () => {
  it.each(attemptCases)('%s -> WrongPasscodeError for the PIN', (_sw, x) => {
    const err = errorForStatus(0x63c0 + x, 'VERIFY');
    expect(err).toBeInstanceOf(WrongPasscodeError);
    expect(err).toBeInstanceOf(CardStatusError);
    expect(err).toBeInstanceOf(CardError);
    expect(err).toMatchObject({ code: 'wrong-passcode', sw: 0x63c0 + x, attemptsRemaining: x, reference: 'PIN' });
    expect(err.message).toContain('passcode');
    expect(err.message).not.toContain('PUK');
  });

  it('words the remaining attempts for the user: none locks the card, one is singular', () => {
    expect(errorForStatus(0x63c0, 'VERIFY').message).toBe('The passcode was wrong and the card is now locked.');
    expect(errorForStatus(0x63c1, 'VERIFY').message).toBe('The passcode was wrong: 1 attempt remaining.');
    expect(errorForStatus(0x63c2, 'VERIFY').message).toBe('The passcode was wrong: 2 attempts remaining.');
    expect(errorForStatus(0x63cf, 'VERIFY').message).toBe('The passcode was wrong: 15 attempts remaining.');
  });

  it.each(attemptCases)('%s with the PUK reference names the PUK, not the passcode', (_sw, x) => {
    const err = errorForStatus(0x63c0 + x, 'RESET RETRY COUNTER', 'PUK');
    expect(err).toBeInstanceOf(WrongPasscodeError);
    expect(err).toMatchObject({ code: 'wrong-passcode', attemptsRemaining: x, reference: 'PUK' });
    expect(err.message).toContain('PUK');
    expect(err.message).not.toContain('passcode');
  });
});

describe('6983: reference data blocked', () => {
  it('maps to CardBlockedError telling the user the card is locked', () => {
    const err = errorForStatus(0x6983, 'VERIFY');
    expect(err).toBeInstanceOf(CardBlockedError);
    expect(err).toMatchObject({ code: 'card-blocked', sw: 0x6983, reference: 'PIN' });
    expect(err.message).toBe('The smartcard is locked: too many wrong passcodes.');
  });

  it('names the PUK when the PUK is blocked', () => {
    const err = errorForStatus(SW.AUTH_BLOCKED, 'RESET RETRY COUNTER', 'PUK');
    expect(err).toBeInstanceOf(CardBlockedError);
    expect(err).toMatchObject({ code: 'card-blocked', reference: 'PUK' });
    expect(err.message).toBe("The card's PUK is blocked.");
  });
});

// The whole SIMPLE table of status-words.ts, written out so that a changed mapping shows here.
const simpleTable: ReadonlyArray<readonly [number, CardErrorCode]> = [
  [0x6700, 'wrong-length'],
  [0x6982, 'security-status-not-satisfied'],
  [0x6985, 'conditions-not-satisfied'],
  [0x6a80, 'wrong-data'],
  [0x6a81, 'instruction-not-supported'],
  [0x6a82, 'not-found'],
  [0x6a84, 'wrong-data'],
  [0x6a86, 'incorrect-parameters'],
  [0x6a88, 'reference-not-found'],
  [0x6d00, 'instruction-not-supported'],
  [0x6e00, 'class-not-supported'],
];

describe('other status words', () => {
  it.each(simpleTable.map(([sw, code]) => [swHex(sw), code, sw] as const))(
    '%s -> %s, with the context and the SW in the message',
    (label, code, sw) => {
      const err = errorForStatus(sw, 'GET DATA 5FC105');
      expect(err.constructor).toBe(CardStatusError);
      expect(err).toMatchObject({ code, sw });
      expect(err.message).toMatch(new RegExp(`^GET DATA 5FC105: .+ \\(${label}\\)$`));
    },
  );

  it.each([0x6f00, 0x6300, 0x6400, 0x6a87, 0x0001, 0x9000].map((sw) => [swHex(sw), sw] as const))(
    '%s (not in the table) -> unexpected-status',
    (label, sw) => {
      const err = errorForStatus(sw, 'SELECT');
      expect(err.constructor).toBe(CardStatusError);
      expect(err).toMatchObject({ code: 'unexpected-status', sw });
      expect(err.message).toBe(`SELECT: the card answered ${label}.`);
    },
  );
});

describe('expectOk', () => {
  it('returns the data of a 9000 response', () => {
    const data = Buffer.from([1, 2, 3]);
    expect(expectOk({ data, sw: 0x9000 }, 'GET DATA')).toBe(data);
  });

  it('throws the typed error otherwise, passing the reference through', () => {
    expect(() => expectOk({ data: Buffer.alloc(0), sw: 0x6a82 }, 'GET DATA')).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(() => expectOk({ data: Buffer.alloc(0), sw: 0x63c1 }, 'CHANGE REFERENCE DATA', 'PUK')).toThrow(
      expect.objectContaining({ code: 'wrong-passcode', reference: 'PUK', attemptsRemaining: 1 }),
    );
  });
});

describe('status errors never carry command or response data', () => {
  const pin = Buffer.from('73920518', 'ascii');
  const puk = Buffer.from('55443322', 'ascii');
  const secretHex = [pin, puk].map((b) => b.toString('hex'));
  const secretText = [pin, puk].map((b) => b.toString('ascii'));
  const statuses = [...new Set([...attempts.map((x) => 0x63c0 + x), ...Object.values(SW).filter((sw) => sw !== SW.OK), 0x6300])];

  it.each(statuses.map((sw) => [swHex(sw), sw] as const))('%s after RESET RETRY COUNTER with a PUK and a new PIN', async (_label, sw) => {
    // A card that echoes the command back as response data: nothing of it may reach the error.
    const transport = new ScriptedTransport((command) =>
      Buffer.concat([command.subarray(5), Buffer.from([sw >> 8, sw & 0xff])]),
    );
    const channel = new ApduChannel(transport);
    const resp = await channel.send({ cla: 0, ins: 0x2c, p1: 0, p2: 0x80, data: Buffer.concat([puk, pin]) }, { sensitive: true });
    expect(resp.data.length).toBe(16);

    let caught: unknown;
    try {
      expectOk(resp, 'RESET RETRY COUNTER', 'PUK');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CardStatusError);
    const err = caught as CardStatusError;
    const visible = [err.message, String(err), JSON.stringify(err), err.stack ?? ''].join('\n');
    for (const s of [...secretHex, ...secretText]) {
      expect(visible.toLowerCase()).not.toContain(s);
    }
  });
});
