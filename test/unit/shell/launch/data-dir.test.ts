import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from '../../../../src-main/launch/data-dir.js';

// Where the agent's files go by default on each platform, and the training folder rule.

const facts = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}) => ({ platform, env, home: '/home/amelia' });

describe('defaultDataDir', () => {
  it('Linux: $XDG_DATA_HOME when it is absolute, else ~/.local/share', () => {
    expect(defaultDataDir(facts('linux', { XDG_DATA_HOME: '/data/amelia' }))).toBe(join('/data/amelia', 'care-identity-workstation'));
    expect(defaultDataDir(facts('linux'))).toBe(join('/home/amelia', '.local', 'share', 'care-identity-workstation'));
    // The XDG spec: a relative value is invalid and ignored.
    expect(defaultDataDir(facts('linux', { XDG_DATA_HOME: 'relative/dir' }))).toBe(join('/home/amelia', '.local', 'share', 'care-identity-workstation'));
  });

  it('Windows: %APPDATA%, else the roaming folder under the profile', () => {
    expect(defaultDataDir(facts('win32', { APPDATA: 'C:\\Users\\amelia\\AppData\\Roaming' }))).toBe(join('C:\\Users\\amelia\\AppData\\Roaming', 'care-identity-workstation'));
    expect(defaultDataDir(facts('win32'))).toBe(join('/home/amelia', 'AppData', 'Roaming', 'care-identity-workstation'));
  });

  it('macOS: Application Support', () => {
    expect(defaultDataDir(facts('darwin'))).toBe(join('/home/amelia', 'Library', 'Application Support', 'care-identity-workstation'));
  });
});

describe('resolveDataDir', () => {
  it('--data-dir wins, made absolute, and is never temporary (training included)', () => {
    expect(resolveDataDir({ dataDir: 'rel/dir', training: true }, facts('linux'))).toEqual({ path: resolve('rel/dir'), temporary: false });
  });

  it('training without --data-dir: a fresh temporary folder each time', () => {
    const a = resolveDataDir({ dataDir: undefined, training: true });
    const b = resolveDataDir({ dataDir: undefined, training: true });
    try {
      expect(a.temporary).toBe(true);
      expect(a.path.startsWith(tmpdir() + sep)).toBe(true);
      expect(existsSync(a.path)).toBe(true);
      expect(a.path).not.toBe(b.path);
    } finally {
      rmSync(a.path, { recursive: true, force: true });
      rmSync(b.path, { recursive: true, force: true });
    }
  });

  it('otherwise the platform default', () => {
    expect(resolveDataDir({ dataDir: undefined, training: false }, facts('linux'))).toEqual({
      path: join('/home/amelia', '.local', 'share', 'care-identity-workstation'),
      temporary: false,
    });
  });
});
