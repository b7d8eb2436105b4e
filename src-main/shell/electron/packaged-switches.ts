// A packaged Identity Agent holds a session token and relays card operations: a switch that opens
// a debugger, turns off the renderer sandbox or web security, or runs another program in place of
// Chromium's child processes would hand all of that to whoever wrote the shortcut. Chromium has
// already acted on some of these by the time the app's code runs (a debugging port is open, the
// sandbox is off), so removing them then is too late: a packaged app refuses to start instead,
// saying which switch and why. Development runs (`npm start`) keep them for debugging.
// Pure, so tested without Electron; the shell feeds it process.argv and app.commandLine.

/** Chromium and Node switches a packaged app refuses, by name (without dashes, lower case). */
export const REFUSED_SWITCHES: ReadonlySet<string> = new Set([
  // Debuggers: Chromium's DevTools protocol and Node's inspector.
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-publish-uid',
  'debug',
  'debug-brk',
  'js-flags',
  // The sandbox and the web security model.
  'no-sandbox',
  'disable-setuid-sandbox',
  'disable-namespace-sandbox',
  'disable-seccomp-filter-sandbox',
  'disable-gpu-sandbox',
  'no-zygote',
  'disable-web-security',
  'disable-site-isolation-trials',
  'allow-running-insecure-content',
  'ignore-certificate-errors',
  'ignore-certificate-errors-spki-list',
  'allow-insecure-localhost',
  'load-extension',
  // Other programs run as, or in front of, Chromium's child processes.
  'renderer-cmd-prefix',
  'utility-cmd-prefix',
  'gpu-launcher',
  'browser-subprocess-path',
  'ppapi-plugin-launcher',
]);

/**
 * The refused switches on a command line, in the order given. Chromium reads `--name`,
 * `--name=value` and `-name` (and `/name` on Windows, where names are not case-sensitive).
 */
export function refusedSwitches(argv: readonly string[], platform: NodeJS.Platform = process.platform): string[] {
  const found: string[] = [];
  for (const arg of argv) {
    const name = switchName(arg, platform);
    if (name !== null && REFUSED_SWITCHES.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
}

function switchName(arg: string, platform: NodeJS.Platform): string | null {
  const prefix = /^--?/.exec(arg)?.[0] ?? (platform === 'win32' && arg.startsWith('/') ? '/' : null);
  if (prefix === null || arg.length === prefix.length) return null;
  const name = arg.slice(prefix.length).split('=', 1)[0] ?? '';
  // Windows lower-cases switch names; elsewhere case matters, but refuse either spelling.
  return name.toLowerCase();
}

/** What a packaged app says before exiting, or null when it may start. */
export function packagedStartRefusal(found: readonly string[]): string | null {
  if (found.length === 0) return null;
  const list = found.map((name) => `--${name}`).join(', ');
  return (
    `Care Identity will not start with ${list}: ${found.length === 1 ? 'this switch turns' : 'these switches turn'} off protections that keep ` +
    'your smartcard session safe (debugging, the sandbox or web security). Start Care Identity from its usual shortcut, ' +
    'without extra switches; if a shortcut adds them, ask your IT service desk to correct it.'
  );
}
