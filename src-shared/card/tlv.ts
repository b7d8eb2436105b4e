// Node-side BER-TLV (uses Buffer): shared by the card edge, the virtual card and the service's card factory.
// BER-TLV as used by ISO 7816-4 and PIV: tags of one to three bytes, definite lengths in
// short form or 0x81/0x82/0x83 long form. Decoding is strict: a value that runs past the end of
// its buffer, or bytes left over, is an error, never a silent truncation.

export class TlvError extends Error {
  override name = 'TlvError';
}

export interface Tlv {
  /** The tag bytes as one number, e.g. 0x5fc105, 0x7f49, 0x53. */
  readonly tag: number;
  readonly value: Buffer;
}

const MAX_LENGTH = 0xffffff;

export function encodeTag(tag: number): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new TlvError(`bad tag ${tag}`);
  if (tag > 0xffff) return Buffer.from([tag >> 16, (tag >> 8) & 0xff, tag & 0xff]);
  if (tag > 0xff) return Buffer.from([tag >> 8, tag & 0xff]);
  return Buffer.from([tag]);
}

export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > MAX_LENGTH) {
    throw new TlvError(`length ${length} cannot be encoded`);
  }
  if (length < 0x80) return Buffer.from([length]);
  if (length <= 0xff) return Buffer.from([0x81, length]);
  if (length <= 0xffff) return Buffer.from([0x82, length >> 8, length & 0xff]);
  return Buffer.from([0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
}

/** Builds one TLV whose value is the concatenation of the given parts. */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Buffer {
  const value = Buffer.concat(parts);
  return Buffer.concat([encodeTag(tag), encodeLength(value.length), value]);
}

/** Reads one TLV at offset; returns it and the offset just after it. */
export function readTlv(buf: Uint8Array, offset = 0): { tlv: Tlv; next: number } {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (!Number.isInteger(offset) || offset < 0) throw new TlvError(`bad offset ${offset}`);
  let pos = offset;
  const need = (n: number, what: string): void => {
    if (pos + n > b.length) throw new TlvError(`truncated TLV: ${what} runs past the end at offset ${pos}`);
  };
  need(1, 'tag');
  let tag = b[pos++] as number;
  if ((tag & 0x1f) === 0x1f) {
    // Multi-byte tag: subsequent bytes while bit 8 is set, three bytes at most.
    let count = 1;
    let more = true;
    while (more) {
      need(1, 'tag');
      const next = b[pos++] as number;
      tag = (tag << 8) | next;
      more = (next & 0x80) !== 0;
      if (++count > 3) throw new TlvError(`tag longer than three bytes at offset ${offset}`);
    }
  }
  need(1, 'length');
  const first = b[pos++] as number;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first >= 0x81 && first <= 0x83) {
    const n = first - 0x80;
    need(n, 'length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (b[pos++] as number);
  } else {
    throw new TlvError(`unsupported length byte 0x${first.toString(16)} at offset ${pos - 1}`);
  }
  need(length, `value of tag 0x${tag.toString(16)} (${length} bytes)`);
  const value = b.subarray(pos, pos + length);
  return { tlv: { tag, value }, next: pos + length };
}

/** Decodes a buffer that must consist of whole TLVs only. */
export function decodeTlvs(buf: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const { tlv: item, next } = readTlv(buf, pos);
    out.push(item);
    pos = next;
  }
  return out;
}

/** Decodes exactly one TLV that must fill the whole buffer. */
export function decodeSingleTlv(buf: Uint8Array, expectedTag?: number): Tlv {
  const { tlv: item, next } = readTlv(buf, 0);
  if (next !== buf.length) throw new TlvError(`${buf.length - next} bytes after the TLV`);
  if (expectedTag !== undefined && item.tag !== expectedTag) {
    throw new TlvError(`expected tag 0x${expectedTag.toString(16)}, found 0x${item.tag.toString(16)}`);
  }
  return item;
}

export function findTlv(items: readonly Tlv[], tag: number): Buffer | undefined {
  return items.find((i) => i.tag === tag)?.value;
}

export function requireTlv(items: readonly Tlv[], tag: number, where: string): Buffer {
  const value = findTlv(items, tag);
  if (value === undefined) throw new TlvError(`${where}: tag 0x${tag.toString(16)} is missing`);
  return value;
}
