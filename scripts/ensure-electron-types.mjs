// Electron's install script downloads its binary, which some machines cannot reach; npm then
// drops the optional `electron` package, and with it the API typings the Electron shell is
// checked against. This puts the typings of exactly the locked Electron version beside it, from
// the npm registry, so the shell stays type-checked on every machine that can run `npm ci`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockedElectronVersion, projectRoot as root } from './locked-electron.mjs';

const installed = join(root, 'node_modules/electron/electron.d.ts');
const fallbackDir = join(root, 'node_modules/.electron-types');
const fallback = join(fallbackDir, 'electron.d.ts');

const version = lockedElectronVersion();

const stamp = join(fallbackDir, 'version');
const current = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (existsSync(installed) || (existsSync(fallback) && current === version)) process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'electron-types-'));
try {
  execFileSync('npm', ['pack', `electron@${version}`, '--pack-destination', work, '--silent'], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  execFileSync('tar', ['-xzf', join(work, `electron-${version}.tgz`), '-C', work, 'package/electron.d.ts']);
  mkdirSync(fallbackDir, { recursive: true });
  copyFileSync(join(work, 'package/electron.d.ts'), fallback);
  execFileSync('sh', ['-c', `printf '%s\\n' "$0" > "$1"`, version, stamp]);
  console.log(`electron ${version} is not installed here (its binary could not be downloaded); type-checking against its published typings`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
