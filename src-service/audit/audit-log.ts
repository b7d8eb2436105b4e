import { createHash } from 'node:crypto';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';

// Append-only, hash-chained audit log: each entry's hash covers its content and the previous
// entry's hash, so removing, reordering or editing any entry breaks every hash after it.
// (Triggers in the schema refuse UPDATE and DELETE; the chain catches edits made around them.)

export interface AuditEntry {
  readonly action: string;
  /** Who did it: a user UUID, or 'system'. */
  readonly actor: string | null;
  /** What it was done to: a user, card or request reference. */
  readonly subject?: string | null;
  readonly workstationId?: string | null;
  /** Facts about the event; never a secret. */
  readonly details?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

function entryHash(prev: string, at: string, e: { actor: string | null; action: string; subject: string | null; workstation: string | null; details: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([prev, at, e.actor, e.action, e.subject, e.workstation, e.details]))
    .digest('hex');
}

export function appendAudit(db: Db, entry: AuditEntry, at = new Date()): void {
  const prev = (prepared(db, 'SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? GENESIS;
  const fields = {
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? null,
    workstation: entry.workstationId ?? null,
    details: JSON.stringify(entry.details ?? {}),
  };
  const iso = at.toISOString();
  prepared(db, 'INSERT INTO audit_log (at, actor, action, subject, workstation_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    iso,
    fields.actor,
    fields.action,
    fields.subject,
    fields.workstation,
    fields.details,
    prev,
    entryHash(prev, iso, fields),
  );
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry whose hash or link does not hold. */
  readonly brokenAt?: number;
}

export function verifyAuditLog(db: Db): AuditVerification {
  let prev = GENESIS;
  let entries = 0;
  const rows = db.prepare('SELECT seq, at, actor, action, subject, workstation_id AS workstation, details, prev_hash, hash FROM audit_log ORDER BY seq').iterate() as Iterable<{
    seq: number;
    at: string;
    actor: string | null;
    action: string;
    subject: string | null;
    workstation: string | null;
    details: string;
    prev_hash: string;
    hash: string;
  }>;
  for (const row of rows) {
    entries++;
    if (row.prev_hash !== prev || entryHash(prev, row.at, row) !== row.hash) return { ok: false, entries, brokenAt: row.seq };
    prev = row.hash;
  }
  return { ok: true, entries };
}
