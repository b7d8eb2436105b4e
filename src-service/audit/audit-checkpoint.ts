import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AuditChainKey } from '../crypto/machine-secret.js';
import type { Db } from '../store/database.js';
import { auditHead, verifyAuditLog, type AuditVerification } from './audit-log.js';

// A checkpoint: the audit log's newest entry (sequence number and chain hash) at one moment,
// MACed with the audit key, exported to somewhere the database's writers cannot reach (a
// backup, a ticket, another machine). A chain alone cannot show that its last entries were cut
// off; checked against a checkpoint, a log that no longer reaches the checkpoint's entry, or
// holds another entry there, is reported.

export const AuditCheckpoint = z.strictObject({
  format: z.literal('audit-checkpoint/1'),
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.iso.datetime(),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

const checkpointMac = (key: AuditChainKey, seq: number, hash: string, at: string): string =>
  createHmac('sha256', key.key).update(JSON.stringify(['audit-checkpoint/1', seq, hash, at])).digest('hex');

export async function makeAuditCheckpoint(db: Db, key: AuditChainKey, at: Date): Promise<AuditCheckpoint> {
  const head = await auditHead(db);
  const iso = at.toISOString();
  return { format: 'audit-checkpoint/1', seq: head.seq, hash: head.hash, at: iso, mac: checkpointMac(key, head.seq, head.hash, iso) };
}

export interface CheckpointVerification extends AuditVerification {
  /** Why the log does not match the checkpoint, in an operator's words. */
  readonly problem?: string;
}

/** The chain verified, then held against `checkpoint`: its entry must still be there, unchanged. */
export async function verifyAgainstCheckpoint(db: Db, key: AuditChainKey, checkpoint: AuditCheckpoint): Promise<CheckpointVerification> {
  const expected = Buffer.from(checkpointMac(key, checkpoint.seq, checkpoint.hash, checkpoint.at), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(checkpoint.mac, 'hex'))) {
    return { ok: false, entries: 0, problem: 'the checkpoint was not made with this service\'s audit key, or it has been altered' };
  }
  const chain = await verifyAuditLog(db, key);
  if (!chain.ok) return chain;
  if (checkpoint.seq === 0) return chain;
  const row = await db.selectFrom('audit_log').select('hash').where('seq', '=', checkpoint.seq).executeTakeFirst();
  const head = await auditHead(db);
  if (!row) {
    return {
      ok: false,
      entries: chain.entries,
      problem: `TRUNCATED: the checkpoint of ${checkpoint.at} names entry ${checkpoint.seq}, but the log ends at entry ${head.seq}`,
    };
  }
  if (row.hash !== checkpoint.hash) {
    return {
      ok: false,
      entries: chain.entries,
      brokenAt: checkpoint.seq,
      problem: `entry ${checkpoint.seq} is not the one the checkpoint of ${checkpoint.at} recorded: entries were removed and others written in their place`,
    };
  }
  return chain;
}
