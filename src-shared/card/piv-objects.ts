import { decodeSingleTlv, decodeTlvs, findTlv, requireTlv, tlv, TlvError } from './tlv.js';

// The two PIV data objects the product reads on every insertion: a slot's certificate object
// and the Card Holder Unique Identifier, whose GUID is the card's UUID in the directory.

const DATA_OBJECT_TAG = 0x53;

/** `53 { 70 <DER>, 71 01 00, FE 00 }`: an uncompressed certificate. */
export function encodeCertificateObject(der: Uint8Array): Buffer {
  return tlv(DATA_OBJECT_TAG, tlv(0x70, der), tlv(0x71, Buffer.from([0x00])), tlv(0xfe));
}

/** Returns the DER certificate from a stored `53` object. Compressed certificates are refused. */
export function parseCertificateObject(object: Uint8Array): Buffer {
  const outer = decodeSingleTlv(object, DATA_OBJECT_TAG);
  const inner = decodeTlvs(outer.value);
  const der = requireTlv(inner, 0x70, 'certificate object');
  const info = findTlv(inner, 0x71);
  if (info && info.length > 0 && ((info[0] as number) & 0x01) !== 0) {
    throw new TlvError('certificate object holds a compressed certificate, which is not supported');
  }
  if (der.length === 0) throw new TlvError('certificate object is empty');
  return Buffer.from(der);
}

// A FASC-N that means "no agency credential" (as card vendors ship by default).
const DEFAULT_FASCN = Buffer.from('d4e739da739ced39ce739d836858210842108421c84210c3eb', 'hex');

export interface Chuid {
  readonly guid: Buffer;
  readonly fascn?: Buffer;
  /** YYYYMMDD, as printed in the CHUID. */
  readonly expiry?: string;
}

export function encodeChuid(guid: Uint8Array, expiry = '20991231'): Buffer {
  if (guid.length !== 16) throw new RangeError('a CHUID GUID is 16 bytes');
  if (!/^\d{8}$/.test(expiry)) throw new RangeError('CHUID expiry is YYYYMMDD');
  return tlv(
    DATA_OBJECT_TAG,
    tlv(0x30, DEFAULT_FASCN),
    tlv(0x34, guid),
    tlv(0x35, Buffer.from(expiry, 'ascii')),
    tlv(0x3e),
    tlv(0xfe),
  );
}

export function parseChuid(object: Uint8Array): Chuid {
  const outer = decodeSingleTlv(object, DATA_OBJECT_TAG);
  const inner = decodeTlvs(outer.value);
  const guid = requireTlv(inner, 0x34, 'CHUID');
  if (guid.length !== 16) throw new TlvError(`CHUID GUID is ${guid.length} bytes, not 16`);
  const fascn = findTlv(inner, 0x30);
  const expiry = findTlv(inner, 0x35)?.toString('ascii');
  return { guid: Buffer.from(guid), ...(fascn ? { fascn: Buffer.from(fascn) } : {}), ...(expiry ? { expiry } : {}) };
}

/** Formats a 16-byte GUID as the UUID shown and searched in Care Identity Management. */
export function guidToUuid(guid: Uint8Array): string {
  const h = Buffer.from(guid).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToGuid(uuid: string): Buffer {
  const h = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new RangeError(`not a UUID: ${uuid}`);
  return Buffer.from(h, 'hex');
}
