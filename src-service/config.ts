import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Service configuration: defaults, then a JSON file, then environment variables, then flags.
// A bad value stops the service with a message naming the setting, never a stack trace.

export const ServiceConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  dbFile: z.string().min(1).default('care-identity.sqlite'),
  /** Where the machine-local secret (data key and CA passphrase) is kept, mode 0600. */
  secretFile: z.string().min(1).optional(),
  /** CA key passphrase for standalone services; overrides the secret file. */
  caPassphrase: z.string().min(12).optional(),
  /** Origin clients use (e.g. https://cis.example.nhs.uk); defaults to the listening URL. */
  serviceOrigin: z.url().optional(),
  sessionTtlMinutes: z.coerce.number().int().min(1).max(24 * 60).default(12 * 60),
  bodyLimitBytes: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;
export type ServiceConfigInput = z.input<typeof ServiceConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ENV: Record<string, keyof ServiceConfigInput> = {
  CIS_HOST: 'host',
  CIS_PORT: 'port',
  CIS_DB: 'dbFile',
  CIS_SECRET_FILE: 'secretFile',
  CIS_CA_PASSPHRASE: 'caPassphrase',
  CIS_SERVICE_ORIGIN: 'serviceOrigin',
  CIS_SESSION_TTL_MINUTES: 'sessionTtlMinutes',
  CIS_BODY_LIMIT_BYTES: 'bodyLimitBytes',
};

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
  const merged = { ...fromFile, ...fromEnv, ...(options.overrides ?? {}) };
  const parsed = ServiceConfig.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid service configuration: ${problems}.`);
  }
  return parsed.data;
}
