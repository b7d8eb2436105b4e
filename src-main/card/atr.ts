// Reads the one ATR fact the card edge needs: whether the card accepts extended-length APDUs
// (ISO 7816-4 §8.1.1.2.7, card capabilities, third software function byte, bit 0x40).

export interface AtrInfo {
  readonly historical: Buffer;
  readonly extendedLength: boolean;
}

export function parseAtr(atr: Uint8Array): AtrInfo {
  const b = Buffer.from(atr);
  if (b.length < 2) return { historical: Buffer.alloc(0), extendedLength: false };
  const t0 = b[1] as number;
  const historicalCount = t0 & 0x0f;
  let y = t0 >> 4;
  let pos = 2;
  // Walk the interface bytes: each Yi says which of TAi, TBi, TCi, TDi follow.
  for (;;) {
    const hasTd = (y & 0x8) !== 0;
    pos += ((y & 0x1) !== 0 ? 1 : 0) + ((y & 0x2) !== 0 ? 1 : 0) + ((y & 0x4) !== 0 ? 1 : 0);
    if (!hasTd) break;
    if (pos >= b.length) return { historical: Buffer.alloc(0), extendedLength: false };
    y = (b[pos] as number) >> 4;
    pos += 1;
  }
  const historical = b.subarray(pos, Math.min(pos + historicalCount, b.length));
  return { historical, extendedLength: capabilitiesAllowExtended(historical) };
}

function capabilitiesAllowExtended(historical: Buffer): boolean {
  // Category 0x80: compact-TLV objects follow; 0x00: the same, with a 3-byte status at the end.
  const category = historical[0];
  if (category !== 0x80 && category !== 0x00) return false;
  const end = category === 0x00 ? historical.length - 3 : historical.length;
  let pos = 1;
  while (pos < end) {
    const header = historical[pos] as number;
    const tag = header >> 4;
    const len = header & 0x0f;
    const value = historical.subarray(pos + 1, pos + 1 + len);
    if (tag === 0x7 && value.length >= 3) return ((value[2] as number) & 0x40) !== 0;
    pos += 1 + len;
  }
  return false;
}
