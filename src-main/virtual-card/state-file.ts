import { readFileSync } from 'node:fs';
import { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { writeVirtualCardStateFile } from '../../src-shared/card/virtual-card-state-file.js';
import { blankCardState } from './blank-card.js';

// A virtual card's state file. Saves are atomic (write a temporary file, fsync, rename, fsync
// the folder), so a process killed at any instant leaves either the old card or the new one.

export class CardStateFileError extends Error {
  override name = 'CardStateFileError';
}

/** Loads a state file; a missing file becomes a blank factory-default card (saved at once). */
export function loadOrCreateCardState(path: string): { state: VirtualCardState; created: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const state = blankCardState();
    saveCardState(path, state);
    return { state, created: true };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CardStateFileError(`${path} is not a card state file (not JSON).`);
  }
  const parsed = VirtualCardState.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CardStateFileError(`${path} is not a valid card state file: ${first?.path.join('.') || '(root)'} ${first?.message ?? ''}`.trim());
  }
  return { state: parsed.data, created: false };
}

/** Saves atomically with mode 0600 (see src-shared/card/virtual-card-state-file.ts). */
export function saveCardState(path: string, state: VirtualCardState): void {
  writeVirtualCardStateFile(path, state);
}
