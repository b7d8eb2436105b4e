import { dirname, join } from 'node:path';
import type { MachineSecret } from './machine-secret.js';

// One rule for where the machine secret lives and which CA passphrase applies, shared by the
// service start and the command-line tools that open the same database.

export function machineSecretFileFor(config: { readonly secretFile?: string | undefined; readonly dbFile: string }): string {
  return config.secretFile ?? join(dirname(config.dbFile), 'service-secret.json');
}

/** A configured passphrase (standalone services) wins over the machine secret's. */
export function caPassphraseFor(config: { readonly caPassphrase?: string | undefined }, secret: MachineSecret): string {
  return config.caPassphrase ?? secret.caPassphrase;
}
