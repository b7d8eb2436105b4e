import type { Db } from '../store/database.js';

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

/** The stored CA, undefined when none was created yet; throws when only part of it is there. */
export function readCaRecord(db: Db): CaRecord | undefined {
  const rows = db.prepare("SELECT name, value FROM service_secrets WHERE name LIKE 'ca.%'").all() as { name: string; value: Buffer }[];
  if (rows.length === 0) return undefined;
  const byName = new Map(rows.map((r) => [r.name, r.value]));
  const record: Partial<CaRecord> = {};
  for (const [field, name] of Object.entries(CA_SECRET_NAMES) as [keyof CaRecord, string][]) {
    const value = byName.get(name);
    if (!value) throw new CaError(`The certificate authority in the database is incomplete (${name} is missing). Restore the database from a backup.`);
    record[field] = value;
  }
  return record as CaRecord;
}

/** Stores a new CA unless another process got there first; returns the CA that is stored. */
export function storeCaRecordIfAbsent(db: Db, record: CaRecord): CaRecord {
  return db
    .transaction(() => {
      const existing = readCaRecord(db);
      if (existing) return existing;
      const insert = db.prepare('INSERT INTO service_secrets (name, value) VALUES (?, ?)');
      for (const [field, name] of Object.entries(CA_SECRET_NAMES) as [keyof CaRecord, string][]) insert.run(name, record[field]);
      return record;
    })
    .immediate();
}

/** The CA could not be created or loaded; the message says what to do and holds no secret. */
export class CaError extends Error {
  override name = 'CaError';
}
