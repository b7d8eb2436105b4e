import { EventEmitter } from 'node:events';
import type { CardTransport } from '../card/card-transport.js';
import { CardError } from '../card/card-error.js';
import { ReaderQueue } from '../pcsc/reader-queue.js';
import type { ReaderDriver, ReaderDriverEvents, ReaderState, TransactionOptions } from '../pcsc/reader-driver.js';
import type { PivCardEngine } from './piv-card-engine.js';
import { FaultPlan } from './fault-plan.js';

// Readers that exist only in this process, serving virtual cards without pcscd: what training
// mode uses. Same ReaderDriver contract as PC/SC, so the agent cannot tell the difference.

interface Slot {
  card?: PivCardEngine;
  readonly faults: FaultPlan;
}

export class InProcessReaderDriver extends EventEmitter<ReaderDriverEvents> implements ReaderDriver {
  private readonly slots = new Map<string, Slot>();
  private readonly queue = new ReaderQueue();

  constructor(names: readonly string[] = ['Reader 1', 'Reader 2']) {
    super();
    for (const name of names) this.slots.set(name, { faults: new FaultPlan() });
  }

  /** Announces the readers (call once listeners are attached). */
  start(): void {
    for (const name of this.slots.keys()) this.emit('reader-added', name);
  }

  readers(): ReaderState[] {
    return [...this.slots.entries()].map(([name, s]) => ({ name, cardPresent: s.card !== undefined, ...(s.card ? { atr: s.card.atr } : {}) }));
  }

  /** Fault injection for the card in `reader` (crash-safety sweeps). */
  faults(reader: string): FaultPlan {
    return this.slot(reader).faults;
  }

  cardIn(reader: string): PivCardEngine | undefined {
    return this.slot(reader).card;
  }

  insert(reader: string, card: PivCardEngine): void {
    const slot = this.slot(reader);
    if (slot.card === card) return;
    if (slot.card) this.remove(reader);
    for (const [name, other] of this.slots) {
      if (other.card === card) throw new Error(`that card is already in ${name}`);
    }
    card.reset();
    slot.card = card;
    this.emit('card-inserted', reader, card.atr);
  }

  remove(reader: string): void {
    const slot = this.slot(reader);
    if (!slot.card) return;
    slot.card.reset();
    slot.card = undefined;
    slot.faults.clear();
    this.emit('card-removed', reader);
  }

  transaction<T>(reader: string, operation: (transport: CardTransport, atr: Buffer) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.queue.run(reader, async () => {
      const slot = this.slots.get(reader);
      if (!slot) throw new CardError('reader-unavailable', `The reader "${reader}" is not connected.`);
      const card = slot.card;
      if (!card) throw new CardError('card-removed', 'There is no smartcard in the reader.');
      const transport: CardTransport = {
        transmit: async (command) => {
          // Yield like real I/O does, so removal and other events can interleave.
          await new Promise((r) => setImmediate(r));
          if (slot.card !== card) throw new CardError('card-removed', 'The smartcard was removed.');
          const fault = slot.faults.next();
          if (fault === 'before-processing') {
            this.remove(reader);
            throw new CardError('card-removed', 'The smartcard was removed.');
          }
          const response = card.process(command);
          if (fault === 'after-processing') {
            this.remove(reader);
            throw new CardError('card-removed', 'The smartcard was removed.');
          }
          return response;
        },
      };
      try {
        return await operation(transport, card.atr);
      } finally {
        if (options.resetAfter && slot.card === card) card.reset();
      }
    });
  }

  async close(): Promise<void> {
    for (const name of this.slots.keys()) this.remove(name);
  }

  private slot(reader: string): Slot {
    const slot = this.slots.get(reader);
    if (!slot) throw new Error(`no reader named ${reader}`);
    return slot;
  }
}
