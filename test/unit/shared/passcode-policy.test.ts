import { describe, expect, it } from 'vitest';
import {
  checkPasscode,
  PASSCODE_MAX_LENGTH,
  PASSCODE_MIN_LENGTH,
  type PasscodeProblem,
} from '../../../src-shared/domain/passcode-policy.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('passcode rule: 6 to 8 digits, digits only', () => {
  it('the rule bounds are 6 and 8', () => {
    expect([PASSCODE_MIN_LENGTH, PASSCODE_MAX_LENGTH]).toEqual([6, 8]);
  });

  it.each(['123456', '1234567', '12345678', '000000', '99999999'])('accepts %j', (passcode) => {
    expect(checkPasscode(passcode)).toEqual({ ok: true });
  });

  it.each<[string, PasscodeProblem, string]>([
    ['', 'empty', 'Enter your passcode.'],
    ['12345', 'too-short', 'Your passcode must be at least 6 digits.'],
    ['1', 'too-short', 'Your passcode must be at least 6 digits.'],
    ['123456789', 'too-long', 'Your passcode must be no more than 8 digits.'],
    ['12a456', 'not-digits', 'Your passcode must contain numbers only.'],
    ['１２３４５６', 'not-digits', 'Your passcode must contain numbers only.'],
    ['٠١٢٣٤٥', 'not-digits', 'Your passcode must contain numbers only.'],
    [' 123456', 'not-digits', 'Your passcode must contain numbers only.'],
    ['123456 ', 'not-digits', 'Your passcode must contain numbers only.'],
    ['12345\n', 'not-digits', 'Your passcode must contain numbers only.'],
    ['-123456', 'not-digits', 'Your passcode must contain numbers only.'],
  ])('refuses %j as %s', (passcode, problem, message) => {
    expect(checkPasscode(passcode)).toEqual({ ok: false, problem, message });
  });

  it('never echoes the passcode in its message', () => {
    for (const passcode of ['12345', '123456789', '12a456', '98765x']) {
      const { message } = checkPasscode(passcode);
      expect(message).toBeDefined();
      expect(message).not.toContain(passcode);
    }
  });
});

describe('passcode rule: 6 to 8 digits, digits only, applied to the bytes of a passcode', () => {
  it.each(['123456', '12345678'])('accepts the ASCII bytes of %j', (passcode) => {
    expect(checkPasscode(ascii(passcode))).toEqual({ ok: true });
    expect(checkPasscode(Buffer.from(passcode, 'ascii'))).toEqual({ ok: true });
  });

  it.each<[string, Uint8Array | number[], PasscodeProblem]>([
    ['no bytes', new Uint8Array(0), 'empty'],
    ['five digits', ascii('12345'), 'too-short'],
    ['nine digits', ascii('123456789'), 'too-long'],
    ['a letter', ascii('12a456'), 'not-digits'],
    // A PIV PIN block is padded with FF to 8 bytes; the padded block is not itself a passcode.
    ['a PIV-padded six-digit PIN', [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xff, 0xff], 'not-digits'],
    ['binary digit values 0..5 rather than ASCII', [0, 1, 2, 3, 4, 5], 'not-digits'],
    ['the UTF-8 bytes of full-width digits', Buffer.from('１２３４５６', 'utf8'), 'not-digits'],
  ])('refuses %s as %s', (_what, bytes, problem) => {
    expect(checkPasscode(bytes)).toMatchObject({ ok: false, problem });
  });
});
