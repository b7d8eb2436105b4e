import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src-service/config.js';

// Service configuration: defaults, then a JSON file, then CIS_* environment variables, then
// flags; a bad value stops the service with a message naming the setting.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cis-config-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const NOTIFY_KEY = 'care-identity-test-8b3b3a7c-2f0e-4c59-9a1e-3f2d6c1b0a99-0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const SMS_TEMPLATE = '11111111-2222-4333-8444-555555555555';
const EMAIL_TEMPLATE = '66666666-7777-4888-9999-aaaaaaaaaaaa';

let files = 0;
function configFile(text: string): string {
  const file = join(dir, `config-${++files}.json`);
  writeFileSync(file, text);
  return file;
}

function configError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('rule: with nothing given the service listens on loopback, on a port the system picks', () => {
    expect(loadConfig()).toEqual({
      host: '127.0.0.1',
      port: 0,
      dbFile: 'care-identity.sqlite',
      dbPoolSize: 10,
      dbTls: 'off',
      sessionTtlMinutes: 720,
      bodyLimitBytes: 65536,
      mailFrom: 'Care Identity Service <no-reply@care-identity.invalid>',
      unlockEmailDomains: ['nhs.net', 'nhs.uk', 'ac.uk', 'gov.uk'],
      unlockCodesPerHour: 5,
      rateLimitWindowSeconds: 60,
      rateLimitPerClient: 600,
      rateLimitGlobal: 30000,
      trustedProxies: [],
      outbox: false,
      notifyBaseUrl: 'https://api.notifications.service.gov.uk',
      oidcClients: [],
      oidcKeyRotationDays: 90,
    });
  });

  it('rule: settings come from the file', () => {
    const file = configFile(JSON.stringify({ host: '0.0.0.0', port: 8443, dbFile: '/var/lib/cis/db.sqlite', serviceOrigin: 'https://cis.example.nhs.uk', sessionTtlMinutes: 60 }));
    expect(loadConfig({ file })).toMatchObject({ host: '0.0.0.0', port: 8443, dbFile: '/var/lib/cis/db.sqlite', serviceOrigin: 'https://cis.example.nhs.uk', sessionTtlMinutes: 60 });
  });

  it('rule: CIS_* environment variables override the file, and numbers are read from their text', () => {
    const file = configFile(JSON.stringify({ port: 8443, dbFile: 'from-file.sqlite', bodyLimitBytes: 2048 }));
    const config = loadConfig({ file, env: { CIS_PORT: '9000', CIS_DB: 'from-env.sqlite', CIS_SESSION_TTL_MINUTES: '30', CIS_HOST: '' } });
    expect(config).toMatchObject({ port: 9000, dbFile: 'from-env.sqlite', sessionTtlMinutes: 30, bodyLimitBytes: 2048, host: '127.0.0.1' });
  });

  it('rule: every documented CIS_* variable reaches its setting', () => {
    const config = loadConfig({
      env: {
        CIS_HOST: '::1',
        CIS_PORT: '1234',
        CIS_DB: 'x.sqlite',
        CIS_DATABASE_URL: 'postgres://cis@db.example.nhs.uk:5432/cis?schema=trust_a',
        CIS_DB_POOL_SIZE: '25',
        CIS_DB_TLS: 'verify-full',
        CIS_DB_CA_FILE: '/etc/cis/db-ca.pem',
        CIS_SECRET_FILE: '/etc/cis/secret.json',
        CIS_CA_PASSPHRASE: 'a long enough passphrase',
        CIS_SERVICE_ORIGIN: 'https://cis.example.nhs.uk',
        CIS_SESSION_TTL_MINUTES: '15',
        CIS_BODY_LIMIT_BYTES: '4096',
        CIS_SMTP_URL: 'smtp://mailer:pw@smtp.example.nhs.uk:587',
        CIS_OUTBOX: 'true',
        CIS_NOTIFY_API_KEY: NOTIFY_KEY,
        CIS_NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE,
        CIS_NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE,
        CIS_NOTIFY_BASE_URL: 'http://127.0.0.1:9999',
        CIS_MAIL_FROM: 'Trust Smartcards <smartcards@example.nhs.uk>',
        CIS_UNLOCK_EMAIL_DOMAINS: 'nhs.net, Example.NHS.uk',
        CIS_UNLOCK_CODES_PER_HOUR: '3',
        CIS_RATE_LIMIT_WINDOW_SECONDS: '30',
        CIS_RATE_LIMIT_PER_CLIENT: '100',
        CIS_RATE_LIMIT_GLOBAL: '5000',
        CIS_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16',
        CIS_ALLOWED_HOSTS: 'cis.example.nhs.uk, CIS.example.nhs.uk:8443',
        CIS_AGENT_BRIDGE_URL: 'http://127.0.0.1:48000',
        CIS_OIDC_KEY_ROTATION_DAYS: '30',
        CIS_OIDC_CLIENTS_FILE: configFile(JSON.stringify([{ client_id: 'ward-app', redirect_uris: ['https://ward.example.nhs.uk/cb'] }])),
      },
    });
    expect(config).toEqual({
      host: '::1',
      port: 1234,
      dbFile: 'x.sqlite',
      databaseUrl: 'postgres://cis@db.example.nhs.uk:5432/cis?schema=trust_a',
      dbPoolSize: 25,
      dbTls: 'verify-full',
      dbCaFile: '/etc/cis/db-ca.pem',
      secretFile: '/etc/cis/secret.json',
      caPassphrase: 'a long enough passphrase',
      serviceOrigin: 'https://cis.example.nhs.uk',
      sessionTtlMinutes: 15,
      bodyLimitBytes: 4096,
      smtpUrl: 'smtp://mailer:pw@smtp.example.nhs.uk:587',
      mailFrom: 'Trust Smartcards <smartcards@example.nhs.uk>',
      unlockEmailDomains: ['nhs.net', 'example.nhs.uk'],
      unlockCodesPerHour: 3,
      rateLimitWindowSeconds: 30,
      rateLimitPerClient: 100,
      rateLimitGlobal: 5000,
      trustedProxies: ['10.0.0.5', '10.1.0.0/16'],
      allowedHosts: ['cis.example.nhs.uk', 'cis.example.nhs.uk:8443'],
      outbox: true,
      notifyApiKey: NOTIFY_KEY,
      notifySmsTemplateId: SMS_TEMPLATE,
      notifyEmailTemplateId: EMAIL_TEMPLATE,
      notifyBaseUrl: 'http://127.0.0.1:9999',
      agentBridgeUrl: 'http://127.0.0.1:48000',
      oidcClients: [{ client_id: 'ward-app', redirect_uris: ['https://ward.example.nhs.uk/cb'] }],
      oidcKeyRotationDays: 30,
    });
  });

  it('rule: the agent bridge URL must be http on the loopback address', () => {
    for (const bad of ['https://127.0.0.1:48000', 'http://evil.example:48000', 'http://10.0.0.5:48000']) {
      expect(() => loadConfig({ env: { CIS_AGENT_BRIDGE_URL: bad } }), bad).toThrow(/agentBridgeUrl/);
    }
  });

  it('rule: a database URL that is refused is named but never echoed (it may hold a password)', () => {
    const url = 'mysql://cis:db-s3cret@db.example.nhs.uk/cis';
    const message = configError(() => loadConfig({ env: { CIS_DATABASE_URL: url } }));
    expect(message).toMatch(/databaseUrl: not a postgres:\/\/ URL/);
    expect(message).not.toContain('db-s3cret');
    expect(configError(() => loadConfig({ env: { CIS_DB_TLS: 'sometimes' } }))).toMatch(/dbTls/);
  });

  it('rule: a Notify key or template without the other, or a malformed key, names the setting and never echoes the key', () => {
    expect(configError(() => loadConfig({ env: { CIS_NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE } }))).toMatch(/notifyApiKey: needed with a Notify template id/);
    expect(configError(() => loadConfig({ env: { CIS_NOTIFY_API_KEY: NOTIFY_KEY } }))).toMatch(/notifySmsTemplateId: name at least one Notify template id/);
    const bad = 'not-a-key-but-a-secret-0f1e2d3c';
    const message = configError(() => loadConfig({ env: { CIS_NOTIFY_API_KEY: bad, CIS_NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE } }));
    expect(message).toMatch(/notifyApiKey: not a GOV.UK Notify API key/);
    expect(message).not.toContain(bad);
    expect(configError(() => loadConfig({ env: { CIS_OUTBOX: 'perhaps' } }))).toMatch(/outbox: not true or false/);
  });

  it('rule: the unlock email domains are a list in a file and comma-separated text in the environment', () => {
    expect(loadConfig({ file: configFile(JSON.stringify({ unlockEmailDomains: ['nhs.net'] })) }).unlockEmailDomains).toEqual(['nhs.net']);
    expect(loadConfig({ env: { CIS_UNLOCK_EMAIL_DOMAINS: 'nhs.net,,gov.uk ,' } }).unlockEmailDomains).toEqual(['nhs.net', 'gov.uk']);
  });

  it('rule: bad mail and unlock settings name their setting, and an SMTP URL is never echoed', () => {
    expect(configError(() => loadConfig({ env: { CIS_UNLOCK_EMAIL_DOMAINS: ' , ' } }))).toMatch(/unlockEmailDomains/);
    expect(configError(() => loadConfig({ env: { CIS_UNLOCK_EMAIL_DOMAINS: 'nhs..net' } }))).toMatch(/unlockEmailDomains/);
    expect(configError(() => loadConfig({ env: { CIS_UNLOCK_CODES_PER_HOUR: '0' } }))).toMatch(/unlockCodesPerHour/);
    const message = configError(() => loadConfig({ env: { CIS_SMTP_URL: 'https://mailer:s3cret-pw@smtp.example' } }));
    expect(message).toMatch(/smtpUrl/);
    expect(message).not.toContain('s3cret-pw');
  });

  it('rule: overrides (flags) win over the environment and the file', () => {
    const file = configFile(JSON.stringify({ port: 8443 }));
    expect(loadConfig({ file, env: { CIS_PORT: '9000' }, overrides: { port: 7000 } }).port).toBe(7000);
  });

  it.each([
    ['file', () => loadConfig({ file: configFile(JSON.stringify({ port: 'abc' })) })],
    ['environment', () => loadConfig({ env: { CIS_PORT: 'abc' } })],
    ['flags', () => loadConfig({ overrides: { port: 'abc' as unknown as number } })],
    ['file (out of range)', () => loadConfig({ file: configFile(JSON.stringify({ port: 70000 })) })],
    ['environment (not whole)', () => loadConfig({ env: { CIS_PORT: '80.5' } })],
  ])('rule: a bad port from the %s is a ConfigError naming the port', (_where, run) => {
    expect(configError(run)).toMatch(/\bport\b/);
  });

  it('rule: other bad values name their setting', () => {
    expect(configError(() => loadConfig({ env: { CIS_SERVICE_ORIGIN: 'not a url' } }))).toMatch(/serviceOrigin/);
    expect(configError(() => loadConfig({ env: { CIS_BODY_LIMIT_BYTES: '10' } }))).toMatch(/bodyLimitBytes/);
    expect(configError(() => loadConfig({ env: { CIS_SESSION_TTL_MINUTES: '0' } }))).toMatch(/sessionTtlMinutes/);
    expect(configError(() => loadConfig({ file: configFile(JSON.stringify({ dbFile: '' })) }))).toMatch(/dbFile/);
  });

  it('rule: a passphrase that is refused is named but never echoed', () => {
    const message = configError(() => loadConfig({ env: { CIS_CA_PASSPHRASE: 'short-s3cret'.slice(0, 11) } }));
    expect(message).toMatch(/caPassphrase/);
    expect(message).not.toContain('short-s3cre');
  });

  it('rule: an unknown key in the file is a ConfigError naming the key', () => {
    expect(configError(() => loadConfig({ file: configFile(JSON.stringify({ port: 1, prot: 2 })) }))).toMatch(/"prot"/);
  });

  it('rule: a file that is not valid JSON is a ConfigError naming the file', () => {
    const file = configFile('{ "port": 8443, }');
    expect(configError(() => loadConfig({ file }))).toContain(file);
    expect(configError(() => loadConfig({ file }))).toMatch(/not valid JSON/);
  });

  it.each(['null', '[1, 2]', '"port"', '42'])('rule: a file holding JSON that is not an object of settings (%s) is a ConfigError', (text) => {
    const file = configFile(text);
    expect(configError(() => loadConfig({ file }))).toContain(file);
  });

  it('rule: a missing file is a ConfigError naming the file', () => {
    const file = join(dir, 'does-not-exist.json');
    expect(configError(() => loadConfig({ file }))).toMatch(/does-not-exist\.json.*ENOENT/);
  });
});

describe('the service CLI with a bad configuration', () => {
  // Without CIS_* from the developer's shell, so only what each case gives counts.
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CIS_')));

  function serve(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string; stdout: string } {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'serve', '--db', join(dir, 'never-created', 'db.sqlite'), ...args], {
      cwd: process.cwd(),
      env: { ...baseEnv, ...env },
      encoding: 'utf8',
      // A configuration accepted by mistake would start a server: stop it and fail on the status.
      timeout: 20_000,
    });
    return { status: run.status, stderr: run.stderr, stdout: run.stdout };
  }

  function expectStopsWith(run: { status: number | null; stderr: string; stdout: string }, pattern: RegExp): void {
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(pattern);
    // One message for a person: no stack trace.
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toMatch(/ConfigError:|Error:/);
    expect(run.stdout).not.toContain('ready');
  }

  it('rule: a bad port flag stops the service with status 2 and a message naming the port', () => {
    expectStopsWith(serve(['--port', 'abc']), /\bport\b/);
  });

  it('rule: a bad port in the environment stops the service the same way', () => {
    expectStopsWith(serve([], { CIS_PORT: 'abc' }), /\bport\b/);
  });

  it('rule: an unknown key in the configuration file stops the service, naming the key', () => {
    expectStopsWith(serve(['--config', configFile(JSON.stringify({ prot: 8443 }))]), /"prot"/);
  });

  it('rule: a configuration file that is not JSON stops the service, naming the file', () => {
    const file = configFile('port=8443');
    expectStopsWith(serve(['--config', file]), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
  });
});
