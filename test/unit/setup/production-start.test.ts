import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNodeBundles } from '../../../scripts/build-node.mjs';
import { findElectronBinary, missingElectronMessage } from '../../../scripts/electron-binary.mjs';

// A newcomer's first commands: the compiled agent starts in training mode with plain node, and
// `npm start` without the Electron binary says what to do instead.

const ROOT = resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `node <file> <args>` until `ready` appears on stdout; resolves with stdout, or rejects with stderr. */
function startUntil(file: string, args: string[], ready: string, cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(ready)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', () => {
      clearTimeout(timer);
      if (out.includes(ready)) resolvePromise(out);
      else reject(new Error(`no "${ready}": ${err}`));
    });
  });
}

describe('the agent runs from compiled JavaScript in production', () => {
  it('node dist/browser/browser-main.js --training prints "agent ready" with no tsx', async () => {
    // A copy of the project's layout: the bundles, a built window, and the project's node_modules.
    const project = tempDir('compiled-agent-');
    writeFileSync(join(project, 'package.json'), '{"type":"module"}');
    symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
    mkdirSync(join(project, 'dist/renderer'), { recursive: true });
    writeFileSync(join(project, 'dist/renderer/index.html'), '<!doctype html><title>Care Identity</title>');
    await buildNodeBundles(project);
    const out = await startUntil(join(project, 'dist/browser/browser-main.js'), ['--training'], 'agent ready:', project);
    expect(out).toMatch(/^agent ready: http:\/\/127\.0\.0\.1:\d+\/\?secret=/m);
  });
});

describe('npm start says clearly what to do when Electron is missing', () => {
  it('no electron package: no binary', () => {
    const project = tempDir('no-electron-');
    writeFileSync(join(project, 'package.json'), '{}');
    expect(findElectronBinary(project)).toBeNull();
  });

  it('an electron package whose download did not happen: no binary', () => {
    const project = tempDir('electron-undownloaded-');
    writeFileSync(join(project, 'package.json'), '{}');
    mkdirSync(join(project, 'node_modules/electron'), { recursive: true });
    writeFileSync(join(project, 'node_modules/electron/index.js'), "throw new Error('Electron failed to install correctly');");
    expect(findElectronBinary(project)).toBeNull();
    writeFileSync(join(project, 'node_modules/electron/index.js'), `module.exports = ${JSON.stringify(join(project, 'dist/electron'))};`);
    expect(findElectronBinary(project)).toBeNull();
  });

  it('an installed electron: its binary', () => {
    const project = tempDir('electron-installed-');
    writeFileSync(join(project, 'package.json'), '{}');
    mkdirSync(join(project, 'node_modules/electron/dist'), { recursive: true });
    const binary = join(project, 'node_modules/electron/dist/electron');
    writeFileSync(binary, '');
    writeFileSync(join(project, 'node_modules/electron/index.js'), `module.exports = ${JSON.stringify(binary)};`);
    expect(findElectronBinary(project)).toBe(binary);
  });

  it('the message names the browser mode and how to install Electron', () => {
    const message = missingElectronMessage('45.6.1');
    expect(message).toContain('Electron 45.6.1');
    expect(message).toContain('npm run build:renderer && npm run training');
    expect(message).toContain('ELECTRON_MIRROR=');
    expect(message).toContain('npm run rebuild:electron && npm start');
  });
});
