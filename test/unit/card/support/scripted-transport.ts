import type { CardTransport } from '../../../../src-main/card/card-transport.js';
import { fromHex } from '../../../../src-main/card/bytes.js';

/** Decides the raw response (data + SW1 SW2) to one command; `index` counts from 0. */
export type Responder = (command: Buffer, index: number) => Uint8Array | Promise<Uint8Array>;

/** An in-memory card for testing the layers above the transport. */
export class ScriptedTransport implements CardTransport {
  /** The very buffers the channel handed over, kept to check that sensitive ones get wiped. */
  readonly received: Uint8Array[] = [];
  /** Copies taken at transmit time, because the channel may wipe the originals afterwards. */
  readonly commands: Buffer[] = [];
  readonly maxResponseLengths: number[] = [];

  constructor(private readonly respond: Responder) {}

  async transmit(command: Uint8Array, maxResponseLength: number): Promise<Buffer> {
    this.received.push(command);
    const copy = Buffer.from(command);
    this.commands.push(copy);
    this.maxResponseLengths.push(maxResponseLength);
    return Buffer.from(await this.respond(copy, this.commands.length - 1));
  }

  get hexCommands(): string[] {
    return this.commands.map((c) => c.toString('hex'));
  }
}

/** A card that answers the given hex responses in order and fails the test if asked for more. */
export function scriptedCard(...responses: string[]): ScriptedTransport {
  return new ScriptedTransport((_command, index) => {
    const next = responses[index];
    if (next === undefined) throw new Error(`scripted card: no response left for command #${index}`);
    return fromHex(next);
  });
}
