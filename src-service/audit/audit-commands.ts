import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readAuditChainKey } from '../crypto/machine-secret.js';
import { machineSecretFileFor } from '../crypto/machine-secret-file.js';
import { openDatabase } from '../store/database.js';
import { commandLineDatabase } from '../config.js';
import { AuditCheckpoint, makeAuditCheckpoint, verifyAgainstCheckpoint, type CheckpointVerification } from './audit-checkpoint.js';
import { verifyAuditLog } from './audit-log.js';

// The operator's audit commands. `audit-checkpoint` exports the log's newest entry, MACed, to a
// file kept away from the database; `audit-verify` walks the chain with the audit key and, given
// a checkpoint, also finds entries cut from the end. Both read the database (a SQLite file, or a
// postgres:// URL) without changing it, and need the service secret file: beside a SQLite file
// unless --secret-file names it; with PostgreSQL it must be named. Exit status: 0 intact,
// 1 broken, 2 bad usage.

export const AUDIT_USAGE = `npm run service -- audit-verify --db <file or postgres URL> [--checkpoint <file>] [--secret-file <file>]
  npm run service -- audit-checkpoint --db <file or postgres URL> --out <file> [--secret-file <file>]
  (--secret-file is needed with a postgres URL)`;

export class AuditCommandError extends Error {
  override name = 'AuditCommandError';
}

const OPTIONS = { db: { type: 'string' }, 'secret-file': { type: 'string' }, checkpoint: { type: 'string' }, out: { type: 'string' } } as const;

function keyFor(db: string, secretFile: string | undefined) {
  return readAuditChainKey(machineSecretFileFor({ dbFile: db, secretFile }));
}

function readCheckpoint(file: string): AuditCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new AuditCommandError(`${file} cannot be read as an audit checkpoint (a JSON file written by audit-checkpoint).`);
  }
  const parsed = AuditCheckpoint.safeParse(json);
  if (!parsed.success) throw new AuditCommandError(`${file} is not an audit checkpoint written by audit-checkpoint.`);
  return parsed.data;
}

export async function auditVerifyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  if (!values.db || values.out !== undefined) {
    console.error(`usage: ${AUDIT_USAGE}`);
    return 2;
  }
  const key = keyFor(values.db, values['secret-file']);
  if (key === null && values.checkpoint) throw new AuditCommandError('This log has no audit key yet (the service has not started since it was added), so no checkpoint can match it.');
  const checkpoint = values.checkpoint ? readCheckpoint(values.checkpoint) : undefined;
  const db = await openDatabase(commandLineDatabase(values.db), { readonly: true });
  let result: CheckpointVerification;
  try {
    result = key && checkpoint ? await verifyAgainstCheckpoint(db, key, checkpoint) : await verifyAuditLog(db, key);
  } finally {
    await db.destroy();
  }
  if (result.ok) {
    const against = checkpoint ? `, up to and past the checkpoint of ${checkpoint.at} (entry ${checkpoint.seq})` : ' (without a checkpoint, entries cut from the end cannot be seen)';
    const unkeyed = key === null ? '; its entries are not keyed yet: start the service once to key the entries that follow' : '';
    console.log(`audit log intact: ${result.entries} entries${against}${unkeyed}`);
    return 0;
  }
  if (result.problem) console.error(`audit log BROKEN: ${result.problem}`);
  else console.error(`audit log BROKEN at entry ${result.brokenAt} (of ${result.entries} read)`);
  return 1;
}

export async function auditCheckpointCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  if (!values.db || !values.out || values.checkpoint !== undefined) {
    console.error(`usage: ${AUDIT_USAGE}`);
    return 2;
  }
  const key = keyFor(values.db, values['secret-file']);
  if (key === null) throw new AuditCommandError('This log has no audit key yet: start the service once, then make the checkpoint.');
  const db = await openDatabase(commandLineDatabase(values.db), { readonly: true });
  let checkpoint: AuditCheckpoint;
  try {
    // Only a chain that holds is worth a checkpoint: it would vouch for a forged entry.
    const chain = await verifyAuditLog(db, key);
    if (!chain.ok) {
      console.error(`audit log BROKEN at entry ${chain.brokenAt}: no checkpoint written`);
      return 1;
    }
    checkpoint = await makeAuditCheckpoint(db, key, new Date());
  } finally {
    await db.destroy();
  }
  try {
    // Never over an earlier checkpoint: each one is evidence.
    writeFileSync(values.out, `${JSON.stringify(checkpoint, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    throw new AuditCommandError(`Cannot write the checkpoint to ${values.out}: ${(err as NodeJS.ErrnoException).code ?? 'error'} (it must be a new file).`);
  }
  console.log(`audit checkpoint written to ${values.out}: entry ${checkpoint.seq} at ${checkpoint.at}`);
  return 0;
}
