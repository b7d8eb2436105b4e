import { EventEmitter } from 'node:events';
import type { CardTransport } from '../card/card-transport.js';
import { CardError } from '../card/card-error.js';
import { openPcscContext, type PcscContextHandle, type PcscReaderHandle } from './pcsclite-binding.js';
import { pcscError, pcscStatusOf } from './pcsc-errors.js';
import { ReaderQueue } from './reader-queue.js';
import type { ReaderDriver, ReaderDriverEvents, ReaderState, TransactionOptions } from './reader-driver.js';

// Real readers through pcscd. Watches readers come and go and cards go in and out; when pcscd
// stops or restarts, drops everything it knew, reports the service lost, and reconnects on its
// own, so a restarted daemon or a replugged reader needs nothing from the user.
//
// The binding's close() is never called from inside one of its own events. The pcsclite binding
// emits a reader's 'status', 'error' and 'end' while holding that reader's mutex (and drains
// promise jobs there), and close() takes the same mutex on the same thread: a close reached
// synchronously from such an event, or from a promise it settles, blocks the main thread for
// ever. So every native close waits for the next turn of the event loop (closeOutsideEvents).

export interface PcscDriverOptions {
  /** Wait between attempts to reach pcscd. */
  readonly reconnectMs?: number;
  /** Longest a single command may take before the operation fails with 'timeout'. */
  readonly commandTimeoutMs?: number;
  /** How long to keep retrying when another program holds the card exclusively. */
  readonly sharingRetryMs?: number;
  /** How long to wait for pcscd to confirm a removal after a command failed vaguely. */
  readonly removalGraceMs?: number;
}

interface Tracked {
  handle: PcscReaderHandle;
  present: boolean;
  atr?: Buffer;
}

const SHARING_VIOLATION = 0x8010000b;

export class PcscReaderDriver extends EventEmitter<ReaderDriverEvents> implements ReaderDriver {
  private context?: PcscContextHandle;
  private readonly tracked = new Map<string, Tracked>();
  private readonly queue = new ReaderQueue();
  private retryTimer?: NodeJS.Timeout;
  private closed = false;
  private serviceUp = false;

  constructor(private readonly options: PcscDriverOptions = {}) {
    super();
  }

  /** Starts watching; resolves once pcscd answered or failed the first time. */
  start(): void {
    this.establish();
  }

  readers(): ReaderState[] {
    return [...this.tracked.entries()].map(([name, t]) => ({ name, cardPresent: t.present, ...(t.atr ? { atr: t.atr } : {}) }));
  }

  get serviceAvailable(): boolean {
    return this.serviceUp;
  }

  transaction<T>(reader: string, operation: (transport: CardTransport, atr: Buffer) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.queue.run(reader, async () => {
      const t = this.tracked.get(reader);
      if (!t) throw new CardError('reader-unavailable', `The reader "${reader}" is not connected.`);
      if (!t.present || !t.atr) throw new CardError('card-removed', 'There is no smartcard in the reader.');
      const handle = t.handle;
      const protocol = await this.connect(handle, options.exclusive ?? true);
      const atr = t.atr;
      const transport: CardTransport = {
        transmit: async (command, maxResponseLength) => {
          try {
            const response = await this.transmit(handle, command, maxResponseLength, protocol);
            if (response.length >= 2) return response;
            throw new CardError('pcsc-error', 'The smartcard stopped responding; take it out and put it back in.');
          } catch (err) {
            throw await this.explainFailure(reader, handle, err);
          }
        },
      };
      try {
        return await operation(transport, atr);
      } finally {
        await this.disconnect(handle, options.resetAfter ? handle.SCARD_RESET_CARD : handle.SCARD_LEAVE_CARD);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.teardown();
    // The handles close on the next turn (closeOutsideEvents): resolve once they have.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private establish(): void {
    if (this.closed) return;
    let context: PcscContextHandle;
    try {
      context = openPcscContext();
    } catch {
      // pcscd is not running yet: try again shortly.
      this.scheduleReconnect();
      return;
    }
    this.context = context;
    context.on('reader', (handle: PcscReaderHandle) => this.track(handle));
    context.on('error', () => {
      // The status thread stopped: pcscd went away. Forget everything and start over.
      this.teardown();
      this.scheduleReconnect();
    });
    if (!this.serviceUp) {
      this.serviceUp = true;
      this.emit('service-restored');
    }
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    if (this.serviceUp) {
      this.serviceUp = false;
      this.emit('service-lost');
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.establish(), this.options.reconnectMs ?? 500);
  }

  private teardown(): void {
    for (const name of [...this.tracked.keys()]) this.untrack(name);
    const context = this.context;
    this.context = undefined;
    if (context) {
      context.removeAllListeners('reader');
      context.removeAllListeners('error');
      context.on('error', () => undefined);
      closeOutsideEvents(context);
    }
  }

  private track(handle: PcscReaderHandle): void {
    const name = handle.name;
    this.tracked.set(name, { handle, present: false });
    handle.on('status', (status: { state: number; atr?: Buffer }) => this.onStatus(name, handle, status));
    handle.on('error', () => {
      // Reported again through the context's error or the reader's end; nothing to add here.
    });
    handle.on('end', () => {
      if (this.tracked.get(name)?.handle === handle) this.untrack(name);
    });
    this.emit('reader-added', name);
  }

  private untrack(name: string): void {
    const t = this.tracked.get(name);
    if (!t) return;
    this.tracked.delete(name);
    t.handle.removeAllListeners('status');
    t.handle.removeAllListeners('end');
    t.handle.on('error', () => undefined);
    closeOutsideEvents(t.handle);
    if (t.present) this.emit('card-removed', name);
    this.emit('reader-removed', name);
  }

  private onStatus(name: string, handle: PcscReaderHandle, status: { state: number; atr?: Buffer }): void {
    const t = this.tracked.get(name);
    if (!t || t.handle !== handle) return;
    const present = (status.state & handle.SCARD_STATE_PRESENT) !== 0 && (status.state & handle.SCARD_STATE_MUTE) === 0;
    const atr = status.atr && status.atr.length > 0 ? Buffer.from(status.atr) : undefined;
    if (present && (!t.present || (atr && t.atr && !atr.equals(t.atr)))) {
      if (t.present) this.emit('card-removed', name);
      t.present = true;
      t.atr = atr ?? Buffer.alloc(0);
      this.emit('card-inserted', name, t.atr);
    } else if (!present && t.present) {
      t.present = false;
      t.atr = undefined;
      this.emit('card-removed', name);
    }
  }

  /**
   * A card pulled in the middle of a command shows up as a vague failure ("transaction failed",
   * or an empty answer) before pcscd's next presence poll. Wait for that poll, so the caller is
   * told what happened in the user's words: the card was removed.
   */
  private async explainFailure(reader: string, handle: PcscReaderHandle, err: unknown): Promise<CardError> {
    const error = err instanceof CardError ? err : pcscError(err, 'Talking to the smartcard');
    if (error.code !== 'pcsc-error') return error;
    const deadline = Date.now() + (this.options.removalGraceMs ?? 2000);
    while (Date.now() < deadline) {
      const t = this.tracked.get(reader);
      if (!t || t.handle !== handle || !t.present) {
        return new CardError('card-removed', 'The smartcard was removed.', { cause: err });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return error;
  }

  private async connect(handle: PcscReaderHandle, exclusive: boolean): Promise<number> {
    if (handle.connected) await this.disconnect(handle, handle.SCARD_LEAVE_CARD);
    const deadline = Date.now() + (this.options.sharingRetryMs ?? 3000);
    for (;;) {
      try {
        return await new Promise<number>((resolve, reject) =>
          handle.connect(
            { share_mode: exclusive ? handle.SCARD_SHARE_EXCLUSIVE : handle.SCARD_SHARE_SHARED, protocol: handle.SCARD_PROTOCOL_T0 | handle.SCARD_PROTOCOL_T1 },
            (err, protocol) => (err ? reject(err) : resolve(protocol)),
          ),
        );
      } catch (err) {
        // Another program has the card for a moment (OpenSC, a browser): wait our turn.
        if (pcscStatusOf(err) === SHARING_VIOLATION && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        throw pcscError(err, 'Connecting to the smartcard');
      }
    }
  }

  private disconnect(handle: PcscReaderHandle, disposition: number): Promise<void> {
    return new Promise((resolve) => {
      try {
        handle.disconnect(disposition, () => resolve());
      } catch {
        resolve();
      }
    });
  }

  private transmit(handle: PcscReaderHandle, command: Uint8Array, maxResponseLength: number, protocol: number): Promise<Buffer> {
    const timeoutMs = this.options.commandTimeoutMs ?? 30_000;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CardError('timeout', 'The smartcard did not answer in time.')), timeoutMs);
      try {
        handle.transmit(Buffer.from(command.buffer, command.byteOffset, command.byteLength), maxResponseLength, protocol, (err, response) => {
          clearTimeout(timer);
          if (err) reject(pcscError(err, 'Talking to the smartcard'));
          else resolve(response);
        });
      } catch (err) {
        clearTimeout(timer);
        reject(pcscError(err, 'Talking to the smartcard'));
      }
    });
  }
}

/**
 * Closes a binding handle on the next turn of the event loop, outside any event the binding is
 * emitting (see the note at the top). A handle the binding already closed after an error closes
 * again harmlessly.
 */
function closeOutsideEvents(handle: { close(): void }): void {
  setImmediate(() => {
    try {
      handle.close();
    } catch {
      // Already closed by the binding after its error.
    }
  });
}
