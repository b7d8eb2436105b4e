import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SELF_SERVICE_EMAIL_DOMAINS } from '../src-shared/api/service-common.js';
import { databaseTargetOf, type DatabaseTarget } from './store/database-target.js';
import { OidcClientMetadata } from '../src-shared/api/oidc.js';

// Service configuration: defaults, then a JSON file, then environment variables, then flags.
// A bad value stops the service with a message naming the setting, never a stack trace.
//
// Environment variables (CIS_*): CIS_HOST, CIS_PORT, CIS_DB (a SQLite file or a postgres:// URL),
// CIS_DATABASE_URL, CIS_DB_POOL_SIZE, CIS_DB_TLS, CIS_DB_CA_FILE, CIS_SECRET_FILE, CIS_CA_PASSPHRASE,
// CIS_SERVICE_ORIGIN, CIS_AGENT_BRIDGE_URL, CIS_SESSION_TTL_MINUTES, CIS_BODY_LIMIT_BYTES; for mail and smartcard
// unlocking: CIS_SMTP_URL (smtp://user:pass@host:587 or smtps://...; unset: mail goes to the
// outbox table when CIS_OUTBOX is on, otherwise email is not sent), CIS_MAIL_FROM, CIS_UNLOCK_EMAIL_DOMAINS
// (comma-separated, e.g. "nhs.net,nhs.uk") and CIS_UNLOCK_CODES_PER_HOUR; for GOV.UK Notify
// (texts, and email instead of SMTP): CIS_NOTIFY_API_KEY, CIS_NOTIFY_SMS_TEMPLATE_ID,
// CIS_NOTIFY_EMAIL_TEMPLATE_ID, CIS_NOTIFY_NOTICE_SMS_TEMPLATE_ID, CIS_NOTIFY_NOTICE_EMAIL_TEMPLATE_ID,
// CIS_NOTIFY_BASE_URL; CIS_OUTBOX=true keeps messages nobody can
// send in the outbox table (training does this itself). CIS_CONFIG names a JSON file of settings.
// Sign-in for other apps (OpenID Connect): CIS_OIDC_CLIENTS_FILE names a JSON file holding an
// array of relying parties (OidcClientMetadata); CIS_OIDC_KEY_ROTATION_DAYS.

/** A mail domain: lower-case labels separated by dots ("nhs.net"); subdomains count as it. */
const MailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a mail domain such as nhs.net');

/** A switch from a file (true/false) or the environment ("true", "1", "false", "0"). */
const Switch = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : value;
}, z.boolean({ error: 'not true or false' }));

/**
 * A GOV.UK Notify API key: "<key name>-<service id>-<secret>", both ids UUIDs. Checked for shape
 * only; the message never repeats the key.
 */
const NotifyApiKey = z
  .string()
  .trim()
  .regex(/^.+-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/, 'not a GOV.UK Notify API key (name-service id-secret)');

/** A Notify template id (a UUID, from the template's page in Notify). */
const NotifyTemplateId = z.string().trim().toLowerCase().regex(/^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/, 'not a Notify template id (a UUID)');

/** A list from a file or flag, or comma-separated text from the environment. */
const DomainList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((d) => d.trim()).filter((d) => d !== '') : value),
  z.array(MailDomain).min(1, 'name at least one domain'),
);

// ---- HTTP hardening: request limits, trusted proxies, allowed Host names -------------------
// Kept in one block (settings and their CIS_* variables) apart from the rest of the file.
// Limits count the requests that need no session (login, self-service unlock, renewal
// recovery), in fixed windows kept in the database so every instance on it shares the count.

/** A Host header value the service answers to: "name", "name:port", "1.2.3.4:port", "[::1]:port". */
const HostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?$/, 'not a host name such as cis.example.nhs.uk or cis.example.nhs.uk:8443');

/** A proxy address or range whose X-Forwarded-For is believed: "10.0.0.5", "10.0.0.0/8". */
const ProxyAddress = z.string().trim().regex(/^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/, 'not an IP address or CIDR range');

/** A list from a file or flag, or comma-separated text from the environment. */
const listOf = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').map((d) => d.trim()).filter((d) => d !== '') : value), z.array(item));

const HTTP_HARDENING = {
  /** Length of one request-limit window, in seconds. */
  rateLimitWindowSeconds: z.coerce.number().int().min(1).max(3600).default(60),
  /** Requests without a session one client address may make per window (all such endpoints together). */
  rateLimitPerClient: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Requests without a session all clients together may make per window. */
  rateLimitGlobal: z.coerce.number().int().min(1).max(100_000_000).default(30_000),
  /** Proxies in front of the service whose X-Forwarded-For names the client; none by default. */
  trustedProxies: listOf(ProxyAddress).default(() => []),
  /**
   * Host header values answered (DNS rebinding); others get 421. Unset: the listening host,
   * localhost, 127.0.0.1 and [::1], each on the listening port. The host of serviceOrigin is
   * always answered.
   */
  allowedHosts: listOf(HostName).optional(),
};

const HTTP_HARDENING_ENV = {
  CIS_RATE_LIMIT_WINDOW_SECONDS: 'rateLimitWindowSeconds',
  CIS_RATE_LIMIT_PER_CLIENT: 'rateLimitPerClient',
  CIS_RATE_LIMIT_GLOBAL: 'rateLimitGlobal',
  CIS_TRUSTED_PROXIES: 'trustedProxies',
  CIS_ALLOWED_HOSTS: 'allowedHosts',
} as const;
// ---- end of HTTP hardening ------------------------------------------------------------------

export const ServiceConfig = z.strictObject({
  ...HTTP_HARDENING,
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  /** The SQLite file, or a postgres:// URL (see store/database-target.ts). */
  dbFile: z.string().min(1).default('care-identity.sqlite'),
  /** A postgres:// URL; wins over dbFile. Several service instances may share one database. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//i, 'not a postgres:// URL').optional(),
  /** Connections each instance keeps to PostgreSQL. */
  dbPoolSize: z.coerce.number().int().min(1).max(200).default(10),
  /** TLS to PostgreSQL: off (loopback or a private network), require (encrypted, server not verified), verify-full. */
  dbTls: z.enum(['off', 'require', 'verify-full']).default('off'),
  /** The CA certificate (PEM) that signed PostgreSQL's certificate, for verify-full. */
  dbCaFile: z.string().min(1).optional(),
  /** Where the machine-local secret (data key and CA passphrase) is kept, mode 0600. */
  secretFile: z.string().min(1).optional(),
  /** CA key passphrase for standalone services; overrides the secret file. */
  caPassphrase: z.string().min(12).optional(),
  /**
   * The service's public origin, the one clients use (e.g. https://cis.example.nhs.uk); defaults
   * to the listening URL. Card certificates name <serviceOrigin>/v1/ca/crl as where the CA's
   * revocation list is published (cRLDistributionPoints), so set it before issuing cards.
   */
  serviceOrigin: z.url().optional(),
  /**
   * Where the sign-in page's script finds the Identity Agent's bridge on a workstation (loopback
   * only); unset: http://127.0.0.1:<the agents' default bridge port>. An embedded service is told
   * its own agent's bridge when that starts.
   */
  agentBridgeUrl: z
    .url({ protocol: /^http$/, error: 'not an http:// URL' })
    .refine((u) => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(u), 'must be http://127.0.0.1:<port> or http://localhost:<port>')
    .optional(),
  sessionTtlMinutes: z.coerce.number().int().min(1).max(24 * 60).default(12 * 60),
  bodyLimitBytes: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /** Outgoing mail server; unset: email goes through Notify, or the outbox, or is not available. */
  smtpUrl: z.url({ protocol: /^smtps?$/, error: 'not an smtp:// or smtps:// URL' }).optional(),
  mailFrom: z.string().trim().min(3).max(320).default('Care Identity Service <no-reply@care-identity.invalid>'),
  /**
   * Keep messages that no SMTP server or Notify takes in the outbox table, in clear. Training
   * turns it on (its panel shows the codes); anywhere else it hands security codes to whoever
   * can read the database, so it is off unless a test deployment asks for it.
   */
  outbox: Switch.default(false),
  /** GOV.UK Notify: the API key, and the templates for the unlock code (((code)) and ((minutes))). */
  notifyApiKey: NotifyApiKey.optional(),
  notifySmsTemplateId: NotifyTemplateId.optional(),
  /** When set, email goes through Notify rather than SMTP. */
  notifyEmailTemplateId: NotifyTemplateId.optional(),
  /**
   * Notify templates for the notice sent to an old email or mobile when a holder changes it
   * (one ((body)) field; email also ((subject))). Without one, that notice is not sent by Notify.
   */
  notifyNoticeSmsTemplateId: NotifyTemplateId.optional(),
  notifyNoticeEmailTemplateId: NotifyTemplateId.optional(),
  /** Notify's API; another origin only for a test peer. */
  notifyBaseUrl: z.url({ protocol: /^https?$/, error: 'not an https:// URL' }).default('https://api.notifications.service.gov.uk'),
  /** Email domains (and their subdomains) self-service unlock may send security codes to. */
  unlockEmailDomains: DomainList.default(() => [...SELF_SERVICE_EMAIL_DOMAINS]),
  /** Security codes one smartcard may be sent in an hour, so nobody can flood a holder's inbox. */
  unlockCodesPerHour: z.coerce.number().int().min(1).max(100).default(5),
  /** Relying parties of the OpenID Connect provider (src-service/oidc/); more are added with `oidc-client add`. */
  oidcClients: z.array(OidcClientMetadata).default(() => []),
  /** Signing keys older than this are replaced; the old key stays published until its tokens expire. */
  oidcKeyRotationDays: z.coerce.number().int().min(1).max(3650).default(90),
}).superRefine((config, issues) => {
  // A template without the key (or a key with no template) would fail at the first code sent.
  const templates = config.notifySmsTemplateId !== undefined || config.notifyEmailTemplateId !== undefined;
  if (templates && config.notifyApiKey === undefined) issues.addIssue({ code: 'custom', path: ['notifyApiKey'], message: 'needed with a Notify template id' });
  if (config.notifyApiKey !== undefined && !templates) issues.addIssue({ code: 'custom', path: ['notifySmsTemplateId'], message: 'name at least one Notify template id with the API key' });
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;
export type ServiceConfigInput = z.input<typeof ServiceConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ENV: Record<string, keyof ServiceConfigInput> = {
  ...HTTP_HARDENING_ENV,
  CIS_HOST: 'host',
  CIS_PORT: 'port',
  CIS_DB: 'dbFile',
  CIS_DATABASE_URL: 'databaseUrl',
  CIS_DB_POOL_SIZE: 'dbPoolSize',
  CIS_DB_TLS: 'dbTls',
  CIS_DB_CA_FILE: 'dbCaFile',
  CIS_SECRET_FILE: 'secretFile',
  CIS_CA_PASSPHRASE: 'caPassphrase',
  CIS_SERVICE_ORIGIN: 'serviceOrigin',
  CIS_AGENT_BRIDGE_URL: 'agentBridgeUrl',
  CIS_SESSION_TTL_MINUTES: 'sessionTtlMinutes',
  CIS_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  CIS_SMTP_URL: 'smtpUrl',
  CIS_MAIL_FROM: 'mailFrom',
  CIS_UNLOCK_EMAIL_DOMAINS: 'unlockEmailDomains',
  CIS_UNLOCK_CODES_PER_HOUR: 'unlockCodesPerHour',
  CIS_OUTBOX: 'outbox',
  CIS_NOTIFY_API_KEY: 'notifyApiKey',
  CIS_NOTIFY_SMS_TEMPLATE_ID: 'notifySmsTemplateId',
  CIS_NOTIFY_EMAIL_TEMPLATE_ID: 'notifyEmailTemplateId',
  CIS_NOTIFY_NOTICE_SMS_TEMPLATE_ID: 'notifyNoticeSmsTemplateId',
  CIS_NOTIFY_NOTICE_EMAIL_TEMPLATE_ID: 'notifyNoticeEmailTemplateId',
  CIS_NOTIFY_BASE_URL: 'notifyBaseUrl',
  CIS_OIDC_KEY_ROTATION_DAYS: 'oidcKeyRotationDays',
};

/** The environment variable naming a JSON file of relying parties (an array of client metadata). */
const OIDC_CLIENTS_FILE_ENV = 'CIS_OIDC_CLIENTS_FILE';

/** Reads a JSON file of relying parties: an array (or one object) of client metadata, unchecked. */
export function readClientsFile(file: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(code ? `Cannot read the clients file ${file}: ${code}.` : `The clients file ${file} is not valid JSON.`);
  }
  return Array.isArray(json) ? json : [json];
}

/** The environment variable naming a configuration file, when no --config is given. */
export const CONFIG_FILE_ENV = 'CIS_CONFIG';

export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Partial<ServiceConfigInput> } = {}): ServiceConfig {
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read the configuration file ${options.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConfigError(`The configuration file ${options.file} is not valid JSON.`);
    }
    // `null` would otherwise spread to nothing (every setting silently defaulted) and an array
    // or string to settings named "0", "1"...: only an object of settings is a configuration.
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new ConfigError(`The configuration file ${options.file} must hold a JSON object of settings.`);
    }
    fromFile = json as Record<string, unknown>;
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const value = options.env?.[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const clientsFile = options.env?.[OIDC_CLIENTS_FILE_ENV];
  if (clientsFile) fromEnv.oidcClients = [...((fromFile.oidcClients as unknown[] | undefined) ?? []), ...readClientsFile(clientsFile)];
  const merged = { ...fromFile, ...fromEnv, ...(options.overrides ?? {}) };
  const parsed = ServiceConfig.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid service configuration: ${problems}.`);
  }
  return parsed.data;
}

/**
 * The database a command-line tool names with `--db` (a file or a postgres:// URL), or the
 * configured one without it; TLS and pool settings come from the configuration either way, so
 * `audit-verify --db postgres://...` reaches a database that requires TLS as the service does.
 */
export function commandLineDatabase(db: string | undefined, env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const config = loadConfig({ env });
  return databaseTargetOf(db === undefined ? config : { ...config, dbFile: db, databaseUrl: undefined });
}
