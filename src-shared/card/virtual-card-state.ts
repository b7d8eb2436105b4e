import { z } from 'zod';

// The persistent state of a virtual PIV card, as saved to its state file. One definition:
// the virtual card reads and writes it, the service's card factory writes it; neither imports
// the other. Hex strings are lower-case; private keys are PKCS#8 DER in base64.

const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lower-case hex');
const byte = z.number().int().min(0).max(255);

/** A PIN or PUK: only a salted digest of the 8-byte padded value is kept, never the value. */
export const ReferenceDataState = z.strictObject({
  salt: hex,
  digest: hex,
  triesLeft: z.number().int().min(0).max(15),
  maxTries: z.number().int().min(1).max(15),
});
export type ReferenceDataState = z.infer<typeof ReferenceDataState>;

export const ManagementKeyAlgorithm = z.enum(['3des', 'aes128', 'aes192', 'aes256']);
export type ManagementKeyAlgorithm = z.infer<typeof ManagementKeyAlgorithm>;

const MANAGEMENT_KEY_BYTES: Record<ManagementKeyAlgorithm, number> = { '3des': 24, aes128: 16, aes192: 24, aes256: 32 };

export const AsymmetricAlgorithm = z.enum(['rsa2048', 'p256']);
export type AsymmetricAlgorithm = z.infer<typeof AsymmetricAlgorithm>;

/** Slot key references as two hex digits: 9a, 9c, 9d, 9e, 82..95 (retired). */
const SlotRefKey = z.string().regex(/^(9a|9c|9d|9e|8[2-9a-f]|9[0-5])$/);
/** Data object tags as hex: 7e, 5fc1xx, 5fff00. */
export const ObjectTagKey = z.string().regex(/^(7e|5fc1[0-2][0-9a-f]|5fff0[0-9a-f])$/);

/** Yubico's key origin: made on the card by GENERATE, or brought in from outside. */
const KeyOrigin = z.enum(['generated', 'imported']);
export type KeyOrigin = z.infer<typeof KeyOrigin>;

const SlotKeyState = z.strictObject({
  algorithm: AsymmetricAlgorithm,
  pkcs8: z.string().base64(),
  /**
   * Set by GENERATE. Absent in state files written before it was recorded and for keys written
   * into a state by its maker (the card factory): both came from outside the card, 'imported'.
   */
  origin: KeyOrigin.optional(),
});

/**
 * The attestation key (Yubico slot F9) and its certificate (object 5FFF01, DER in base64): it
 * signs, on INS F9, a certificate saying a slot's key was generated on this card. Absent in
 * state files written before cards had one; such a card answers F9 as a card without attestation.
 */
export const AttestationKeyState = z.strictObject({
  algorithm: AsymmetricAlgorithm,
  pkcs8: z.string().base64(),
  certificate: z.string().base64(),
});
export type AttestationKeyState = z.infer<typeof AttestationKeyState>;

export const VirtualCardState = z.strictObject({
  format: z.literal('piv-virtual-card/1'),
  serial: z.number().int().min(0).max(0xffffffff),
  version: z.tuple([byte, byte, byte]),
  pin: ReferenceDataState,
  puk: ReferenceDataState,
  managementKey: z
    .strictObject({ algorithm: ManagementKeyAlgorithm, key: hex })
    .refine((k) => k.key.length === 2 * MANAGEMENT_KEY_BYTES[k.algorithm], { message: 'management key length does not fit its algorithm' }),
  keys: z.record(SlotRefKey, SlotKeyState),
  /** Each object exactly as stored by PUT DATA (the whole 53/7E TLV), keyed by tag. */
  objects: z.record(ObjectTagKey, hex),
  attestation: AttestationKeyState.optional(),
});
export type VirtualCardState = z.infer<typeof VirtualCardState>;
