import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// `npm test` starts with scripts/prepare-test-machine.sh, and scripts/setup.sh (the README's first
// command) with scripts/build-prerequisites.sh. On a machine missing a package it
// installs it when root, and otherwise stops at once with the exact command to run. The
// machine's own `id`, `dpkg-query` and `apt-get` are stood in for, so nothing is installed.

const SCRIPTS = resolve(import.meta.dirname, '../../../scripts');
let bin: string;
afterEach(() => rmSync(bin, { recursive: true, force: true }));

function fakeMachine(script: string, uid: number, missing: readonly string[]): { run: () => ReturnType<typeof spawnSync>; aptLog: string } {
  bin = mkdtempSync(join(tmpdir(), 'prepare-machine-'));
  const aptLog = join(bin, 'apt-get.log');
  const tool = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('id', `[ "$1" = -u ] && echo ${uid} || exec /usr/bin/id "$@"`);
  tool('dpkg-query', `for p in ${missing.join(' ')}; do [ "$3" = "$p" ] && exit 1; done; printf 'install ok installed'`);
  tool('apt-get', `echo "$DEBIAN_FRONTEND $*" >> ${aptLog}`);
  // pcscd running and quick ACKs on, so nothing else on the machine is touched.
  tool('pgrep', 'exit 0');
  tool('ip', "echo 'local 127.0.0.1 dev lo quickack 1'");
  return {
    aptLog,
    run: () => spawnSync('bash', [join(SCRIPTS, script)], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}

describe('the test command installs what the suite needs, or stops at once with the exact command', () => {
  it('not root and a package missing: exits 1 naming the sudo apt-get command, installing nothing', () => {
    const machine = fakeMachine('prepare-test-machine.sh', 1000, ['vsmartcard-vpcd', 'chromium']);
    const result = machine.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sudo apt-get install -y --no-install-recommends vsmartcard-vpcd chromium');
    expect(existsSync(machine.aptLog)).toBe(false);
  });

  it('root and a package missing: installs it non-interactively, asking nothing', () => {
    const machine = fakeMachine('prepare-test-machine.sh', 0, ['postgresql']);
    const result = machine.run();
    expect(readFileSync(machine.aptLog, 'utf8').trim().split('\n')).toEqual(['noninteractive update -qq', 'noninteractive install -y -qq --no-install-recommends postgresql']);
    expect(result.stderr).not.toContain('sudo apt-get install');
  });
});

describe("the README's first command on a fresh machine: the build tools npm ci needs, or the command", () => {
  it('not root and no C++ compiler or PC/SC headers: exits 1 naming the sudo apt-get command', () => {
    const machine = fakeMachine('build-prerequisites.sh', 1000, ['g++', 'libpcsclite-dev']);
    const result = machine.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sudo apt-get install -y --no-install-recommends g++ libpcsclite-dev');
    expect(existsSync(machine.aptLog)).toBe(false);
  });

  it('root: installs them non-interactively and succeeds', () => {
    const machine = fakeMachine('build-prerequisites.sh', 0, ['python3', 'make']);
    expect(machine.run().status).toBe(0);
    expect(readFileSync(machine.aptLog, 'utf8').trim().split('\n')).toEqual(['noninteractive update -qq', 'noninteractive install -y -qq --no-install-recommends python3 make']);
  });
});
