import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { PrivateFileError, refuseSharedFile, writePrivateFile } from '../../src-shared/private-files.js';

// The service's machine-local secret: a data key (seals card secrets), the CA key passphrase,
// and the audit key (keys the audit log's hash chain, audit/audit-chain.ts). Created on first
// start with mode 0600; refused if anyone else can read it. A file from before the audit key
// gains one on its next start, with the number of audit entries written until then: those were
// chained without a key, and only the entries after them must carry the keyed hash.

const SecretFile = z.strictObject({
  dataKey: z.string().base64(),
  caPassphrase: z.string().min(16),
  auditKey: z.string().base64().optional(),
  /** The last audit entry chained without a key (0: every entry is keyed). */
  auditKeyedAfter: z.number().int().min(0).optional(),
});
type SecretFile = z.infer<typeof SecretFile>;

/** Keys the audit chain: entries after `keyedAfter` carry an HMAC under `key`. */
export interface AuditChainKey {
  readonly key: Buffer;
  readonly keyedAfter: number;
}

export interface MachineSecret {
  readonly dataKey: Buffer;
  readonly caPassphrase: string;
  readonly audit: AuditChainKey;
}

export class MachineSecretError extends Error {
  override name = 'MachineSecretError';
}

const writeSecretFile = (file: string, content: SecretFile): void => writePrivateFile(file, JSON.stringify(content));

function readSecretFile(file: string): SecretFile {
  try {
    refuseSharedFile(file);
  } catch (err) {
    if (err instanceof PrivateFileError) throw new MachineSecretError(err.message);
    throw err;
  }
  try {
    return SecretFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    throw new MachineSecretError(`${file} is not a service secret file.`);
  }
}

function keyOf(file: string, base64: string, what: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new MachineSecretError(`${file} holds ${what} of the wrong length.`);
  return key;
}

function asSecret(file: string, content: SecretFile & { auditKey: string; auditKeyedAfter: number }): MachineSecret {
  return {
    dataKey: keyOf(file, content.dataKey, 'a data key'),
    caPassphrase: content.caPassphrase,
    audit: { key: keyOf(file, content.auditKey, 'an audit key'), keyedAfter: content.auditKeyedAfter },
  };
}

/**
 * Loads the secret, creating it on first start and adding the audit key to a file without one.
 * `auditEntriesSoFar` counts the audit log's entries (its last sequence number) at that moment.
 */
export function loadOrCreateMachineSecret(file: string, auditEntriesSoFar: () => number = () => 0): MachineSecret {
  if (!existsSync(file)) {
    writeSecretFile(file, { dataKey: randomBytes(32).toString('base64'), caPassphrase: randomBytes(24).toString('base64url') });
  }
  const content = readSecretFile(file);
  if (content.auditKey === undefined || content.auditKeyedAfter === undefined) {
    const keyed = { ...content, auditKey: randomBytes(32).toString('base64'), auditKeyedAfter: auditEntriesSoFar() };
    writeSecretFile(file, keyed);
    return asSecret(file, keyed);
  }
  return asSecret(file, { ...content, auditKey: content.auditKey, auditKeyedAfter: content.auditKeyedAfter });
}

/** Reads the audit key alone, changing nothing (audit-verify); null when the file has none yet. */
export function readAuditChainKey(file: string): AuditChainKey | null {
  if (!existsSync(file)) throw new MachineSecretError(`There is no service secret file at ${file}: name it with --secret-file.`);
  const content = readSecretFile(file);
  if (content.auditKey === undefined || content.auditKeyedAfter === undefined) return null;
  return { key: keyOf(file, content.auditKey, 'an audit key'), keyedAfter: content.auditKeyedAfter };
}
