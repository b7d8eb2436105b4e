// The Electron version package-lock.json locks: the one the typings, the native-module rebuild
// and the packaged app all use, whether or not npm could install its binary here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const projectRoot = new URL('..', import.meta.url).pathname;

export function lockedElectronVersion() {
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8'));
  const version = lock.packages?.['node_modules/electron']?.version;
  if (!version) throw new Error('package-lock.json does not lock an electron version');
  return version;
}
