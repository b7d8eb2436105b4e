import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { RemovalMode } from '../../src-shared/api/agent-api.js';
import { MOBILITY_DEFAULTS, type MobilityPolicy } from '../agent/agent-model.js';
import { DEFAULT_BRIDGE_PORT, SignInStyle } from '../../src-shared/api/agent-bridge.js';

// The command-line options both shells share. A bad value stops the launch with a message that
// names the option and says what would be accepted; never a stack trace.

export interface LaunchOptions {
  /** Embedded seeded service, two in-process readers and the personas' virtual cards. */
  readonly training: boolean;
  /** Given with --data-dir; otherwise the platform default (or a temporary folder in training). */
  readonly dataDir: string | undefined;
  /** Browser shell only: the loopback port (0 picks a free one). */
  readonly port: number;
  readonly removalMode: RemovalMode;
  /** Mobility mode's minutes: card and passcode again after `reauthMinutes`, and after `idleMinutes` without use. */
  readonly mobility: MobilityPolicy;
  /** An organisation's identity service; without it the agent starts one embedded. */
  readonly serviceUrl: string | undefined;
  readonly workstationId: string;
  /** The bridge sign-in pages call (127.0.0.1): given, else 0 in training and DEFAULT_BRIDGE_PORT otherwise. */
  readonly bridgePort: number;
  readonly signInStyle: SignInStyle;
  readonly help: boolean;
  /** A JSON file of apps (OpenID Connect client metadata) the embedded service signs people in to. */
  readonly oidcClientsFile?: string;
}

export const LAUNCH_USAGE = `options:
  --training                 training mode: seeded service, two virtual readers, persona cards
  --data-dir <dir>           where the agent and the embedded service keep their files
  --port <p>                 browser shell: port on 127.0.0.1 (default 0: a free port)
  --removal-mode <mode>      normal (card removal signs out), session-lock (removal locks) or
                             mobility (the card may be removed; asked for again now and then)
  --reauth-minutes <n>       mobility: card and passcode again every n minutes (default ${MOBILITY_DEFAULTS.reauthMinutes})
  --idle-minutes <n>         mobility: and after n minutes without use (default ${MOBILITY_DEFAULTS.idleMinutes})
  --service-url <url>        the identity service to use (default: start one embedded)
  --workstation-id <id>      this workstation's name in the audit log (default: the host name)
  --bridge-port <p>          where apps' sign-in pages reach the agent on 127.0.0.1 (default ${DEFAULT_BRIDGE_PORT}; training: a free port)
  --sign-in-style <style>    standard (passcode asked when the card goes in) or connect (asked when an app signs in)
  --oidc-clients <file.json> apps (OpenID Connect client metadata) the embedded service signs in
  --help                     show this help`;

export class LaunchOptionsError extends Error {
  override name = 'LaunchOptionsError';
}

const OPTIONS = {
  training: { type: 'boolean' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  'removal-mode': { type: 'string' },
  'reauth-minutes': { type: 'string' },
  'idle-minutes': { type: 'string' },
  'service-url': { type: 'string' },
  'workstation-id': { type: 'string' },
  'bridge-port': { type: 'string' },
  'sign-in-style': { type: 'string' },
  'oidc-clients': { type: 'string' },
  help: { type: 'boolean' },
} as const;

export interface ParseLaunchOptions {
  /**
   * Electron's command line also carries Chromium and Electron switches (--no-sandbox,
   * --enable-logging...) and the app path: those are not ours to refuse.
   */
  readonly allowForeign?: boolean;
  /** Default for --workstation-id. */
  readonly hostName?: string;
}

const WORKSTATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function parseLaunchOptions(args: readonly string[], options: ParseLaunchOptions = {}): LaunchOptions {
  const allowForeign = options.allowForeign ?? false;
  // Not strict: node's own messages for unknown options are replaced with ours below, and
  // Electron's switches have to pass through.
  const { values, positionals, tokens } = parseArgs({ args: [...args], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  if (!allowForeign) {
    const unknown = tokens.find((t) => t.kind === 'option' && !(t.name in OPTIONS));
    if (unknown && unknown.kind === 'option') throw new LaunchOptionsError(`Unknown option ${unknown.rawName}.\n${LAUNCH_USAGE}`);
    if (positionals.length > 0) throw new LaunchOptionsError(`Unexpected argument "${positionals[0]}".\n${LAUNCH_USAGE}`);
  }
  for (const name of ['training', 'help'] as const) {
    if (typeof values[name] === 'string') throw new LaunchOptionsError(`--${name} takes no value.`);
  }
  const text = (
    name: 'data-dir' | 'port' | 'removal-mode' | 'reauth-minutes' | 'idle-minutes' | 'service-url' | 'workstation-id' | 'bridge-port' | 'sign-in-style' | 'oidc-clients',
  ): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw new LaunchOptionsError(`--${name} needs a value.\n${LAUNCH_USAGE}`);
    return value;
  };

  const training = values.training === true;
  const serviceUrl = parseServiceUrl(text('service-url'));
  if (training && serviceUrl !== undefined) {
    throw new LaunchOptionsError('--training uses its own seeded identity service: leave out --service-url.');
  }
  const removalMode = parseRemovalMode(text('removal-mode'));
  const oidcClientsFile = text('oidc-clients');
  if (oidcClientsFile !== undefined && serviceUrl !== undefined) {
    throw new LaunchOptionsError('--oidc-clients registers apps with the embedded service: for the service at --service-url, add them there (npm run service -- oidc-client add).');
  }
  return {
    training,
    dataDir: text('data-dir'),
    port: parsePort(text('port')),
    removalMode,
    mobility: parseMobility(removalMode, text('reauth-minutes'), text('idle-minutes')),
    serviceUrl,
    workstationId: parseWorkstationId(text('workstation-id'), options.hostName ?? hostname()),
    bridgePort: parseBridgePort(text('bridge-port'), training),
    signInStyle: parseSignInStyle(text('sign-in-style')),
    help: values.help === true,
    ...(oidcClientsFile !== undefined ? { oidcClientsFile } : {}),
  };
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) {
    throw new LaunchOptionsError(`--port must be a whole number from 0 to 65535 (0 picks a free port), not "${value}".`);
  }
  return port;
}

function parseBridgePort(value: string | undefined, training: boolean): number {
  // Training runs beside a real agent, and its own service is told where its bridge is.
  if (value === undefined) return training ? 0 : DEFAULT_BRIDGE_PORT;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) {
    throw new LaunchOptionsError(`--bridge-port must be a whole number from 0 to 65535 (0 picks a free port), not "${value}".`);
  }
  return port;
}

function parseSignInStyle(value: string | undefined): SignInStyle {
  if (value === undefined) return 'standard';
  const parsed = SignInStyle.safeParse(value);
  if (!parsed.success) throw new LaunchOptionsError(`--sign-in-style must be "standard" or "connect", not "${value}".`);
  return parsed.data;
}

function parseRemovalMode(value: string | undefined): RemovalMode {
  if (value === undefined) return 'normal';
  const parsed = RemovalMode.safeParse(value);
  if (!parsed.success) throw new LaunchOptionsError(`--removal-mode must be "normal", "session-lock" or "mobility", not "${value}".`);
  return parsed.data;
}

const MOST_MINUTES = 24 * 60;

function parseMobility(mode: RemovalMode, reauth: string | undefined, idle: string | undefined): MobilityPolicy {
  const minutes = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    // Other modes never ask again: a value there would be a setting that silently does nothing.
    if (mode !== 'mobility') throw new LaunchOptionsError(`--${name} applies only with --removal-mode mobility.`);
    const n = Number(value);
    if (!/^\d{1,4}$/.test(value) || n < 1 || n > MOST_MINUTES) {
      throw new LaunchOptionsError(`--${name} must be a whole number of minutes from 1 to ${MOST_MINUTES}, not "${value}".`);
    }
    return n;
  };
  return {
    reauthMinutes: minutes('reauth-minutes', reauth, MOBILITY_DEFAULTS.reauthMinutes),
    idleMinutes: minutes('idle-minutes', idle, MOBILITY_DEFAULTS.idleMinutes),
  };
}

function parseServiceUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LaunchOptionsError(`--service-url must be a full URL such as https://cis.example.nhs.uk, not "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LaunchOptionsError(`--service-url must use https, not ${url.protocol.replace(':', '')}.`);
  }
  // The session token crosses this connection: plain http only where it never leaves the machine.
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new LaunchOptionsError('--service-url must use https (plain http is allowed only for 127.0.0.1 or localhost).');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new LaunchOptionsError('--service-url must not carry a user name, password, query or fragment.');
  }
  return url.href.replace(/\/+$/, '');
}

function parseWorkstationId(value: string | undefined, hostName: string): string {
  if (value !== undefined) {
    if (!WORKSTATION_ID.test(value)) {
      throw new LaunchOptionsError('--workstation-id must be 1 to 63 letters, digits, dots, dashes or underscores, starting with a letter or digit.');
    }
    return value;
  }
  // Host names can hold anything the OS allows; keep what the audit log can show plainly.
  const cleaned = hostName.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  return cleaned || 'workstation';
}
