import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';

// Where the CA lives in the database: rows of service_secrets. Certificates are stored in clear
// (they are public); private keys only sealed under the passphrase-derived key.

export const CA_SECRET_NAMES = {
  kdf: 'ca.kdf',
  rootCertificate: 'ca.root.certificate',
  rootKey: 'ca.root.key',
  issuingCertificate: 'ca.issuing.certificate',
  issuingKey: 'ca.issuing.key',
} as const;

export type CaRecord = Record<keyof typeof CA_SECRET_NAMES, Buffer>;

const CA_ROWS = Object.entries(CA_SECRET_NAMES) as [keyof CaRecord, string][];

/** The stored CA, undefined when none was created yet; throws when only part of it is there. */
export async function readCaRecord(db: Db): Promise<CaRecord | undefined> {
  const rows = await db.selectFrom('service_secrets').select(['name', 'value']).where('name', 'in', Object.values(CA_SECRET_NAMES)).execute();
  if (rows.length === 0) return undefined;
  const byName = new Map(rows.map((r) => [r.name, r.value]));
  const record: Partial<CaRecord> = {};
  for (const [field, name] of CA_ROWS) {
    const value = byName.get(name);
    if (!value) throw new CaError(`The certificate authority in the database is incomplete (${name} is missing). Restore the database from a backup.`);
    record[field] = value;
  }
  return record as CaRecord;
}

/**
 * Stores a new CA unless another process got there first; returns the CA that is stored. Service
 * instances starting together on one fresh database each make a CA, and each comes here: the
 * transaction makes them take turns (store/transaction.ts), so the first stores its CA and every
 * later one finds it and drops its own. All of them then use the one CA read back.
 */
export async function storeCaRecordIfAbsent(db: Db, record: CaRecord): Promise<CaRecord> {
  return inTransaction(db, async (trx) => {
    const existing = await readCaRecord(trx);
    if (existing) return existing;
    await trx
      .insertInto('service_secrets')
      .values(CA_ROWS.map(([field, name]) => ({ name, value: record[field] })))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await readCaRecord(trx)) as CaRecord;
  });
}

/** The CA could not be created or loaded; the message says what to do and holds no secret. */
export class CaError extends Error {
  override name = 'CaError';
}
