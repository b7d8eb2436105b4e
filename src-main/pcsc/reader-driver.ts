import type { EventEmitter } from 'node:events';
import type { CardTransport } from '../card/card-transport.js';

// What the agent needs from "readers", whoever provides them: PC/SC through pcscd, or the
// in-process virtual readers of training mode.

export interface ReaderState {
  readonly name: string;
  readonly cardPresent: boolean;
  readonly atr?: Buffer;
}

export interface ReaderDriverEvents {
  'reader-added': [name: string];
  'reader-removed': [name: string];
  'card-inserted': [name: string, atr: Buffer];
  'card-removed': [name: string];
  /** The reader service went away (true) or came back (false). */
  'service-lost': [];
  'service-restored': [];
}

export interface TransactionOptions {
  /** Keep other programs off the card for the whole operation (default true). */
  readonly exclusive?: boolean;
  /** Reset the card afterwards, so no verified passcode outlives the operation (default false). */
  readonly resetAfter?: boolean;
}

export interface ReaderDriver extends EventEmitter<ReaderDriverEvents> {
  readers(): ReaderState[];
  /**
   * Runs `operation` inside one connection to the card in `reader`; operations on the same reader
   * run one after another. A card pulled meanwhile fails with CardError 'card-removed'.
   */
  transaction<T>(reader: string, operation: (transport: CardTransport, atr: Buffer) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}
