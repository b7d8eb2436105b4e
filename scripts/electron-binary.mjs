// Whether the Electron binary is here, and what `npm start` says when it is not. Electron is an
// optional dependency: where its binary cannot be downloaded, npm leaves the package out.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The Electron binary's path as seen from `projectDir`, or null when npm could not install it. */
export function findElectronBinary(projectDir) {
  try {
    // The electron package's main export is the path of its downloaded binary; it throws when
    // the download did not happen, and the package is absent when npm dropped it.
    const path = createRequire(join(projectDir, 'package.json'))('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export function missingElectronMessage(version) {
  return `Electron is not installed here: npm could not download its binary (Electron ${version}), so it left the optional package out.

- To use the app now without Electron, in your browser:
    npm run build:renderer && npm run training      (training cards, no hardware)
    npm run build:renderer && npm run start:browser (real readers)
- To install Electron, on a machine that can reach Electron's download server (github.com):
    npm ci
  or through a mirror of it: ELECTRON_MIRROR=https://<mirror>/electron/ npm ci
  then: npm run rebuild:electron && npm start`;
}
