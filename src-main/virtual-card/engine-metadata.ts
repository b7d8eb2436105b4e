import { createPublicKey, timingSafeEqual } from 'node:crypto';
import { digestReferenceData, padReferenceData } from '../../src-shared/card/reference-data.js';
import type { ReferenceDataState } from '../../src-shared/card/virtual-card-state.js';
import { decodeSingleTlv, tlv } from '../../src-shared/card/tlv.js';
import {
  ALG,
  DEFAULT_MANAGEMENT_KEY,
  KEY_REF,
  METADATA_ALG_PIN,
  METADATA_ORIGIN,
  METADATA_TAG,
  PIN_POLICY,
  slotForKeyRef,
  TOUCH_POLICY,
  type Slot,
} from '../card/piv/piv-constants.js';
import { encodePublicKeyTemplate } from '../card/piv/piv-public-key.js';
import { SW } from '../card/status-words.js';
import { FACTORY_PIN, FACTORY_PUK } from './blank-card.js';
import { managementAlgorithmId } from './engine-authenticate.js';
import { reply, type EngineContext, type Handler } from './engine-context.js';

// Yubico GET METADATA (`00 F7 00 <key reference>`), as YubiKey 5.3+ answers it: what a slot
// holds without the PIN, so a host can tell which key is on the card (after a renewal cut
// short, say) without reading or trusting the certificate beside it. Needs no authentication.

export const POLICY_BYTE: Record<Slot['pinPolicy'], number> = {
  once: PIN_POLICY.ONCE,
  always: PIN_POLICY.ALWAYS,
  never: PIN_POLICY.NEVER,
};

export const getMetadata: Handler = (ctx, cmd) => {
  if (cmd.p1 !== 0x00) return reply(SW.INCORRECT_P1P2);
  if (cmd.p2 === KEY_REF.PIN) return referenceMetadata(ctx.state.pin, FACTORY_PIN);
  if (cmd.p2 === KEY_REF.PUK) return referenceMetadata(ctx.state.puk, FACTORY_PUK);
  if (cmd.p2 === KEY_REF.MANAGEMENT) return managementMetadata(ctx);
  const slot = slotForKeyRef(cmd.p2);
  if (!slot) return reply(SW.INCORRECT_P1P2);
  return keyMetadata(ctx, slot);
};

function keyMetadata(ctx: EngineContext, slot: Slot): ReturnType<Handler> {
  const slotHex = slot.keyRef.toString(16);
  const stored = ctx.state.keys[slotHex];
  const privateKey = ctx.privateKey(slotHex);
  if (!stored || !privateKey) return reply(SW.REFERENCE_NOT_FOUND);
  // The card's own template minus its 7F49 wrapper, as a YubiKey sends it.
  const publicKey = decodeSingleTlv(encodePublicKeyTemplate(createPublicKey(privateKey)), 0x7f49).value;
  return reply(
    SW.OK,
    Buffer.concat([
      tlv(METADATA_TAG.ALGORITHM, Buffer.from([stored.algorithm === 'rsa2048' ? ALG.RSA2048 : ALG.ECC_P256])),
      tlv(METADATA_TAG.POLICY, Buffer.from([POLICY_BYTE[slot.pinPolicy], TOUCH_POLICY.NEVER])),
      tlv(METADATA_TAG.ORIGIN, Buffer.from([stored.origin === 'generated' ? METADATA_ORIGIN.GENERATED : METADATA_ORIGIN.IMPORTED])),
      tlv(METADATA_TAG.PUBLIC_KEY, publicKey),
    ]),
  );
}

function managementMetadata(ctx: EngineContext): ReturnType<Handler> {
  const { algorithm, key } = ctx.state.managementKey;
  const isDefault = algorithm === '3des' && key === DEFAULT_MANAGEMENT_KEY.toString('hex');
  return reply(
    SW.OK,
    Buffer.concat([
      tlv(METADATA_TAG.ALGORITHM, Buffer.from([managementAlgorithmId(algorithm)])),
      tlv(METADATA_TAG.POLICY, Buffer.from([PIN_POLICY.DEFAULT, TOUCH_POLICY.NEVER])),
      tlv(METADATA_TAG.DEFAULT_VALUE, Buffer.from([isDefault ? 1 : 0])),
    ]),
  );
}

function referenceMetadata(ref: ReferenceDataState, factoryValue: string): ReturnType<Handler> {
  return reply(
    SW.OK,
    Buffer.concat([
      tlv(METADATA_TAG.ALGORITHM, Buffer.from([METADATA_ALG_PIN])),
      tlv(METADATA_TAG.DEFAULT_VALUE, Buffer.from([holds(ref, factoryValue) ? 1 : 0])),
      tlv(METADATA_TAG.RETRIES, Buffer.from([ref.maxTries, ref.triesLeft])),
    ]),
  );
}

/** Whether the stored digest is that of the factory value (the card compares, as for VERIFY). */
function holds(ref: ReferenceDataState, value: string): boolean {
  const padded = padReferenceData(Buffer.from(value, 'ascii'));
  const digest = digestReferenceData(Buffer.from(ref.salt, 'hex'), padded);
  const expected = Buffer.from(ref.digest, 'hex');
  return digest.length === expected.length && timingSafeEqual(digest, expected);
}
