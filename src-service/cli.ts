import { parseArgs } from 'node:util';
import { CONFIG_FILE_ENV, ConfigError, loadConfig } from './config.js';
import { MachineSecretError } from './crypto/machine-secret.js';
import { PrivateFileError } from '../src-shared/private-files.js';
import { AuditCommandError, auditCheckpointCommand, auditVerifyCommand, AUDIT_USAGE } from './audit/audit-commands.js';
import { startService } from './start-service.js';
import { describeStore } from './store/database.js';
import { SchemaTooNewError } from './store/migrate.js';
import { DatabaseTargetError } from './store/database-target.js';
import { missingSmtpWarning } from './notify/mailer.js';
import { plainHttpWarning } from './http/allowed-hosts.js';
import { CaError } from './ca/ca-storage.js';
import { CardFactoryError } from './ca/card-factory.js';
import { makeCardCommand, MAKE_CARD_USAGE } from './ca/make-card-command.js';
import { seedCommand, SEED_USAGE } from './seed/seed-cli.js';
import { esrImportCommand, ESR_IMPORT_USAGE } from './cim/requests-esr-command.js';
import { isOidcCommandError, oidcClientCommand, oidcKeysCommand, OIDC_USAGE } from './oidc/oidc-commands.js';

// `npm run service -- [serve] --port <p> --db <file or postgres URL> [--config <file>]`
// `npm run service -- audit-verify --db <file or postgres URL> [--checkpoint <file>]` (see audit/audit-commands.ts)
// `npm run service -- audit-checkpoint --db <file or postgres URL> --out <file>`
// `npm run service -- make-card --user <uuid> --state <file> [...]` (see ca/make-card-command.ts)
// `npm run service -- seed --users <n> [...]` (see seed/seed-cli.ts)
// `npm run service -- esr-import --file <f> [...]` (see cim/requests-esr-command.ts)
// `npm run service -- oidc-client add|list|remove`, `oidc-keys rotate|list` (see oidc/oidc-commands.ts)

const USAGE = `usage:
  npm run service -- [serve] [--port <p>] [--db <file or postgres URL>] [--config <file.json>]
  ${AUDIT_USAGE}
  ${MAKE_CARD_USAGE}
  ${SEED_USAGE}
  ${ESR_IMPORT_USAGE}
  ${OIDC_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const rest = command === argv[0] ? argv.slice(1) : argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'audit-verify':
      return auditVerifyCommand(rest);
    case 'audit-checkpoint':
      return auditCheckpointCommand(rest);
    case 'make-card':
      return makeCardCommand(rest);
    case 'seed':
      return seedCommand(rest);
    case 'esr-import':
      return esrImportCommand(rest);
    case 'oidc-client':
      return oidcClientCommand(rest);
    case 'oidc-keys':
      return oidcKeysCommand(rest);
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, db: { type: 'string' }, config: { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const file = values.config ?? process.env[CONFIG_FILE_ENV];
  const config = loadConfig({
    ...(file ? { file } : {}),
    env: process.env,
    overrides: {
      ...(values.port !== undefined ? { port: values.port as unknown as number } : {}),
      ...(values.db ? { dbFile: values.db } : {}),
      ...(values.host ? { host: values.host } : {}),
    },
  });
  const service = await startService(config);
  // A standalone service with no mail sender offers self-service unlock by text only, if at all.
  const smtpWarning = missingSmtpWarning(config);
  if (smtpWarning) console.error(smtpWarning);
  const tlsWarning = plainHttpWarning(config);
  if (tlsWarning) console.error(tlsWarning);
  // The store in words, never a database password.
  console.log(`identity service ready: ${service.url} (database ${describeStore(service.ctx.db)})`);
  console.log(`identity service: ${service.ctx.oidcIssuer}`);
  const stop = (): void => {
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (
      err instanceof ConfigError ||
      err instanceof MachineSecretError ||
      err instanceof PrivateFileError ||
      err instanceof AuditCommandError ||
      err instanceof DatabaseTargetError ||
      err instanceof SchemaTooNewError ||
      err instanceof CaError ||
      err instanceof CardFactoryError ||
      isOidcCommandError(err) ||
      (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      console.error((err as Error).message);
      process.exit(2);
    }
    // A database that does not answer: say so, naming the network error, never the URL.
    const code = (err as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === '28P01' || code === '3D000') {
      console.error(`The database cannot be reached or refused the connection (${String(code)}). Check the database URL, the network and the credentials.`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
