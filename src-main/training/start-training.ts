import { seedPersonas } from '../../src-service/seed/personas.js';
import { seedTrainingContent } from '../../src-service/seed/training-content.js';
import type { ServiceContext } from '../../src-service/service-context.js';
import { InProcessReaderDriver } from '../virtual-card/in-process-readers.js';
import { loadBlankCards } from './training-blank-cards.js';
import { loadOrIssueTrainingCard } from './training-card-file.js';
import { TrainingDeck, type TrainingCard } from './training-deck.js';
import { serviceOutboxFeed } from './training-outbox.js';
import { TRAINING_PASSCODES, TRAINING_READERS } from './training-passcodes.js';

// Training mode's hardware, all in process: the personas written into the embedded service's
// directory, a card for each (made by the service's card factory, or loaded from the data
// folder), two blank cards for issuing, two readers with nothing in them, and the deck the
// training panel drives, which also shows the service's outbox (the security codes
// self-service unlock sends).

export interface TrainingSetup {
  readonly readers: InProcessReaderDriver;
  readonly deck: TrainingDeck;
}

/** A relying party the panel links to ("Open the Training clinical app"). */
export interface TrainingAppLink {
  readonly name: string;
  readonly url: string;
}

export async function startTraining(service: ServiceContext, dataDir: string, apps: readonly TrainingAppLink[] = []): Promise<TrainingSetup> {
  const seeded = await seedPersonas(service.db);
  await seedTrainingContent(service.db, service.now());
  const cards: TrainingCard[] = [];
  for (const { persona } of seeded) {
    const file = await loadOrIssueTrainingCard(service, dataDir, persona);
    cards.push({ key: persona.key, role: persona.roleLabel, name: persona.name, passcode: TRAINING_PASSCODES[persona.key], path: file.path, state: file.state });
  }
  cards.push(...(await loadBlankCards(service.db, dataDir)));
  const readers = new InProcessReaderDriver(TRAINING_READERS);
  return { readers, deck: new TrainingDeck(cards, readers, TRAINING_READERS, await serviceOutboxFeed(service), apps) };
}
