import type { TrainingView } from '../../src-shared/api/agent-api.js';
import type { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { AgentFailure, type TrainingCards } from '../agent/agent-types.js';
import type { InProcessReaderDriver } from '../virtual-card/in-process-readers.js';
import { PivCardEngine } from '../virtual-card/piv-card-engine.js';
import { saveCardState } from '../virtual-card/state-file.js';
import type { z } from 'zod';
import { EMPTY_OUTBOX, type OutboxFeed } from './training-outbox.js';

// The training panel's deck: one virtual card per persona, the blank cards RA staff practise
// issuing on, and the in-process readers they go in. Inserting and removing go through the
// reader driver, so the agent sees exactly what it would see from pcscd; the panel's view is
// read back from the readers and the cards, never kept alongside. The panel also shows the
// embedded service's outbox, so a trainee can read the security code a self-service unlock sends.

/** Where the authentication certificate lives on a PIV card (slot 9A). */
const CERTIFICATE_OBJECT = '5fc105';

export interface TrainingCard {
  /** The panel's key for the card: a persona key, or a blank card's ('blank-card-1'). */
  readonly key: string;
  /** "Clinician", "Blank card". */
  readonly role: string;
  /** The persona's name, or the blank card's ("Blank card 1"). */
  readonly name: string;
  /**
   * Shown in the panel: training cards guard synthetic people only. A blank card's is the
   * factory passcode while it is blank; once issued it is the one its holder chose (null: not known).
   */
  readonly passcode: string | null;
  /** Blank cards: the factory passcode is shown only while the card is blank. */
  readonly blank?: { readonly factoryPasscode: string };
  /** The card's state file: every change is saved there, as a card commits before it answers. */
  readonly path: string;
  readonly state: VirtualCardState;
}

interface DeckCard {
  readonly card: TrainingCard;
  engine: PivCardEngine;
}

export class TrainingDeck implements TrainingCards {
  private readonly listeners = new Set<() => void>();
  private readonly byKey: ReadonlyMap<string, DeckCard>;
  private readonly stopOutbox: () => void;
  private readonly notify = (): void => {
    for (const listener of [...this.listeners]) listener();
  };

  constructor(
    cards: readonly TrainingCard[],
    private readonly readers: InProcessReaderDriver,
    private readonly readerNames: readonly string[],
    private readonly outbox: OutboxFeed = EMPTY_OUTBOX,
    private readonly apps: ReadonlyArray<{ readonly name: string; readonly url: string }> = [],
  ) {
    this.byKey = new Map(cards.map((card) => [card.key, { card, engine: this.engineFor(card, card.state) }]));
    // Every change of a reader (including ones the panel did not ask for, such as a fault
    // injection pulling a card) reaches the panel.
    readers.on('card-inserted', this.notify);
    readers.on('card-removed', this.notify);
    this.stopOutbox = outbox.onMessage(this.notify);
  }

  view(): z.infer<typeof TrainingView> {
    return {
      personas: [...this.byKey.values()].map(({ card, engine }) => ({
        key: card.key,
        role: card.role,
        name: card.name,
        passcode: card.blank ? (isFactoryBlank(engine.snapshot()) ? card.blank.factoryPasscode : null) : card.passcode,
        insertedIn: this.readerHolding(engine),
      })),
      readers: [...this.readerNames],
      outbox: this.outbox.read(),
      apps: this.apps.map(({ name, url }) => ({ name, url })),
    };
  }

  /** Puts the card in `reader`: out of any other reader first, and in place of any card there. */
  insert(key: string, reader: string): void {
    const { engine } = this.cardOf(key);
    this.checkReader(reader);
    const holding = this.readerHolding(engine);
    if (holding === reader) return;
    if (holding !== null) this.readers.remove(holding);
    this.readers.insert(reader, engine);
  }

  remove(reader: string): void {
    this.checkReader(reader);
    this.readers.remove(reader);
  }

  /**
   * Training only: deletes the card's authentication certificate object (5FC105), as a damaged
   * card loses it, so a trainee can practise "Repair a smartcard". The key and everything else
   * stay. A card in a reader is taken out and put back, as a real one would be to damage it.
   */
  damageCertificate(key: string): void {
    const entry = this.cardOf(key);
    const state = entry.engine.snapshot();
    if (state.objects[CERTIFICATE_OBJECT] === undefined) {
      throw new AgentFailure('not-now', `${entry.card.name}'s card has no certificate to delete.`);
    }
    delete state.objects[CERTIFICATE_OBJECT];
    const reader = this.readerHolding(entry.engine);
    if (reader !== null) this.readers.remove(reader);
    saveCardState(entry.card.path, state);
    entry.engine = this.engineFor(entry.card, state);
    if (reader !== null) this.readers.insert(reader, entry.engine);
    else this.notify();
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

  private engineFor(card: TrainingCard, state: VirtualCardState): PivCardEngine {
    return new PivCardEngine(state, {
      onPersist: (next) => {
        saveCardState(card.path, next);
        // A blank card's shown passcode follows what the card is (blank, issued, cleared).
        if (card.blank) this.notify();
      },
    });
  }

  private cardOf(key: string): DeckCard {
    const entry = this.byKey.get(key);
    if (!entry) throw new AgentFailure('bad-request', `There is no training card for "${key}".`);
    return entry;
  }

  private readerHolding(engine: PivCardEngine): string | null {
    return this.readerNames.find((name) => this.readers.cardIn(name) === engine) ?? null;
  }

  private checkReader(reader: string): void {
    if (!this.readerNames.includes(reader)) throw new AgentFailure('bad-request', `There is no training reader called "${reader}".`);
  }
}

/** As it left the factory: no CHUID, no keys, no certificate. */
function isFactoryBlank(state: VirtualCardState): boolean {
  return state.objects['5fc102'] === undefined && state.objects[CERTIFICATE_OBJECT] === undefined && Object.keys(state.keys).length === 0;
}
