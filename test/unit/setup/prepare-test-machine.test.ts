import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// `npm test` starts with scripts/prepare-test-machine.sh. On a machine missing a package it
// installs it when root, and otherwise stops at once with the exact command to run. The
// machine's own `id`, `dpkg-query` and `apt-get` are stood in for, so nothing is installed.

const SCRIPT = resolve(import.meta.dirname, '../../../scripts/prepare-test-machine.sh');
let bin: string;
afterEach(() => rmSync(bin, { recursive: true, force: true }));

function fakeMachine(uid: number, missing: readonly string[]): { run: () => ReturnType<typeof spawnSync>; aptLog: string } {
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
    run: () => spawnSync('bash', [SCRIPT], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}

describe('the test command installs what the suite needs, or stops at once with the exact command', () => {
  it('not root and a package missing: exits 1 naming the sudo apt-get command, installing nothing', () => {
    const machine = fakeMachine(1000, ['vsmartcard-vpcd', 'chromium']);
    const result = machine.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sudo apt-get install -y --no-install-recommends vsmartcard-vpcd chromium');
    expect(existsSync(machine.aptLog)).toBe(false);
  });

  it('root and a package missing: installs it non-interactively, asking nothing', () => {
    const machine = fakeMachine(0, ['postgresql']);
    const result = machine.run();
    expect(readFileSync(machine.aptLog, 'utf8').trim().split('\n')).toEqual(['noninteractive update -qq', 'noninteractive install -y -qq --no-install-recommends postgresql']);
    expect(result.stderr).not.toContain('sudo apt-get install');
  });
});
