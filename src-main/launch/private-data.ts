import { join } from 'node:path';
import { machineSecretFileFor } from '../../src-service/crypto/machine-secret-file.js';
import { makePrivateFolder, refuseSharedFile, refuseSharedFilesUnder, sqliteFiles } from '../../src-shared/private-files.js';
import { REMEMBERED_POSITIONS_FILE } from '../agent/remembered-positions.js';
import { RENEWAL_JOURNAL_FILE } from '../agent/renewal-journal.js';
import { TRAINING_CARDS_DIR } from '../training/training-card-file.js';

// The data folder holds the embedded service's database, secret file (data key, CA passphrase,
// audit key) and configuration (an SMTP password, a Notify key), the agent's renewal journal and
// remembered positions, and training's
// cards: it is made 0700, and a start is refused while any of these files could be read by
// another account on the machine (each is created 0600 by what writes it).

export const EMBEDDED_DB_FILE = 'service.sqlite';

/** The embedded service's configuration file when CIS_CONFIG names none. */
export const EMBEDDED_CONFIG_FILE = 'service-config.json';

export function guardDataFolder(dir: string): void {
  makePrivateFolder(dir);
  const dbFile = join(dir, EMBEDDED_DB_FILE);
  const files = [
    ...sqliteFiles(dbFile),
    machineSecretFileFor({ dbFile }),
    join(dir, EMBEDDED_CONFIG_FILE),
    ...sqliteFiles(join(dir, RENEWAL_JOURNAL_FILE)),
    join(dir, REMEMBERED_POSITIONS_FILE),
  ];
  for (const file of files) refuseSharedFile(file);
  refuseSharedFilesUnder(join(dir, TRAINING_CARDS_DIR));
}
