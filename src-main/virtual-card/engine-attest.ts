import { createPublicKey } from 'node:crypto';
import { attestationCertificate } from '../../src-shared/card/piv-attestation.js';
import { parseCertificateObject } from '../../src-shared/card/piv-objects.js';
import { TlvError } from '../../src-shared/card/tlv.js';
import type { AttestationKeyState } from '../../src-shared/card/virtual-card-state.js';
import { KEY_REF, OBJECT, slotForKeyRef, TOUCH_POLICY } from '../card/piv/piv-constants.js';
import { SW } from '../card/status-words.js';
import { reply, type EngineContext, type Handler } from './engine-context.js';
import { POLICY_BYTE } from './engine-metadata.js';

// Yubico ATTEST (`00 F9 <slot> 00`): a certificate for the key in <slot>, signed by the card's
// attestation key (F9), saying the card generated that key. Needs neither the PIN nor the
// management key: it discloses only a public key. Like a YubiKey, the card attests only keys it
// generated (an imported key: 6A80, since nobody can say where it was made), an empty slot is
// 6A88, and a card without an attestation key (a state file from before they had one) answers
// 6A81, as a card without the function.

export const ATTESTATION_KEY_SLOT = KEY_REF.ATTESTATION.toString(16);

export const attest: Handler = (ctx, cmd) => {
  if (cmd.p2 !== 0x00) return reply(SW.INCORRECT_P1P2);
  const slot = slotForKeyRef(cmd.p1);
  if (!slot) return reply(SW.INCORRECT_P1P2);
  const { attestation } = ctx.state;
  const signingKey = ctx.privateKey(ATTESTATION_KEY_SLOT);
  if (!attestation || !signingKey) return reply(SW.FUNCTION_NOT_SUPPORTED);
  const slotHex = slot.keyRef.toString(16);
  const stored = ctx.state.keys[slotHex];
  const privateKey = ctx.privateKey(slotHex);
  if (!stored || !privateKey) return reply(SW.REFERENCE_NOT_FOUND);
  if (stored.origin !== 'generated') return reply(SW.WRONG_DATA);
  return reply(
    SW.OK,
    attestationCertificate({
      signingKey,
      attestationCertificate: attestationKeyCertificate(ctx, attestation),
      slot: slot.keyRef,
      publicKey: createPublicKey(privateKey),
      serial: ctx.state.serial,
      version: ctx.state.version,
      policy: [POLICY_BYTE[slot.pinPolicy], TOUCH_POLICY.NEVER],
    }),
  );
};

/** The certificate GET DATA 5FFF01 answers: one written there, else the one made with the key. */
function attestationKeyCertificate(ctx: EngineContext, attestation: AttestationKeyState): Buffer {
  const written = ctx.state.objects[OBJECT.YUBICO_ATTESTATION.toString(16)];
  if (written !== undefined) {
    try {
      return parseCertificateObject(Buffer.from(written, 'hex'));
    } catch (err) {
      if (!(err instanceof TlvError)) throw err;
    }
  }
  return Buffer.from(attestation.certificate, 'base64');
}
