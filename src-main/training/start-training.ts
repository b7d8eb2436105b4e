import { seedPersonas } from '../../src-service/seed/personas.js';
import { seedTrainingContent } from '../../src-service/seed/training-content.js';
import type { ServiceContext } from '../../src-service/service-context.js';
import { InProcessReaderDriver } from '../virtual-card/in-process-readers.js';
import { PivCardEngine } from '../virtual-card/piv-card-engine.js';
import { saveCardState } from '../virtual-card/state-file.js';
import { loadOrIssueTrainingCard } from './training-card-file.js';
import { TrainingDeck } from './training-deck.js';
import { serviceOutboxFeed } from './training-outbox.js';
import { TRAINING_PASSCODES, TRAINING_READERS } from './training-passcodes.js';

// Training mode's hardware, all in process: the personas written into the embedded service's
// directory, a card for each (made by the service's card factory, or loaded from the data
// folder), two readers with nothing in them, and the deck the training panel drives, which
// also shows the service's outbox (the security codes self-service unlock sends).

export interface TrainingSetup {
  readonly readers: InProcessReaderDriver;
  readonly deck: TrainingDeck;
}

export async function startTraining(service: ServiceContext, dataDir: string): Promise<TrainingSetup> {
  const seeded = await seedPersonas(service.db);
  await seedTrainingContent(service.db, service.now());
  const cards = [];
  for (const { persona } of seeded) {
    const file = await loadOrIssueTrainingCard(service, dataDir, persona);
    const engine = new PivCardEngine(file.state, { onPersist: (state) => saveCardState(file.path, state) });
    cards.push({ persona, passcode: TRAINING_PASSCODES[persona.key], engine });
  }
  const readers = new InProcessReaderDriver(TRAINING_READERS);
  return { readers, deck: new TrainingDeck(cards, readers, TRAINING_READERS, await serviceOutboxFeed(service)) };
}
