import { join } from 'node:path';
import type { Db } from '../../src-service/store/database.js';
import { guidToUuid, parseChuid } from '../../src-shared/card/piv-objects.js';
import { TlvError } from '../../src-shared/card/tlv.js';
import type { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { blankCardState, FACTORY_PIN } from '../virtual-card/blank-card.js';
import { CardStateFileError, loadOrCreateCardState, saveCardState } from '../virtual-card/state-file.js';
import { TRAINING_CARDS_DIR } from './training-card-file.js';
import type { TrainingCard } from './training-deck.js';

// Training's blank smartcards, as they come from the supplier: RA staff practise issuing them
// in the second reader, clearing them and issuing them again. Each is kept in a state file in
// the data folder, so an issued card stays issued across a restart with the same --data-dir.
// A file whose card the directory has never heard of (a fresh database beside an old folder)
// starts blank again: it could never be used or cleared there.

const BLANK_CARDS = [
  { key: 'blank-card-1', name: 'Blank card 1' },
  { key: 'blank-card-2', name: 'Blank card 2' },
] as const;

const BLANK_CARD_ROLE = 'Blank card';

export async function loadBlankCards(db: Db, dataDir: string): Promise<TrainingCard[]> {
  const cards: TrainingCard[] = [];
  for (const blank of BLANK_CARDS) {
    const path = join(dataDir, TRAINING_CARDS_DIR, `${blank.key}.json`);
    const state = await knownOrBlank(db, path);
    cards.push({ key: blank.key, role: BLANK_CARD_ROLE, name: blank.name, passcode: null, blank: { factoryPasscode: FACTORY_PIN }, path, state });
  }
  return cards;
}

async function knownOrBlank(db: Db, path: string): Promise<VirtualCardState> {
  let state: VirtualCardState;
  try {
    state = loadOrCreateCardState(path).state;
  } catch (err) {
    if (!(err instanceof CardStateFileError)) throw err;
    return fresh(path);
  }
  const uuid = chuidUuidOf(state);
  if (uuid === undefined) return state;
  if (uuid === null || !(await directoryKnows(db, uuid))) return fresh(path);
  return state;
}

function fresh(path: string): VirtualCardState {
  const state = blankCardState();
  saveCardState(path, state);
  return state;
}

/** The CHUID's card UUID; undefined when there is no CHUID, null when it does not parse. */
function chuidUuidOf(state: VirtualCardState): string | null | undefined {
  const chuid = state.objects['5fc102'];
  if (chuid === undefined) return undefined;
  try {
    return guidToUuid(parseChuid(Buffer.from(chuid, 'hex')).guid);
  } catch (err) {
    if (err instanceof TlvError) return null;
    throw err;
  }
}

/** A registered card (any status), or one an issue was making when it stopped. */
async function directoryKnows(db: Db, cardUuid: string): Promise<boolean> {
  const card = await db.selectFrom('cards').select('id').where('uuid', '=', cardUuid).executeTakeFirst();
  if (card) return true;
  const operation = await db.selectFrom('card_operations').select('id').where('card_uuid', '=', cardUuid).executeTakeFirst();
  return operation !== undefined;
}
