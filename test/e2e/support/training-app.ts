import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Starts the real thing the way a trainer would: the browser shell in training mode, in a
// fresh data folder, and waits for its one `agent ready: <url>` line.

const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SHELL_ENTRY = 'src-main/shell/browser/browser-main.ts';
const READY = /^agent ready: (http:\/\/\S+)$/m;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface TrainingAppOptions {
  readonly removalMode?: 'normal' | 'session-lock' | 'mobility';
  /** Mobility mode's --reauth-minutes and --idle-minutes. */
  readonly reauthMinutes?: number;
  readonly idleMinutes?: number;
}

export interface TrainingApp {
  /** The address the agent printed, secret included. */
  readonly url: string;
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  readonly secret: string;
  /** The app's data folder (its embedded service's database is in it). */
  readonly dataDir: string;
  /** Everything the app has written to stdout and stderr so far. */
  output(): string;
  close(): Promise<void>;
}

export async function startTrainingApp(options: TrainingAppOptions = {}): Promise<TrainingApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'care-identity-e2e-'));
  const args = ['--import', 'tsx', SHELL_ENTRY, '--training', '--port', '0', '--data-dir', dataDir];
  if (options.removalMode) args.push('--removal-mode', options.removalMode);
  if (options.reauthMinutes !== undefined) args.push('--reauth-minutes', String(options.reauthMinutes));
  if (options.idleMinutes !== undefined) args.push('--idle-minutes', String(options.idleMinutes));
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });

  let output = '';
  const record = (stream: string) => (chunk: Buffer) => {
    output += chunk
      .toString('utf8')
      .split(/(?<=\n)/)
      .map((line) => `[${stream}] ${line}`)
      .join('');
  };
  child.stdout?.on('data', record('stdout'));
  child.stderr?.on('data', record('stderr'));

  let url: string;
  try {
    url = await waitForReady(child, () => output);
  } catch (error) {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    secret: parsed.searchParams.get('secret') ?? '',
    dataDir,
    output: () => output,
    async close() {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`the app printed no "agent ready" line within ${START_TIMEOUT_MS} ms:\n${output()}`)), START_TIMEOUT_MS);
    const check = (): void => {
      const match = READY.exec(output().replace(/^\[stdout\] /gm, ''));
      if (match?.[1]) done(null, match[1]);
    };
    const exited = (code: number | null): void => done(new Error(`the app exited (code ${code}) before it was ready:\n${output()}`));
    function done(error: Error | null, url?: string): void {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve(url as string);
    }
    child.stdout?.on('data', check);
    child.once('exit', exited);
  });
}

/** SIGTERM (the app closes the shell, agent, readers and service), then SIGKILL if it hangs. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
