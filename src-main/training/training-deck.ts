import type { Persona } from '../../src-service/seed/personas.js';
import type { TrainingView } from '../../src-shared/api/agent-api.js';
import { AgentFailure, type TrainingCards } from '../agent/agent-types.js';
import type { InProcessReaderDriver } from '../virtual-card/in-process-readers.js';
import type { PivCardEngine } from '../virtual-card/piv-card-engine.js';
import type { z } from 'zod';
import { EMPTY_OUTBOX, type OutboxFeed } from './training-outbox.js';

// The training panel's deck: one virtual card per persona and the in-process readers they go
// in. Inserting and removing go through the reader driver, so the agent sees exactly what it
// would see from pcscd; the panel's view is read back from the readers, never kept alongside.
// The panel also shows the embedded service's outbox, so a trainee can read the security code
// a self-service unlock sends.

export interface TrainingCard {
  readonly persona: Persona;
  /** Shown in the panel: training cards guard synthetic people only. */
  readonly passcode: string;
  readonly engine: PivCardEngine;
}

export class TrainingDeck implements TrainingCards {
  private readonly listeners = new Set<() => void>();
  private readonly byKey: ReadonlyMap<string, TrainingCard>;
  private readonly stopOutbox: () => void;
  private readonly notify = (): void => {
    for (const listener of [...this.listeners]) listener();
  };

  constructor(
    private readonly cards: readonly TrainingCard[],
    private readonly readers: InProcessReaderDriver,
    private readonly readerNames: readonly string[],
    private readonly outbox: OutboxFeed = EMPTY_OUTBOX,
  ) {
    this.byKey = new Map(cards.map((c) => [c.persona.key, c]));
    // Every change of a reader (including ones the panel did not ask for, such as a fault
    // injection pulling a card) reaches the panel.
    readers.on('card-inserted', this.notify);
    readers.on('card-removed', this.notify);
    this.stopOutbox = outbox.onMessage(this.notify);
  }

  view(): z.infer<typeof TrainingView> {
    return {
      personas: this.cards.map((c) => ({
        key: c.persona.key,
        role: c.persona.roleLabel,
        name: c.persona.name,
        passcode: c.passcode,
        insertedIn: this.readerHolding(c.engine),
      })),
      readers: [...this.readerNames],
      outbox: this.outbox.read(),
    };
  }

  /** Puts the persona's card in `reader`: out of any other reader first, and in place of any card there. */
  insert(personaKey: string, reader: string): void {
    const card = this.byKey.get(personaKey);
    if (!card) throw new AgentFailure('bad-request', `There is no training card for "${personaKey}".`);
    this.checkReader(reader);
    const holding = this.readerHolding(card.engine);
    if (holding === reader) return;
    if (holding !== null) this.readers.remove(holding);
    this.readers.insert(reader, card.engine);
  }

  remove(reader: string): void {
    this.checkReader(reader);
    this.readers.remove(reader);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening to the readers (when training mode shuts down). */
  dispose(): void {
    this.readers.off('card-inserted', this.notify);
    this.readers.off('card-removed', this.notify);
    this.stopOutbox();
    this.listeners.clear();
  }

  private readerHolding(engine: PivCardEngine): string | null {
    return this.readerNames.find((name) => this.readers.cardIn(name) === engine) ?? null;
  }

  private checkReader(reader: string): void {
    if (!this.readerNames.includes(reader)) throw new AgentFailure('bad-request', `There is no training reader called "${reader}".`);
  }
}
