import { constants, createHash, generateKeyPairSync, privateDecrypt, sign, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { pkcs1v15Block, signatureInput } from '../../../src-main/card/piv/piv-signature-input.js';
import { ALG } from '../../../src-main/card/piv/piv-constants.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { fromHex } from '../../../src-main/card/bytes.js';

const sha256 = (m: Uint8Array): Buffer => createHash('sha256').update(m).digest();
const message = Buffer.from('Care Identity Management: sign in, clinician 4711', 'utf8');

describe('RSA-2048: EMSA-PKCS1-v1_5 block for the card', () => {
  it('is 00 01 FF..FF 00 DigestInfo(SHA-256) digest, 256 bytes', () => {
    const digest = sha256(message);
    const block = pkcs1v15Block(digest);
    expect(block.length).toBe(256);
    expect(block.subarray(0, 3)).toEqual(fromHex('00 01 ff'));
    // 256 - 3 framing bytes - 19 DigestInfo prefix bytes - 32 digest bytes = 202 bytes of padding.
    expect(block.subarray(2, 204).every((b) => b === 0xff)).toBe(true);
    expect(block[204]).toBe(0x00);
    expect(block.subarray(205, 224)).toEqual(fromHex('3031300d060960864801650304020105000420'));
    expect(block.subarray(224)).toEqual(digest);
  });

  it('is what signatureInput sends for RSA-2048', () => {
    expect(signatureInput(ALG.RSA2048, message)).toEqual(pkcs1v15Block(sha256(message)));
  });

  it('the raw private-key operation on it is a signature node:crypto verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const block = signatureInput(ALG.RSA2048, message);

    // What the card does: m^d mod n on the padded block, nothing more.
    const signature = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);

    expect(verify('sha256', message, publicKey, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('another message'), publicKey, signature)).toBe(false);
    // PKCS#1 v1.5 is deterministic, so the host-padded signature equals node's own.
    expect(signature).toEqual(sign('sha256', message, privateKey));
  });

  it('sizes the block to the modulus', () => {
    const block = pkcs1v15Block(sha256(message), 384);
    expect(block.length).toBe(384);
    expect(block.subarray(-32)).toEqual(sha256(message));
  });

  it.each([0, 20, 31, 33, 64])('refuses a %i-byte digest', (length) => {
    expect(() => pkcs1v15Block(Buffer.alloc(length))).toThrow(RangeError);
  });
});

describe('P-256: the card signs the SHA-256 digest', () => {
  it('signatureInput is the bare 32-byte digest', () => {
    const input = signatureInput(ALG.ECC_P256, message);
    expect(input).toEqual(sha256(message));
    expect(input.length).toBe(32);
  });

  it('an ECDSA signature over that input, computed without hashing again, verifies as SHA-256 ECDSA', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const input = signatureInput(ALG.ECC_P256, message);

    const der = p256.sign(input, d, { prehash: false, format: 'der' });

    expect(verify('sha256', message, publicKey, der)).toBe(true);
  });
});

describe('unsupported algorithms', () => {
  it.each([
    ['RSA-1024', ALG.RSA1024],
    ['RSA-3072', ALG.RSA3072],
    ['P-384', ALG.ECC_P384],
    ['a symmetric algorithm', ALG.AES128],
  ])('%s is refused with a wrong-data CardError', (_name, alg) => {
    expect(() => signatureInput(alg, message)).toThrow(CardError);
    expect(() => signatureInput(alg, message)).toThrow(expect.objectContaining({ code: 'wrong-data' }));
  });
});
