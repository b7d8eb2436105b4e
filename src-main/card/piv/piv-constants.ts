// PIV (NIST SP 800-73-4) identifiers used by both the card edge and the virtual card.

export const PIV_AID = Buffer.from('a000000308000010000100', 'hex');
/** The RID part of the AID: the shortest prefix clients select with (yubico-piv-tool). */
export const PIV_RID_LENGTH = 5;

export const INS = {
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GENERATE_ASYMMETRIC: 0x47,
  GENERAL_AUTHENTICATE: 0x87,
  SELECT: 0xa4,
  GET_RESPONSE: 0xc0,
  GET_DATA: 0xcb,
  PUT_DATA: 0xdb,
  // Yubico extensions.
  GET_METADATA: 0xf7,
  GET_SERIAL: 0xf8,
  ATTEST: 0xf9,
  SET_PIN_RETRIES: 0xfa,
  RESET: 0xfb,
  GET_VERSION: 0xfd,
  SET_MGMKEY: 0xff,
} as const;

export const KEY_REF = { PIN: 0x80, PUK: 0x81, MANAGEMENT: 0x9b, ATTESTATION: 0xf9 } as const;

export const OBJECT = {
  CHUID: 0x5fc102,
  CCC: 0x5fc107,
  CERT_9A: 0x5fc105,
  CERT_9C: 0x5fc10a,
  CERT_9D: 0x5fc10b,
  CERT_9E: 0x5fc101,
  SECURITY_OBJECT: 0x5fc106,
  PRINTED_INFO: 0x5fc109,
  KEY_HISTORY: 0x5fc10c,
  DISCOVERY: 0x7e,
  YUBICO_ADMIN: 0x5fff00,
  /** Yubico: the attestation key's (F9) certificate. */
  YUBICO_ATTESTATION: 0x5fff01,
} as const;

/** Objects a card only returns after the PIN (SP 800-73-4 access rules). */
export const PIN_PROTECTED_OBJECTS: ReadonlySet<number> = new Set([0x5fc103, 0x5fc108, 0x5fc109, 0x5fc121]);

/** A key slot carries its key reference and the object holding its certificate. */
export interface Slot {
  readonly name: string;
  readonly keyRef: number;
  readonly certificateObject: number;
  readonly pinPolicy: 'once' | 'always' | 'never';
}

export const SLOT = {
  AUTHENTICATION: { name: '9A authentication', keyRef: 0x9a, certificateObject: OBJECT.CERT_9A, pinPolicy: 'once' },
  SIGNATURE: { name: '9C digital signature', keyRef: 0x9c, certificateObject: OBJECT.CERT_9C, pinPolicy: 'always' },
  KEY_MANAGEMENT: { name: '9D key management', keyRef: 0x9d, certificateObject: OBJECT.CERT_9D, pinPolicy: 'once' },
  CARD_AUTHENTICATION: { name: '9E card authentication', keyRef: 0x9e, certificateObject: OBJECT.CERT_9E, pinPolicy: 'never' },
} as const satisfies Record<string, Slot>;

const SLOTS: readonly Slot[] = Object.values(SLOT);

export function slotForKeyRef(keyRef: number): Slot | undefined {
  if (keyRef >= 0x82 && keyRef <= 0x95) {
    // Retired key management slots 82..95 map to objects 5FC10D..5FC120.
    return { name: `${keyRef.toString(16)} retired`, keyRef, certificateObject: 0x5fc10d + (keyRef - 0x82), pinPolicy: 'once' };
  }
  return SLOTS.find((s) => s.keyRef === keyRef);
}

/** Algorithm identifiers (SP 800-78-4, and Yubico's AES management key ids). */
export const ALG = {
  TDES: 0x03,
  RSA1024: 0x06,
  RSA2048: 0x07,
  RSA3072: 0x05,
  AES128: 0x08,
  AES192: 0x0a,
  AES256: 0x0c,
  ECC_P256: 0x11,
  ECC_P384: 0x14,
} as const;

export type AsymmetricAlg = typeof ALG.RSA2048 | typeof ALG.ECC_P256;
export type SymmetricAlg = typeof ALG.TDES | typeof ALG.AES128 | typeof ALG.AES192 | typeof ALG.AES256;

export function symmetricParams(alg: number): { cipher: string; keyLength: number; blockSize: number } | undefined {
  switch (alg) {
    case ALG.TDES:
      return { cipher: 'des-ede3-ecb', keyLength: 24, blockSize: 8 };
    case ALG.AES128:
      return { cipher: 'aes-128-ecb', keyLength: 16, blockSize: 16 };
    case ALG.AES192:
      return { cipher: 'aes-192-ecb', keyLength: 24, blockSize: 16 };
    case ALG.AES256:
      return { cipher: 'aes-256-ecb', keyLength: 32, blockSize: 16 };
    default:
      return undefined;
  }
}

/** Yubico GET METADATA (INS F7, P2 = key reference): the tags of its answer. */
export const METADATA_TAG = {
  ALGORITHM: 0x01,
  /** Two bytes: PIN policy, touch policy. */
  POLICY: 0x02,
  ORIGIN: 0x03,
  /** The public key as the inside of GENERATE's 7F49 template (81/82 for RSA, 86 for EC). */
  PUBLIC_KEY: 0x04,
  DEFAULT_VALUE: 0x05,
  /** Two bytes: total tries, tries left. */
  RETRIES: 0x06,
} as const;

export const METADATA_ORIGIN = { GENERATED: 0x01, IMPORTED: 0x02 } as const;

/** Yubico's policy bytes (tag 02): PIN policy first, touch policy second. */
export const PIN_POLICY = { DEFAULT: 0x00, NEVER: 0x01, ONCE: 0x02, ALWAYS: 0x03 } as const;
export const TOUCH_POLICY = { DEFAULT: 0x00, NEVER: 0x01, ALWAYS: 0x02, CACHED: 0x03 } as const;

/** The algorithm byte GET METADATA reports for the PIN and PUK. */
export const METADATA_ALG_PIN = 0xff;

/** Yubico factory default management key (3DES). */
export const DEFAULT_MANAGEMENT_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');
