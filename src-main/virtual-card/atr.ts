// The virtual card's ATR: T=1 only, with the ISO 7816-4 card capabilities byte saying that
// extended-length APDUs are accepted (third software function byte 0x40), as YubiKeys say too.

function withChecksum(body: number[]): Buffer {
  // TCK makes the XOR of T0..TCK zero.
  const tck = body.slice(1).reduce((acc, b) => acc ^ b, 0);
  return Buffer.from([...body, tck]);
}

// 3B | T0=95 (TA1, TD1; 5 historical bytes) | TA1=13 | TD1=81 | TD2=01 (T=1) | 80 73 FF 01 40
export const VIRTUAL_CARD_ATR = withChecksum([0x3b, 0x95, 0x13, 0x81, 0x01, 0x80, 0x73, 0xff, 0x01, 0x40]);
