// ISO 7816-4 command and response APDUs: the four cases, short and extended length.

export class ApduFormatError extends Error {
  override name = 'ApduFormatError';
}

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Nc = length); empty or absent for cases 1 and 2. */
  readonly data?: Uint8Array;
  /** Ne, the most response bytes expected: 0 = none (cases 1, 3); 1..65536 otherwise. */
  readonly ne?: number;
}

export interface ResponseApdu {
  readonly data: Buffer;
  readonly sw: number;
}

export const SHORT_MAX_NC = 255;
const SHORT_MAX_NE = 256;
const EXTENDED_MAX_NC = 65535;
const EXTENDED_MAX_NE = 65536;

export function needsExtended(cmd: CommandApdu): boolean {
  return (cmd.data?.length ?? 0) > SHORT_MAX_NC || (cmd.ne ?? 0) > SHORT_MAX_NE;
}

function checkHeader(cmd: CommandApdu): void {
  for (const [name, v] of [['CLA', cmd.cla], ['INS', cmd.ins], ['P1', cmd.p1], ['P2', cmd.p2]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new ApduFormatError(`${name} out of range: ${v}`);
  }
}

/** Encodes a command; uses extended length only when the command needs it or when forced. */
export function encodeCommand(cmd: CommandApdu, options: { extended?: boolean } = {}): Buffer {
  checkHeader(cmd);
  const nc = cmd.data?.length ?? 0;
  const ne = cmd.ne ?? 0;
  if (nc > EXTENDED_MAX_NC) throw new ApduFormatError(`command data too long: ${nc} bytes`);
  if (!Number.isInteger(ne) || ne < 0 || ne > EXTENDED_MAX_NE) throw new ApduFormatError(`bad Ne ${ne}`);
  const extended = options.extended === true || needsExtended(cmd);
  const header = [cmd.cla, cmd.ins, cmd.p1, cmd.p2];
  if (!extended) {
    const parts: number[] = [...header];
    if (nc > 0) parts.push(nc);
    const body = Buffer.from(parts);
    const le = ne > 0 ? Buffer.from([ne === 256 ? 0 : ne]) : Buffer.alloc(0);
    return Buffer.concat([body, cmd.data ?? Buffer.alloc(0), le]);
  }
  const out: Buffer[] = [Buffer.from(header)];
  if (nc > 0) out.push(Buffer.from([0, nc >> 8, nc & 0xff]), Buffer.from(cmd.data ?? []));
  if (ne > 0) {
    const value = ne === 65536 ? 0 : ne;
    out.push(nc > 0 ? Buffer.from([value >> 8, value & 0xff]) : Buffer.from([0, value >> 8, value & 0xff]));
  }
  return Buffer.concat(out);
}

export interface ParsedCommand extends CommandApdu {
  readonly data: Buffer;
  readonly ne: number;
  readonly extended: boolean;
}

/** Parses a command as a card receives it. Any length that fits no case is an error. */
export function parseCommand(bytes: Uint8Array): ParsedCommand {
  const b = Buffer.from(bytes);
  if (b.length < 4) throw new ApduFormatError(`command too short: ${b.length} bytes`);
  const [cla, ins, p1, p2] = [b[0], b[1], b[2], b[3]] as [number, number, number, number];
  const base = { cla, ins, p1, p2 };
  if (b.length === 4) return { ...base, data: Buffer.alloc(0), ne: 0, extended: false };
  const b4 = b[4] as number;
  if (b.length === 5) return { ...base, data: Buffer.alloc(0), ne: b4 === 0 ? 256 : b4, extended: false };
  if (b4 !== 0) {
    // Short Lc.
    if (b.length === 5 + b4) return { ...base, data: b.subarray(5), ne: 0, extended: false };
    if (b.length === 6 + b4) {
      const le = b[5 + b4] as number;
      return { ...base, data: b.subarray(5, 5 + b4), ne: le === 0 ? 256 : le, extended: false };
    }
    throw new ApduFormatError(`length ${b.length} does not match Lc ${b4}`);
  }
  // b4 === 0 and more than 5 bytes: extended.
  if (b.length === 7) {
    const le = ((b[5] as number) << 8) | (b[6] as number);
    return { ...base, data: Buffer.alloc(0), ne: le === 0 ? 65536 : le, extended: true };
  }
  if (b.length < 8) throw new ApduFormatError(`length ${b.length} fits no APDU case`);
  const lc = ((b[5] as number) << 8) | (b[6] as number);
  if (lc === 0) throw new ApduFormatError('extended Lc of zero');
  if (b.length === 7 + lc) return { ...base, data: b.subarray(7, 7 + lc), ne: 0, extended: true };
  if (b.length === 9 + lc) {
    const le = ((b[7 + lc] as number) << 8) | (b[8 + lc] as number);
    return { ...base, data: b.subarray(7, 7 + lc), ne: le === 0 ? 65536 : le, extended: true };
  }
  throw new ApduFormatError(`length ${b.length} does not match extended Lc ${lc}`);
}

export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ApduFormatError(`response too short: ${bytes.length} bytes`);
  const b = Buffer.from(bytes);
  const sw = ((b[b.length - 2] as number) << 8) | (b[b.length - 1] as number);
  return { data: b.subarray(0, b.length - 2), sw };
}

export function encodeResponse(data: Uint8Array, sw: number): Buffer {
  return Buffer.concat([Buffer.from(data), Buffer.from([(sw >> 8) & 0xff, sw & 0xff])]);
}
