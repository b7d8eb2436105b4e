import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import { loadConfig } from '../config.js';
import { caPassphraseFor, openWithMachineSecret } from '../crypto/machine-secret-file.js';
import { makeCard, CardFactoryError } from './card-factory.js';
import { writeCardStateFile } from './card-state-file.js';
import { loadOrCreateCertificateAuthority } from './certificate-authority.js';
import { crlDistributionPointOf } from './revocation-list.js';

// `npm run service -- make-card --user <uuid> --state <file> [--passcode <6-8 digits>]
//   [--algorithm rsa2048|p256] [--valid-days N] [--db <file or postgres URL>] [--secret-file <file>] [--config <file>]`
// The database is the service's, either engine; with PostgreSQL the service secret file every
// instance shares must be named (as for the service). Prints what was made; never the passcode,
// the PUK or any key.

export const MAKE_CARD_USAGE =
  'npm run service -- make-card --user <uuid> --state <file> [--passcode <6-8 digits, default 123456>] [--algorithm rsa2048|p256] [--valid-days N] [--db <file or postgres URL>] [--secret-file <file>] [--config <file.json>]';

export async function makeCardCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      state: { type: 'string' },
      passcode: { type: 'string' },
      algorithm: { type: 'string' },
      'valid-days': { type: 'string' },
      db: { type: 'string' },
      'secret-file': { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  if (!values.user || !values.state) throw new CardFactoryError(`usage: ${MAKE_CARD_USAGE}`);
  const algorithm = AsymmetricAlgorithm.safeParse(values.algorithm ?? 'rsa2048');
  if (!algorithm.success) throw new CardFactoryError('--algorithm must be rsa2048 or p256.');
  let validDays: number | undefined;
  if (values['valid-days'] !== undefined) {
    validDays = Number(values['valid-days']);
    if (!Number.isInteger(validDays) || validDays < 1) throw new CardFactoryError('--valid-days must be a whole number of days, at least 1.');
  }
  // A state file is a card: never overwrite one (that would destroy its keys).
  if (existsSync(values.state)) throw new CardFactoryError(`${values.state} already exists; choose a new state file.`);

  const config = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    env: process.env,
    overrides: {
      ...(values.db ? { dbFile: values.db } : {}),
      ...(values['secret-file'] ? { secretFile: values['secret-file'] } : {}),
    },
  });
  const { db, secret } = await openWithMachineSecret(config);
  try {
    const ca = await loadOrCreateCertificateAuthority(db, { passphrase: caPassphraseFor(config, secret) });
    // Without a configured public origin nobody knows where clients will reach the list.
    if (config.serviceOrigin) ca.crlDistributionPoint = crlDistributionPointOf(new URL(config.serviceOrigin).origin);
    const card = await makeCard(
      { db, dataKey: secret.dataKey, ca },
      {
        userUuid: values.user,
        algorithm: algorithm.data,
        ...(values.passcode !== undefined ? { passcode: values.passcode } : {}),
        ...(validDays !== undefined ? { validDays } : {}),
        persist: (state) => writeCardStateFile(values.state as string, state),
      },
    );
    out(`card ${card.cardUuid} (serial ${card.serial}, ${card.algorithm}) issued to user ${values.user}`);
    out(`certificate ${card.certificate.serial} valid until ${card.certificate.notAfter.toISOString()}`);
    out(`state file ${values.state} (mode 0600)`);
    return 0;
  } finally {
    await db.destroy();
  }
}
