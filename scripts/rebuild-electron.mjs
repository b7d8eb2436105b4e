// `npm run rebuild:electron`: builds better-sqlite3 and pcsclite for the locked Electron's ABI
// (node-abi: Electron 45 is ABI 150), so `npm start` and packaging load them. It needs Electron's
// headers from artifacts.electronjs.org (or better-sqlite3's prebuilt binary from GitHub). The
// modules then no longer load in Node: `npm run rebuild:node` puts them back for the tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lockedElectronVersion, projectRoot } from './locked-electron.mjs';

const NATIVE_MODULES = 'better-sqlite3,pcsclite';
const cli = join(projectRoot, 'node_modules/@electron/rebuild/lib/cli.js');
if (!existsSync(cli)) {
  console.error('@electron/rebuild is not installed: run `npm ci` first.');
  process.exit(1);
}
const version = lockedElectronVersion();
console.error(`rebuilding ${NATIVE_MODULES} for Electron ${version}`);
const run = spawnSync(process.execPath, [cli, '--version', version, '--force', '--only', NATIVE_MODULES, '--module-dir', projectRoot], { stdio: 'inherit' });
if (run.status !== 0) {
  console.error(
    `\nThe rebuild for Electron ${version} failed. It downloads Electron's headers from artifacts.electronjs.org: ` +
      'where that is blocked, use the browser shell instead (`npm run start:browser`), which needs no rebuild. ' +
      'Run `npm run rebuild:node` to make sure the modules still load in Node.',
  );
  process.exit(run.status ?? 1);
}
console.error('done: `npm start` can load them now. `npm run rebuild:node` before running the tests again.');
