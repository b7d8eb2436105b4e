import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeSingleTlv, decodeTlvs, requireTlv, tlv } from '../../../src-shared/card/tlv.js';
import { ALG } from './piv-constants.js';
import { CardError } from '../card-error.js';

// The public key a card returns from GENERATE ASYMMETRIC KEY PAIR: `7F49 { 81 n, 82 e }` for
// RSA, `7F49 { 86 04||X||Y }` for EC.

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export function parsePublicKeyTemplate(alg: number, template: Uint8Array): KeyObject {
  try {
    const inner = decodeTlvs(decodeSingleTlv(template, 0x7f49).value);
    if (alg === ALG.RSA2048) {
      const n = requireTlv(inner, 0x81, 'RSA public key');
      const e = requireTlv(inner, 0x82, 'RSA public key');
      // A 2048-bit modulus has its top bit set; the exponent is odd and greater than 1 (RFC 8017 §3.1).
      if (n.length !== 256 || ((n[0] as number) & 0x80) === 0) throw new Error('not a 2048-bit modulus');
      const exponent = e.reduce((acc, b) => acc * 256n + BigInt(b), 0n);
      if (e.length === 0 || e.length > 8 || exponent < 3n || exponent % 2n === 0n) throw new Error('bad RSA public exponent');
      return createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
    }
    if (alg === ALG.ECC_P256) {
      const point = requireTlv(inner, 0x86, 'EC public key');
      if (point.length !== 65 || point[0] !== 0x04) throw new Error('P-256 point is not 65 uncompressed bytes');
      return createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) },
        format: 'jwk',
      });
    }
  } catch (err) {
    throw new CardError('malformed-response', 'The card returned a public key that cannot be read.', { cause: err });
  }
  throw new CardError('wrong-data', `Unsupported key algorithm 0x${alg.toString(16)}.`);
}

export function encodePublicKeyTemplate(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA' && jwk.n && jwk.e) {
    return tlv(0x7f49, tlv(0x81, Buffer.from(jwk.n, 'base64url')), tlv(0x82, Buffer.from(jwk.e, 'base64url')));
  }
  if (jwk.kty === 'EC' && jwk.x && jwk.y) {
    return tlv(0x7f49, tlv(0x86, Buffer.from([0x04]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')));
  }
  throw new Error('unsupported public key type');
}

export function algorithmOfPublicKey(key: KeyObject): typeof ALG.RSA2048 | typeof ALG.ECC_P256 {
  if (key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === 2048) return ALG.RSA2048;
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return ALG.ECC_P256;
  throw new CardError('wrong-data', 'The certificate key is neither RSA-2048 nor P-256.');
}
