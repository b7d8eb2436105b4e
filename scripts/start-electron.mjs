// `npm start`: the Electron app, or, where npm could not install Electron, what to do instead,
// said before anything is built.
import { spawnSync } from 'node:child_process';
import { findElectronBinary, missingElectronMessage } from './electron-binary.mjs';
import { lockedElectronVersion, projectRoot } from './locked-electron.mjs';

const binary = findElectronBinary(projectRoot);
if (binary === null) {
  console.error(missingElectronMessage(lockedElectronVersion()));
  process.exit(1);
}

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npm', ['run', 'build:renderer']);
run('npm', ['run', 'build:electron']);
run(binary, ['.', ...process.argv.slice(2)]);
