import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { VirtualCardState } from './virtual-card-state.js';

// Writes a virtual card's state file (Node only). The file holds the card's private keys and
// management key (it *is* the card), so it is created 0600 and written atomically: temporary
// file, fsync, rename, fsync the folder. A process killed at any instant leaves either the old
// card or the new one, never half of each. Shared by the virtual card and the card factory.

export function writeVirtualCardStateFile(path: string, state: VirtualCardState): void {
  const valid = VirtualCardState.parse(state);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    // The mode given to open is reduced by the umask, never widened; make it exactly 0600.
    fchmodSync(fd, 0o600);
    writeSync(fd, JSON.stringify(valid, null, 1));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
