// Small byte helpers shared by the card edge and the virtual card.

/** Parses hex, ignoring spaces and colons, so fixtures can be written as on the wire. */
export function fromHex(text: string): Buffer {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new Error(`not a hex string: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Buffer.from(clean, 'hex');
}

/** Overwrites a buffer that held a secret. */
export function wipe(...buffers: ReadonlyArray<Uint8Array | undefined>): void {
  for (const b of buffers) b?.fill(0);
}
