import { PIN_PROTECTED_OBJECTS, OBJECT } from '../card/piv/piv-constants.js';
import { SW } from '../card/status-words.js';
import { decodeSingleTlv, readTlv, TlvError } from '../../src-shared/card/tlv.js';
import { reply, type Handler } from './engine-context.js';
import { ObjectTagKey } from '../../src-shared/card/virtual-card-state.js';
import { encodeCertificateObject } from '../../src-shared/card/piv-objects.js';

// GET DATA and PUT DATA: objects are stored verbatim as the whole `53`/`7E` TLV.

const MAX_OBJECT_BYTES = 8 * 1024;

const tagKey = (tag: number): string => tag.toString(16).padStart(tag > 0xff ? 6 : 2, '0');

/** Reads the `5C <len> <tag>` tag list; undefined when it is not one well-formed tag. */
function requestedTag(data: Buffer): { tag: number; rest: Buffer } | undefined {
  try {
    const { tlv, next } = readTlv(data, 0);
    if (tlv.tag !== 0x5c || tlv.value.length < 1 || tlv.value.length > 3) return undefined;
    const tag = tlv.value.reduce((acc, b) => acc * 256 + b, 0);
    return { tag, rest: data.subarray(next) };
  } catch (err) {
    if (err instanceof TlvError) return undefined;
    throw err;
  }
}

export const getData: Handler = (ctx, cmd) => {
  if (cmd.p1 !== 0x3f || cmd.p2 !== 0xff) return reply(SW.INCORRECT_P1P2);
  const req = requestedTag(cmd.data);
  if (!req || req.rest.length !== 0) return reply(SW.WRONG_DATA);
  if (PIN_PROTECTED_OBJECTS.has(req.tag) && !ctx.volatile.pinVerified) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
  const stored = ctx.state.objects[tagKey(req.tag)];
  if (stored !== undefined) return reply(SW.OK, Buffer.from(stored, 'hex'));
  // The attestation key's certificate, kept with the key unless one was written over it.
  if (req.tag === OBJECT.YUBICO_ATTESTATION && ctx.state.attestation) {
    return reply(SW.OK, encodeCertificateObject(Buffer.from(ctx.state.attestation.certificate, 'base64')));
  }
  return reply(SW.NOT_FOUND);
};

export const putData: Handler = (ctx, cmd) => {
  if (cmd.p1 !== 0x3f || cmd.p2 !== 0xff) return reply(SW.INCORRECT_P1P2);
  if (!ctx.volatile.managementAuthenticated) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
  const req = requestedTag(cmd.data);
  if (!req) return reply(SW.WRONG_DATA);
  const expectedOuter = req.tag === OBJECT.DISCOVERY ? 0x7e : 0x53;
  let valueLength: number;
  try {
    valueLength = decodeSingleTlv(req.rest, expectedOuter).value.length;
  } catch (err) {
    if (err instanceof TlvError) return reply(SW.WRONG_DATA);
    throw err;
  }
  if (req.rest.length > MAX_OBJECT_BYTES) return reply(SW.NOT_ENOUGH_MEMORY);
  const key = tagKey(req.tag);
  if (!ObjectTagKey.safeParse(key).success) return reply(SW.NOT_FOUND);
  if (valueLength === 0) delete ctx.state.objects[key];
  else ctx.state.objects[key] = req.rest.toString('hex');
  ctx.persist();
  return reply(SW.OK);
};
