import type { KeyObject } from 'node:crypto';
import { CardError } from '../card-error.js';
import { decodeTlvs, requireTlv, tlv, TlvError } from '../../../src-shared/card/tlv.js';
import type { KeyOrigin } from '../../../src-shared/card/virtual-card-state.js';
import { ALG, METADATA_ORIGIN, METADATA_TAG, type AsymmetricAlg, type SymmetricAlg } from './piv-constants.js';
import { parsePublicKeyTemplate } from './piv-public-key.js';

// The answer to Yubico GET METADATA for an asymmetric slot: which key the slot holds, read
// without the passcode. The card edge only uses RSA-2048 and P-256 keys.

export interface KeyMetadata {
  readonly algorithm: AsymmetricAlg;
  readonly publicKey: KeyObject;
  /** Made on the card (GENERATE) or written into it from outside. */
  readonly origin: KeyOrigin;
}

export function parseKeyMetadata(data: Uint8Array): KeyMetadata {
  try {
    const items = decodeTlvs(data);
    const algorithm = single(requireTlv(items, METADATA_TAG.ALGORITHM, 'key metadata'));
    const origin = single(requireTlv(items, METADATA_TAG.ORIGIN, 'key metadata'));
    const publicKey = requireTlv(items, METADATA_TAG.PUBLIC_KEY, 'key metadata');
    if (algorithm !== ALG.RSA2048 && algorithm !== ALG.ECC_P256) {
      throw new CardError('wrong-data', 'The card holds a key of a type this workstation does not use.');
    }
    if (origin !== METADATA_ORIGIN.GENERATED && origin !== METADATA_ORIGIN.IMPORTED) throw new TlvError('unknown key origin');
    // YubiKeys send the inside of GENERATE's 7F49 template; a wrapped one is read the same.
    const template = publicKey[0] === 0x7f && publicKey[1] === 0x49 ? publicKey : tlv(0x7f49, publicKey);
    return {
      algorithm,
      publicKey: parsePublicKeyTemplate(algorithm, template),
      origin: origin === METADATA_ORIGIN.GENERATED ? 'generated' : 'imported',
    };
  } catch (err) {
    if (err instanceof TlvError) throw new CardError('malformed-response', `The card's key metadata could not be read: ${err.message}.`, { cause: err });
    throw err;
  }
}

/** A PIN's or PUK's tries, from GET METADATA on its reference (tag 06), read without using one. */
export interface ReferenceRetries {
  readonly total: number;
  readonly remaining: number;
}

export function parseReferenceRetries(data: Uint8Array): ReferenceRetries {
  try {
    const retries = requireTlv(decodeTlvs(data), METADATA_TAG.RETRIES, 'reference metadata');
    if (retries.length !== 2) throw new TlvError('the retries field is not two bytes');
    const total = retries[0] as number;
    const remaining = retries[1] as number;
    if (remaining > total) throw new TlvError('more tries left than in all');
    return { total, remaining };
  } catch (err) {
    if (err instanceof TlvError) throw new CardError('malformed-response', `The card's retry counter could not be read: ${err.message}.`, { cause: err });
    throw err;
  }
}

function single(value: Buffer): number {
  if (value.length !== 1) throw new TlvError('a one-byte metadata field is not one byte');
  return value[0] as number;
}

/** The management key (9B) as GET METADATA describes it: its algorithm, and whether it is the factory key. */
export interface ManagementKeyMetadata {
  readonly algorithm: SymmetricAlg;
  /** Tag 05: the card still holds its factory key; undefined when the card does not say. */
  readonly isDefault: boolean | undefined;
}

export function parseManagementKeyMetadata(data: Uint8Array): ManagementKeyMetadata {
  try {
    const items = decodeTlvs(data);
    const algorithm = single(requireTlv(items, METADATA_TAG.ALGORITHM, 'management key metadata'));
    if (algorithm !== ALG.TDES && algorithm !== ALG.AES128 && algorithm !== ALG.AES192 && algorithm !== ALG.AES256) {
      throw new TlvError('unknown management key algorithm');
    }
    const defaultValue = items.find((i) => i.tag === METADATA_TAG.DEFAULT_VALUE)?.value;
    return { algorithm, isDefault: defaultValue === undefined ? undefined : single(defaultValue) === 1 };
  } catch (err) {
    if (err instanceof TlvError) throw new CardError('malformed-response', `The card's management key metadata could not be read: ${err.message}.`, { cause: err });
    throw err;
  }
}
