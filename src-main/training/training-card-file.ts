import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeCard, type CardFactoryDeps } from '../../src-service/ca/card-factory.js';
import type { Persona } from '../../src-service/seed/personas.js';
import { guidToUuid, parseChuid } from '../../src-shared/card/piv-objects.js';
import { TlvError } from '../../src-shared/card/tlv.js';
import type { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { CardStateFileError, loadOrCreateCardState, saveCardState } from '../virtual-card/state-file.js';
import { EXPIRED_DAYS_AGO, EXPIRED_VALID_DAYS, NEAR_EXPIRY_DAYS, TRAINING_PASSCODES } from './training-passcodes.js';

// One persona's training card, kept as a state file in the data folder: the engine saves every
// change to it, so a wrong passcode costs a real attempt and survives a restart with the same
// --data-dir. A file is reused only while the directory still knows its card; otherwise (first
// start, a fresh database, a damaged file) the card factory issues a new one.

export const TRAINING_CARDS_DIR = 'training-cards';

export interface TrainingCardFile {
  readonly path: string;
  readonly state: VirtualCardState;
  readonly cardUuid: string;
  /** Issued at this start (false: loaded from an earlier one). */
  readonly issued: boolean;
}

export function trainingCardPath(dataDir: string, persona: Persona): string {
  return join(dataDir, TRAINING_CARDS_DIR, `${persona.key}.json`);
}

export async function loadOrIssueTrainingCard(deps: CardFactoryDeps, dataDir: string, persona: Persona): Promise<TrainingCardFile> {
  const path = trainingCardPath(dataDir, persona);
  const existing = await loadKnownCard(deps, path, persona);
  if (existing) return { path, ...existing, issued: false };

  const made = await makeCard(persona.card === 'expired' ? issuedInThePast(deps) : deps, {
    userUuid: persona.uuid,
    passcode: TRAINING_PASSCODES[persona.key],
    actor: 'training',
    ...(persona.card === 'near-expiry' ? { validDays: NEAR_EXPIRY_DAYS } : {}),
    ...(persona.card === 'expired' ? { validDays: EXPIRED_VALID_DAYS } : {}),
    // Saved inside the factory's registration transaction: no registered card without its file.
    persist: (state) => saveCardState(path, asIssuedFor(persona, state)),
  });
  return { path, state: asIssuedFor(persona, made.state), cardUuid: made.cardUuid, issued: true };
}

const DAY_MS = 86_400_000;

/**
 * The expired persona's card is made by a factory whose clock is set back, so its certificate
 * is an ordinary one that began long ago and ended EXPIRED_DAYS_AGO (notBefore < notAfter < today).
 */
function issuedInThePast(deps: CardFactoryDeps): CardFactoryDeps {
  const today = deps.now?.() ?? new Date();
  const issuedAt = new Date(today.getTime() - (EXPIRED_VALID_DAYS + EXPIRED_DAYS_AGO) * DAY_MS);
  return { ...deps, now: () => issuedAt };
}

/** The factory makes working cards; the locked persona's starts with its passcode blocked. */
function asIssuedFor(persona: Persona, state: VirtualCardState): VirtualCardState {
  if (persona.card !== 'locked') return state;
  return { ...state, pin: { ...state.pin, triesLeft: 0 } };
}

async function loadKnownCard(deps: CardFactoryDeps, path: string, persona: Persona): Promise<{ state: VirtualCardState; cardUuid: string } | undefined> {
  if (!existsSync(path)) return undefined;
  let state: VirtualCardState;
  let cardUuid: string;
  try {
    state = loadOrCreateCardState(path).state;
    const chuid = state.objects['5fc102'];
    if (!chuid) return undefined;
    cardUuid = guidToUuid(parseChuid(Buffer.from(chuid, 'hex')).guid);
  } catch (err) {
    if (err instanceof CardStateFileError || err instanceof TlvError) return undefined;
    throw err;
  }
  const status = (
    await deps.db
      .selectFrom('cards as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select('c.status')
      .where('c.uuid', '=', cardUuid)
      .where('u.uuid', '=', persona.uuid)
      .executeTakeFirst()
  )?.status;
  return status === 'active' || status === 'locked' ? { state, cardUuid } : undefined;
}
