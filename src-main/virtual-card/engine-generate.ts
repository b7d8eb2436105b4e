import { generateKeyPairSync } from 'node:crypto';
import { ALG, slotForKeyRef } from '../card/piv/piv-constants.js';
import { encodePublicKeyTemplate } from '../card/piv/piv-public-key.js';
import { SW } from '../card/status-words.js';
import { decodeSingleTlv, decodeTlvs, findTlv, TlvError } from '../../src-shared/card/tlv.js';
import { reply, type Handler } from './engine-context.js';

// GENERATE ASYMMETRIC KEY PAIR: a new private key in the slot, the public key returned.

export const generateAsymmetric: Handler = (ctx, cmd) => {
  if (cmd.p1 !== 0x00) return reply(SW.INCORRECT_P1P2);
  const slot = slotForKeyRef(cmd.p2);
  if (!slot) return reply(SW.INCORRECT_P1P2);
  if (!ctx.volatile.managementAuthenticated) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
  let alg: number | undefined;
  try {
    // AC { 80 01 <alg> [, AA pin policy] [, AB touch policy] }
    const control = decodeTlvs(decodeSingleTlv(cmd.data, 0xac).value);
    const algField = findTlv(control, 0x80);
    alg = algField?.length === 1 ? algField[0] : undefined;
  } catch (err) {
    if (err instanceof TlvError) return reply(SW.WRONG_DATA);
    throw err;
  }
  const slotHex = cmd.p2.toString(16);
  let pair;
  if (alg === ALG.RSA2048) pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  else if (alg === ALG.ECC_P256) pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  else return reply(SW.WRONG_DATA);
  ctx.state.keys[slotHex] = {
    algorithm: alg === ALG.RSA2048 ? 'rsa2048' : 'p256',
    pkcs8: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    origin: 'generated',
  };
  ctx.forgetKey(slotHex);
  ctx.persist();
  return reply(SW.OK, encodePublicKeyTemplate(pair.publicKey));
};
