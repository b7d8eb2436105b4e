import { dirname, join } from 'node:path';
import { auditHead, useAuditKey } from '../audit/audit-log.js';
import { openDatabase, type Db } from '../store/database.js';
import { databaseTargetOf, isPostgresUrl } from '../store/database-target.js';
import { loadOrCreateMachineSecret, MachineSecretError, type MachineSecret } from './machine-secret.js';

// One rule for where the machine secret lives and which CA passphrase applies, shared by the
// service start and the command-line tools that open the same database.

interface SecretPlace {
  readonly secretFile?: string | undefined;
  readonly dbFile: string;
  readonly databaseUrl?: string | undefined;
}

/**
 * Beside a SQLite file by default. With PostgreSQL there is no such place, and every instance
 * must hold the same secret (it seals the card secrets they share): it must be named.
 */
export function machineSecretFileFor(config: SecretPlace): string {
  if (config.secretFile) return config.secretFile;
  if (config.databaseUrl !== undefined || isPostgresUrl(config.dbFile)) {
    throw new MachineSecretError('With PostgreSQL, name the service secret file every instance shares with secretFile (CIS_SECRET_FILE or --secret-file).');
  }
  return join(dirname(config.dbFile), 'service-secret.json');
}

/** A configured passphrase (standalone services) wins over the machine secret's. */
export function caPassphraseFor(config: { readonly caPassphrase?: string | undefined }, secret: MachineSecret): string {
  return config.caPassphrase ?? secret.caPassphrase;
}

/** Opens the service's database with its secret loaded (made on first start) and the audit key in use. */
export async function openWithMachineSecret(config: SecretPlace & Parameters<typeof databaseTargetOf>[0]): Promise<{ db: Db; secret: MachineSecret }> {
  const secretFile = machineSecretFileFor(config);
  const db = await openDatabase(databaseTargetOf(config));
  try {
    const entries = (await auditHead(db)).seq;
    const secret = loadOrCreateMachineSecret(secretFile, () => entries);
    useAuditKey(db, secret.audit);
    return { db, secret };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
