import { KEY_REF, OBJECT, symmetricParams } from '../card/piv/piv-constants.js';
import { SW } from '../card/status-words.js';
import { blankCardState, FACTORY_PIN, FACTORY_PUK, referenceData } from './blank-card.js';
import { managementAlgorithmName } from './engine-authenticate.js';
import { reply, type Handler } from './engine-context.js';

// The Yubico PIV extensions that yubico-piv-tool needs before it will talk to a card.

const ATTESTATION_OBJECT = OBJECT.YUBICO_ATTESTATION.toString(16);

export const getVersion: Handler = (ctx) => reply(SW.OK, Buffer.from(ctx.state.version));

export const getSerial: Handler = (ctx) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(ctx.state.serial);
  return reply(SW.OK, out);
};

/** `00 FF FF FF|FE <len> <alg> 9B <keylen> <key>`: replace the management key. */
export const setManagementKey: Handler = (ctx, cmd) => {
  if (cmd.p1 !== 0xff || (cmd.p2 !== 0xff && cmd.p2 !== 0xfe)) return reply(SW.INCORRECT_P1P2);
  if (!ctx.volatile.managementAuthenticated) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
  const [alg, ref, length] = [cmd.data[0], cmd.data[1], cmd.data[2]];
  const name = alg === undefined ? undefined : managementAlgorithmName(alg);
  const params = alg === undefined ? undefined : symmetricParams(alg);
  if (!name || !params || ref !== KEY_REF.MANAGEMENT || length !== params.keyLength || cmd.data.length !== 3 + params.keyLength) {
    return reply(SW.WRONG_DATA);
  }
  ctx.state.managementKey = { algorithm: name, key: cmd.data.subarray(3).toString('hex') };
  ctx.persist();
  return reply(SW.OK);
};

/** `00 FA <pin tries> <puk tries>`: new counters; PIN and PUK go back to their defaults. */
export const setPinRetries: Handler = (ctx, cmd) => {
  if (!ctx.volatile.managementAuthenticated || !ctx.volatile.pinVerified) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
  if (cmd.p1 < 1 || cmd.p1 > 15 || cmd.p2 < 1 || cmd.p2 > 15) return reply(SW.INCORRECT_P1P2);
  ctx.state.pin = referenceData(FACTORY_PIN, cmd.p1);
  ctx.state.puk = referenceData(FACTORY_PUK, cmd.p2);
  ctx.persist();
  return reply(SW.OK);
};

/** `00 FB 00 00`: factory reset, allowed only once both PIN and PUK are blocked. */
export const resetCard: Handler = (ctx) => {
  if (ctx.state.pin.triesLeft !== 0 || ctx.state.puk.triesLeft !== 0) return reply(SW.CONDITIONS_NOT_SATISFIED);
  // Like a YubiKey's, the attestation key survives a reset: it belongs to the card, not its holder.
  const fresh = blankCardState(ctx.state.serial);
  if (ctx.state.attestation) fresh.attestation = ctx.state.attestation;
  else delete fresh.attestation;
  const attestationObject = ctx.state.objects[ATTESTATION_OBJECT];
  if (attestationObject !== undefined) fresh.objects[ATTESTATION_OBJECT] = attestationObject;
  for (const slot of Object.keys(ctx.state.keys)) ctx.forgetKey(slot);
  Object.assign(ctx.state, fresh);
  ctx.volatile.pinVerified = false;
  ctx.volatile.pinJustVerified = false;
  ctx.volatile.managementAuthenticated = false;
  ctx.persist();
  return reply(SW.OK);
};
