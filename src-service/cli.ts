import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { MachineSecretError } from './crypto/machine-secret.js';
import { startService } from './start-service.js';
import { missingSmtpWarning } from './notify/mailer.js';
import { plainHttpWarning } from './http/allowed-hosts.js';
import { openDatabase } from './store/database.js';
import { verifyAuditLog } from './audit/audit-log.js';
import { CaError } from './ca/ca-storage.js';
import { CardFactoryError } from './ca/card-factory.js';
import { makeCardCommand, MAKE_CARD_USAGE } from './ca/make-card-command.js';
import { seedCommand, SEED_USAGE } from './seed/seed-cli.js';

// `npm run service -- [serve] --port <p> --db <file> [--config <file>]`
// `npm run service -- audit-verify --db <file>`
// `npm run service -- make-card --user <uuid> --state <file> [...]` (see ca/make-card-command.ts)
// `npm run service -- seed --users <n> [...]` (see seed/seed-cli.ts)

const USAGE = `usage:
  npm run service -- [serve] [--port <p>] [--db <file>] [--config <file.json>]
  npm run service -- audit-verify --db <file>
  ${MAKE_CARD_USAGE}
  ${SEED_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const rest = command === argv[0] ? argv.slice(1) : argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'audit-verify':
      return auditVerify(rest);
    case 'make-card':
      return makeCardCommand(rest);
    case 'seed':
      return seedCommand(rest);
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
  const config = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    env: process.env,
    overrides: {
      ...(values.port !== undefined ? { port: values.port as unknown as number } : {}),
      ...(values.db ? { dbFile: values.db } : {}),
      ...(values.host ? { host: values.host } : {}),
    },
  });
  const service = await startService(config);
  // The embedded service (launch-agent.ts) means to use the outbox; a standalone one should not.
  const smtpWarning = missingSmtpWarning(config);
  if (smtpWarning) console.error(smtpWarning);
  const tlsWarning = plainHttpWarning(config);
  if (tlsWarning) console.error(tlsWarning);
  console.log(`identity service ready: ${service.url} (database ${config.dbFile})`);
  const stop = (): void => {
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

function auditVerify(args: string[]): number {
  const { values } = parseArgs({ args, options: { db: { type: 'string' } }, strict: true });
  if (!values.db) {
    console.error(USAGE);
    return 2;
  }
  const db = openDatabase(values.db, { readonly: true });
  const result = verifyAuditLog(db);
  db.close();
  if (result.ok) {
    console.log(`audit log intact: ${result.entries} entries`);
    return 0;
  }
  console.error(`audit log BROKEN at entry ${result.brokenAt} (of ${result.entries} read)`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (
      err instanceof ConfigError ||
      err instanceof MachineSecretError ||
      err instanceof CaError ||
      err instanceof CardFactoryError ||
      (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      console.error((err as Error).message);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
