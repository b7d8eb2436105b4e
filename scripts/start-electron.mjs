// `npm start`: the Electron app. Electron is an optional dependency: where its binary cannot be
// downloaded, npm leaves it out and this says what to do instead, before building anything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { lockedElectronVersion, projectRoot } from './locked-electron.mjs';

/** The Electron binary's path, or null when npm could not install it. */
function electronBinary() {
  try {
    // The electron package's main export is the path of its downloaded binary; it throws when
    // the download did not happen, and the package is absent when npm dropped it.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (binary === null) {
  const version = lockedElectronVersion();
  console.error(`Electron is not installed here: npm could not download its binary (Electron ${version}), so it left the optional package out.

- To use the app now without Electron, in your browser:
    npm run build:renderer && npm run training      (training cards, no hardware)
    npm run build:renderer && npm run start:browser (real readers)
- To install Electron, on a machine that can reach Electron's download server (github.com):
    npm ci
  or through a mirror of it: ELECTRON_MIRROR=https://<mirror>/electron/ npm ci
  then: npm run rebuild:electron && npm start`);
  process.exit(1);
}

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npm', ['run', 'build:renderer']);
run('npm', ['run', 'build:electron']);
run(binary, ['.', ...process.argv.slice(2)]);
