import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

// Where the agent and the embedded service keep their files: the platform's per-user data
// folder, the one given with --data-dir, or (training without --data-dir) a fresh temporary
// folder so every training start begins with the same cards.

const DATA_DIR_NAME = 'care-identity-workstation';

export interface PlatformFacts {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
}

const hostFacts = (): PlatformFacts => ({ platform: process.platform, env: process.env, home: homedir() });

export function defaultDataDir(facts: PlatformFacts = hostFacts()): string {
  const { platform, env, home } = facts;
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), DATA_DIR_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', DATA_DIR_NAME);
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), DATA_DIR_NAME);
}

export interface ResolvedDataDir {
  readonly path: string;
  /** A temporary training folder, removed when the agent closes. */
  readonly temporary: boolean;
}

export function resolveDataDir(options: { readonly dataDir: string | undefined; readonly training: boolean }, facts?: PlatformFacts): ResolvedDataDir {
  if (options.dataDir !== undefined) return { path: resolve(options.dataDir), temporary: false };
  if (options.training) return { path: mkdtempSync(join(tmpdir(), 'care-identity-training-')), temporary: true };
  return { path: defaultDataDir(facts), temporary: false };
}
