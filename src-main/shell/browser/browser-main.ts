import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultLaunchDeps } from '../../launch/default-launch-deps.js';
import { launchAgent, type LaunchedAgent } from '../../launch/launch-agent.js';
import { LAUNCH_USAGE, LaunchOptionsError, parseLaunchOptions } from '../../launch/launch-options.js';
import { startBrowserShell, type BrowserShell } from './browser-shell.js';

// `npm run start:browser -- [--port p] [--training] [--data-dir d] ...` and `npm run training`:
// the agent with the browser shell. Prints one `agent ready: <url>` line on stdout once it
// accepts connections; everything else goes to stderr. SIGINT/SIGTERM close the shell, the
// agent, the readers and the embedded service, in that order.

const USAGE = `usage: npm run start:browser -- [options]    (npm run training: the same with --training)\n${LAUNCH_USAGE}`;

/** The nearest folder up with a package.json: the project, run from src-main (tsx) or dist/browser (`npm run build`). */
function projectRootFrom(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) return dir;
  }
}

export const RENDERER_DIR = join(projectRootFrom(dirname(fileURLToPath(import.meta.url))), 'dist', 'renderer');

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseLaunchOptions(argv);
  } catch (err) {
    if (!(err instanceof LaunchOptionsError)) throw err;
    console.error(err.message);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    console.error(`The window's files have not been built yet (${RENDERER_DIR} has no index.html).\nRun \`npm run build:renderer\` first, then start again.`);
    return 1;
  }

  let launched: LaunchedAgent;
  try {
    launched = await launchAgent(options, defaultLaunchDeps);
  } catch (err) {
    console.error(`The Identity Agent could not start: ${(err as Error).message}`);
    return 1;
  }
  let shell: BrowserShell;
  try {
    shell = await startBrowserShell({ agent: launched.agent, port: options.port, staticDir: RENDERER_DIR });
  } catch (err) {
    await launched.close().catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${options.port} on 127.0.0.1 is already in use: choose another with --port, or leave it out to use a free one.`);
      return 1;
    }
    throw err;
  }
  console.log(`identity service: ${launched.identityServiceUrl}`);
  if (options.training) console.error(`training mode: data in ${launched.dataDir}${options.dataDir === undefined ? ' (removed on exit)' : ''}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C while closing means "now".
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`${signal}: closing the Identity Agent`);
    void shell
      .close()
      .then(() => launched.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('closing did not finish cleanly:', err);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
