// Small byte helpers shared by the card edge and the virtual card.

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses hex, ignoring spaces and colons, so fixtures can be written as on the wire. */
export function fromHex(text: string): Buffer {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new Error(`not a hex string: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Buffer.from(clean, 'hex');
}

export function concatBytes(...parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}

/** Overwrites a buffer that held a secret. */
export function wipe(...buffers: ReadonlyArray<Uint8Array | undefined>): void {
  for (const b of buffers) b?.fill(0);
}

export function u16(high: number, low: number): number {
  return ((high & 0xff) << 8) | (low & 0xff);
}
