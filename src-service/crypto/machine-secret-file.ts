import { dirname, join } from 'node:path';
import { auditHead, useAuditKey } from '../audit/audit-log.js';
import { openDatabase, type Db } from '../store/database.js';
import { loadOrCreateMachineSecret, type MachineSecret } from './machine-secret.js';

// One rule for where the machine secret lives and which CA passphrase applies, shared by the
// service start and the command-line tools that open the same database.

export function machineSecretFileFor(config: { readonly secretFile?: string | undefined; readonly dbFile: string }): string {
  return config.secretFile ?? join(dirname(config.dbFile), 'service-secret.json');
}

/** A configured passphrase (standalone services) wins over the machine secret's. */
export function caPassphraseFor(config: { readonly caPassphrase?: string | undefined }, secret: MachineSecret): string {
  return config.caPassphrase ?? secret.caPassphrase;
}

/** Opens the service's database with its secret loaded (made on first start) and the audit key in use. */
export function openWithMachineSecret(config: { readonly secretFile?: string | undefined; readonly dbFile: string }): { db: Db; secret: MachineSecret } {
  const db = openDatabase(config.dbFile);
  try {
    const secret = loadOrCreateMachineSecret(machineSecretFileFor(config), () => auditHead(db).seq);
    useAuditKey(db, secret.audit);
    return { db, secret };
  } catch (err) {
    db.close();
    throw err;
  }
}
