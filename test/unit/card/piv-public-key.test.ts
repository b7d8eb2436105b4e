import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  algorithmOfPublicKey,
  encodePublicKeyTemplate,
  parsePublicKeyTemplate,
} from '../../../src-main/card/piv/piv-public-key.js';
import { ALG } from '../../../src-main/card/piv/piv-constants.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { tlv, TlvError } from '../../../src-shared/card/tlv.js';
import { fromHex } from '../../../src-main/card/bytes.js';

const spki = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' });

function expectMalformed(alg: number, template: Uint8Array): CardError {
  let caught: unknown;
  try {
    parsePublicKeyTemplate(alg, template);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CardError);
  expect(caught).toMatchObject({ code: 'malformed-response' });
  return caught as CardError;
}

let rsa: KeyObject;
let ec: KeyObject;
let rsaModulus: Buffer;
let ecPoint: Buffer;

beforeAll(() => {
  rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const rsaJwk = rsa.export({ format: 'jwk' });
  const ecJwk = ec.export({ format: 'jwk' });
  rsaModulus = Buffer.from(rsaJwk.n!, 'base64url');
  ecPoint = Buffer.concat([fromHex('04'), Buffer.from(ecJwk.x!, 'base64url'), Buffer.from(ecJwk.y!, 'base64url')]);
});

describe('RSA-2048 public key template', () => {
  it('encodes as 7F49 82 0109 { 81 820100 n, 82 03 010001 }', () => {
    const template = encodePublicKeyTemplate(rsa);
    expect(template.length).toBe(5 + 265);
    expect(template.subarray(0, 9)).toEqual(fromHex('7f 49 82 01 09 81 82 01 00'));
    expect(template.subarray(9, 265)).toEqual(rsaModulus);
    expect(template.subarray(265)).toEqual(fromHex('82 03 01 00 01'));
  });

  it('round trips to an equal KeyObject', () => {
    const parsed = parsePublicKeyTemplate(ALG.RSA2048, encodePublicKeyTemplate(rsa));
    expect(parsed.equals(rsa)).toBe(true);
    expect(spki(parsed)).toEqual(spki(rsa));
    expect(algorithmOfPublicKey(parsed)).toBe(ALG.RSA2048);
  });

  it('accepts the elements in either order', () => {
    const template = tlv(0x7f49, tlv(0x82, fromHex('010001')), tlv(0x81, rsaModulus));
    expect(parsePublicKeyTemplate(ALG.RSA2048, template).equals(rsa)).toBe(true);
  });
});

describe('P-256 public key template', () => {
  it('encodes as 7F49 43 { 86 41 04 X Y }', () => {
    const template = encodePublicKeyTemplate(ec);
    expect(template.length).toBe(3 + 2 + 65);
    expect(template.subarray(0, 5)).toEqual(fromHex('7f 49 43 86 41'));
    expect(template.subarray(5)).toEqual(ecPoint);
  });

  it('round trips to an equal KeyObject', () => {
    const parsed = parsePublicKeyTemplate(ALG.ECC_P256, encodePublicKeyTemplate(ec));
    expect(parsed.equals(ec)).toBe(true);
    expect(spki(parsed)).toEqual(spki(ec));
    expect(algorithmOfPublicKey(parsed)).toBe(ALG.ECC_P256);
  });
});

describe('malformed templates are malformed-response CardErrors', () => {
  const rsaTemplate = (): Buffer => encodePublicKeyTemplate(rsa);
  const ecTemplate = (): Buffer => encodePublicKeyTemplate(ec);

  it.each<[string, number, () => Uint8Array]>([
    ['an empty response', ALG.RSA2048, () => Buffer.alloc(0)],
    ['a truncated RSA template', ALG.RSA2048, () => rsaTemplate().subarray(0, 200)],
    ['an RSA template with trailing bytes', ALG.RSA2048, () => Buffer.concat([rsaTemplate(), fromHex('9000')])],
    ['the wrong outer tag 7F48', ALG.RSA2048, () => tlv(0x7f48, tlv(0x81, rsaModulus), tlv(0x82, fromHex('010001')))],
    ['no modulus', ALG.RSA2048, () => tlv(0x7f49, tlv(0x82, fromHex('010001')))],
    ['no exponent', ALG.RSA2048, () => tlv(0x7f49, tlv(0x81, rsaModulus))],
    ['a 255-byte modulus', ALG.RSA2048, () => tlv(0x7f49, tlv(0x81, rsaModulus.subarray(1)), tlv(0x82, fromHex('010001')))],
    ['a 257-byte modulus', ALG.RSA2048, () => tlv(0x7f49, tlv(0x81, fromHex('00'), rsaModulus), tlv(0x82, fromHex('010001')))],
    ['an EC template where RSA was generated', ALG.RSA2048, ecTemplate],
    ['an RSA template where P-256 was generated', ALG.ECC_P256, rsaTemplate],
    ['a 64-byte point', ALG.ECC_P256, () => tlv(0x7f49, tlv(0x86, ecPoint.subarray(0, 64)))],
    ['a compressed point', ALG.ECC_P256, () => tlv(0x7f49, tlv(0x86, fromHex('02'), ecPoint.subarray(1, 33)))],
    ['a point with prefix 05', ALG.ECC_P256, () => tlv(0x7f49, tlv(0x86, fromHex('05'), ecPoint.subarray(1)))],
    ['a point not on the curve', ALG.ECC_P256, () => tlv(0x7f49, tlv(0x86, fromHex('04'), Buffer.alloc(32, 1), Buffer.alloc(32, 2)))],
  ])('%s', (_what, alg, template) => {
    const err = expectMalformed(alg, template());
    expect(err.message).toBe('The card returned a public key that cannot be read.');
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('keeps the TLV error as the cause', () => {
    const err = expectMalformed(ALG.ECC_P256, fromHex('7f 49 05 86 41 04'));
    expect(err.cause).toBeInstanceOf(TlvError);
  });

  // A template that decodes but holds no usable RSA-2048 key must not come back as one: the
  // product would store it as the card's key and only fail much later, at verification.
  it.each<[string, () => Uint8Array]>([
    ['an empty exponent (82 00)', () => tlv(0x7f49, tlv(0x81, rsaModulus), tlv(0x82))],
    ['a zero exponent (82 01 00)', () => tlv(0x7f49, tlv(0x81, rsaModulus), tlv(0x82, fromHex('00')))],
    ['an exponent of 1 (82 01 01)', () => tlv(0x7f49, tlv(0x81, rsaModulus), tlv(0x82, fromHex('01')))],
    [
      'a 256-byte modulus whose top byte is zero (not a 2048-bit key)',
      () => tlv(0x7f49, tlv(0x81, fromHex('00'), rsaModulus.subarray(1)), tlv(0x82, fromHex('010001'))),
    ],
  ])('RSA template with %s is malformed', (_what, template) => {
    expectMalformed(ALG.RSA2048, template());
  });
});

describe('algorithms outside RSA-2048 and P-256', () => {
  it('parsing a well-formed template for another algorithm is a wrong-data CardError', () => {
    expect(() => parsePublicKeyTemplate(ALG.RSA3072, encodePublicKeyTemplate(rsa))).toThrow(
      expect.objectContaining({ code: 'wrong-data' }),
    );
    expect(() => parsePublicKeyTemplate(ALG.ECC_P384, encodePublicKeyTemplate(ec))).toThrow(
      expect.objectContaining({ code: 'wrong-data' }),
    );
  });

  it.each<[string, () => KeyObject]>([
    ['RSA-1024', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey],
    ['Ed25519', () => generateKeyPairSync('ed25519').publicKey],
  ])('algorithmOfPublicKey refuses %s with wrong-data', (_name, key) => {
    expect(() => algorithmOfPublicKey(key())).toThrow(expect.objectContaining({ code: 'wrong-data' }));
  });

  it('encodePublicKeyTemplate refuses a key it cannot express', () => {
    expect(() => encodePublicKeyTemplate(generateKeyPairSync('ed25519').publicKey)).toThrow('unsupported public key type');
  });
});
