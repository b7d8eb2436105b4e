import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writePrivateFile } from '../private-files.js';
import { VirtualCardState } from './virtual-card-state.js';

// Writes a virtual card's state file (Node only). The file holds the card's private keys and
// management key (it *is* the card), so it is a private file written atomically
// (src-shared/private-files.ts): a process killed at any instant leaves either the old card or
// the new one, never half of each. Shared by the virtual card and the card factory.

export function writeVirtualCardStateFile(path: string, state: VirtualCardState): void {
  const valid = VirtualCardState.parse(state);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writePrivateFile(path, JSON.stringify(valid, null, 1));
}
