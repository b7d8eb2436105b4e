import { encodeCommand, parseResponse, SHORT_MAX_NC, type CommandApdu, type ResponseApdu } from './apdu.js';
import { CardError } from './card-error.js';
import type { CardTransport } from './card-transport.js';
import { wipe } from './bytes.js';

// Sends logical commands over a transport: splits long data with command chaining (CLA bit
// 0x10), follows 61xx with GET RESPONSE and answers 6Cxx by resending with the right Le.

export interface ChannelOptions {
  /** Use extended-length APDUs when the card advertises them (ISO 7816-4 card capabilities). */
  readonly extendedLength?: boolean;
}

export interface SendOptions {
  /** The command carries a secret: its encoded bytes are wiped after transmission. */
  readonly sensitive?: boolean;
}

/** Upper bounds on reassembled responses; a card that keeps sending 61xx is broken or hostile. */
const MAX_RESPONSE_BYTES = 128 * 1024;
const MAX_GET_RESPONSES = 1024;
const MAX_RESPONSE_FRAME = 65536 + 2;

export class ApduChannel {
  /** Number of APDUs actually transmitted, including chaining parts and GET RESPONSEs. */
  transmitted = 0;

  constructor(
    private readonly transport: CardTransport,
    private readonly options: ChannelOptions = {},
  ) {}

  get extendedLength(): boolean {
    return this.options.extendedLength === true;
  }

  /** The largest Ne this channel can ask for in one response. */
  get maxNe(): number {
    return this.extendedLength ? 65536 : 256;
  }

  async send(cmd: CommandApdu, sendOptions: SendOptions = {}): Promise<ResponseApdu> {
    const data = cmd.data ?? Buffer.alloc(0);
    const maxNc = this.extendedLength ? 65535 : SHORT_MAX_NC;
    const ne = cmd.ne ?? 0;
    const clampNe = (n: number): number => (this.extendedLength ? n : Math.min(n, 256));
    // Chained parts: every part but the last carries CLA | 0x10 and no Le.
    let offset = 0;
    while (data.length - offset > maxNc) {
      const part = data.subarray(offset, offset + maxNc);
      const resp = await this.exchange(
        { cla: cmd.cla | 0x10, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: part, ne: 0 },
        sendOptions,
      );
      if (resp.sw !== 0x9000) return resp;
      offset += maxNc;
    }
    const last: CommandApdu = { ...cmd, data: data.subarray(offset), ne: clampNe(ne) };
    let resp = await this.exchange(last, sendOptions);
    if ((resp.sw & 0xff00) === 0x6c00) {
      // Wrong Le: the card says how many bytes it has; resend once with that Le.
      const exact = resp.sw & 0xff || 256;
      resp = await this.exchange({ ...last, ne: exact }, sendOptions);
    }
    return this.collect(resp);
  }

  private async collect(first: ResponseApdu): Promise<ResponseApdu> {
    if ((first.sw & 0xff00) !== 0x6100) return first;
    const chunks: Buffer[] = [first.data];
    let total = first.data.length;
    let resp = first;
    let exchanges = 0;
    while ((resp.sw & 0xff00) === 0x6100) {
      if (++exchanges > MAX_GET_RESPONSES) {
        throw new CardError('malformed-response', 'The card kept announcing more data without end.');
      }
      const more = resp.sw & 0xff || 256;
      resp = await this.exchange({ cla: 0x00, ins: 0xc0, p1: 0, p2: 0, ne: more }, {});
      chunks.push(resp.data);
      total += resp.data.length;
      if (total > MAX_RESPONSE_BYTES) {
        throw new CardError('malformed-response', 'The card kept sending data past any sensible size.');
      }
    }
    return { data: Buffer.concat(chunks), sw: resp.sw };
  }

  private async exchange(cmd: CommandApdu, options: SendOptions): Promise<ResponseApdu> {
    const encoded = encodeCommand(cmd, { extended: this.extendedLength && (cmd.data?.length ?? 0) > 255 });
    this.transmitted++;
    let raw: Buffer;
    try {
      raw = await this.transport.transmit(encoded, MAX_RESPONSE_FRAME);
    } finally {
      if (options.sensitive) wipe(encoded);
    }
    if (raw.length < 2) {
      throw new CardError('malformed-response', `The card sent a ${raw.length}-byte response, too short to carry a status.`);
    }
    return parseResponse(raw);
  }
}
