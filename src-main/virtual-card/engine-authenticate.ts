import { constants, privateDecrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { ALG, KEY_REF, slotForKeyRef, symmetricParams } from '../card/piv/piv-constants.js';
import { ecb } from '../card/piv/piv-management-key.js';
import { SW } from '../card/status-words.js';
import { decodeSingleTlv, decodeTlvs, findTlv, tlv, TlvError, type Tlv } from '../../src-shared/card/tlv.js';
import { ManagementKeyAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import { reply, type EngineContext, type Handler, type Reply } from './engine-context.js';

// GENERAL AUTHENTICATE: management-key mutual and external authentication (9B), and the
// private-key operation of the asymmetric slots (raw RSA, ECDSA over a host-computed hash).

const MGM_ALG_IDS: Record<ManagementKeyAlgorithm, number> = {
  '3des': ALG.TDES,
  aes128: ALG.AES128,
  aes192: ALG.AES192,
  aes256: ALG.AES256,
};

export function managementAlgorithmId(name: ManagementKeyAlgorithm): number {
  return MGM_ALG_IDS[name];
}

export function managementAlgorithmName(id: number): ManagementKeyAlgorithm | undefined {
  return ManagementKeyAlgorithm.options.find((name) => MGM_ALG_IDS[name] === id);
}

export const generalAuthenticate: Handler = (ctx, cmd) => {
  let items: Tlv[];
  try {
    items = decodeTlvs(decodeSingleTlv(cmd.data, 0x7c).value);
  } catch (err) {
    if (err instanceof TlvError) return reply(SW.WRONG_DATA);
    throw err;
  }
  if (cmd.p2 === KEY_REF.MANAGEMENT) return managementKey(ctx, cmd.p1, items);
  return privateKeyOperation(ctx, cmd.p1, cmd.p2, items);
};

function managementKey(ctx: EngineContext, alg: number, items: Tlv[]): Reply {
  const { algorithm, key: keyHex } = ctx.state.managementKey;
  if (alg !== MGM_ALG_IDS[algorithm]) return reply(SW.INCORRECT_P1P2);
  const params = symmetricParams(alg);
  if (!params) return reply(SW.INCORRECT_P1P2);
  const key = Buffer.from(keyHex, 'hex');
  const witness = findTlv(items, 0x80);
  const challenge = findTlv(items, 0x81);
  const response = findTlv(items, 0x82);
  const v = ctx.volatile;
  v.managementAuthenticated = false;

  if (witness !== undefined && witness.length === 0 && challenge === undefined) {
    // Mutual, step 1: the card picks a witness and sends it encrypted.
    const w = randomBytes(params.blockSize);
    v.pendingWitness = { alg, witness: w };
    v.pendingChallenge = undefined;
    return reply(SW.OK, tlv(0x7c, tlv(0x80, ecb(alg, key, w, 'encrypt'))));
  }
  if (witness !== undefined && witness.length > 0 && challenge !== undefined && challenge.length > 0) {
    // Mutual, step 2: the host proves it decrypted the witness; the card answers the challenge.
    const pending = v.pendingWitness;
    v.pendingWitness = undefined;
    if (!pending || pending.alg !== alg || pending.witness.length !== witness.length || !timingSafeEqual(pending.witness, witness)) {
      return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
    }
    if (challenge.length !== params.blockSize) return reply(SW.WRONG_DATA);
    v.managementAuthenticated = true;
    return reply(SW.OK, tlv(0x7c, tlv(0x82, ecb(alg, key, challenge, 'encrypt'))));
  }
  if (challenge !== undefined && challenge.length === 0) {
    // External, step 1: the card sends a clear challenge.
    const c = randomBytes(params.blockSize);
    v.pendingChallenge = { alg, challenge: c };
    v.pendingWitness = undefined;
    return reply(SW.OK, tlv(0x7c, tlv(0x81, c)));
  }
  if (response !== undefined && response.length > 0) {
    // External, step 2: the host returns the encrypted challenge.
    const pending = v.pendingChallenge;
    v.pendingChallenge = undefined;
    if (!pending || pending.alg !== alg) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
    const expected = ecb(alg, key, pending.challenge, 'encrypt');
    if (expected.length !== response.length || !timingSafeEqual(expected, response)) {
      return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
    }
    v.managementAuthenticated = true;
    return reply(SW.OK);
  }
  return reply(SW.WRONG_DATA);
}

function privateKeyOperation(ctx: EngineContext, alg: number, keyRef: number, items: Tlv[]): Reply {
  const slot = slotForKeyRef(keyRef);
  if (!slot) return reply(SW.INCORRECT_P1P2);
  const slotHex = keyRef.toString(16);
  const stored = ctx.state.keys[slotHex];
  if (!stored) return reply(SW.REFERENCE_NOT_FOUND);
  const expectedAlg = stored.algorithm === 'rsa2048' ? ALG.RSA2048 : ALG.ECC_P256;
  if (alg !== expectedAlg) return reply(SW.INCORRECT_P1P2);
  const v = ctx.volatile;
  if (slot.pinPolicy === 'once' && !v.pinVerified) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
  if (slot.pinPolicy === 'always' && (!v.pinVerified || !v.pinJustVerified)) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
  const response = findTlv(items, 0x82);
  const input = findTlv(items, 0x81);
  if (response === undefined || response.length !== 0 || input === undefined) return reply(SW.WRONG_DATA);
  const inputOk = alg === ALG.RSA2048 ? input.length === 256 : input.length > 0 && input.length <= 32;
  if (!inputOk) return reply(SW.WRONG_DATA);
  const key = ctx.privateKey(slotHex);
  if (!key) return reply(SW.REFERENCE_NOT_FOUND);
  // A PIN-always slot spends its fresh verification only on an operation the card performs.
  if (slot.pinPolicy === 'always') v.pinJustVerified = false;

  if (alg === ALG.RSA2048) {
    let output: Buffer;
    try {
      output = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, input);
    } catch {
      // Input not below the modulus.
      return reply(SW.WRONG_DATA);
    }
    return reply(SW.OK, tlv(0x7c, tlv(0x82, output)));
  }
  // P-256: the input is the hash; shorter inputs are left-padded (same integer).
  const hash = Buffer.alloc(32);
  input.copy(hash, 32 - input.length);
  const d = Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
  const signature = p256.sign(hash, d, { prehash: false, format: 'der' });
  d.fill(0);
  return reply(SW.OK, tlv(0x7c, tlv(0x82, Buffer.from(signature))));
}
