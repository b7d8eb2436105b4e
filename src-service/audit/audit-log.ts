import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditChainKey } from '../crypto/machine-secret.js';
import type { Db } from '../store/database.js';
import { inTransaction, rootOf } from '../store/transaction.js';

// Append-only, hash-chained audit log: each entry's hash covers its content and the previous
// entry's hash, so removing, reordering or editing any entry breaks every hash after it.
// (Triggers in the schema refuse UPDATE and DELETE; the chain catches edits made around them.)
// The hash is an HMAC under the audit key, held with the service's other secrets and never in
// the database, so whoever can write the database cannot write a chain that verifies. Entries
// from before the key (up to `keyedAfter`) keep their plain SHA-256 links; the first keyed entry
// covers the last of them, so they cannot be rewritten either. A chain cannot show that entries
// were cut from its end: a checkpoint kept elsewhere does (audit/audit-checkpoint.ts).

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

export const GENESIS = '0'.repeat(64);

interface EntryFields {
  actor: string | null;
  action: string;
  subject: string | null;
  workstation: string | null;
  details: string;
}

// Keyed by the database: whoever opens it with the service's secrets registers the key.
const keys = new WeakMap<Db, AuditChainKey>();

/** Every entry appended to `db` from now on is keyed with `key`. */
export function useAuditKey(db: Db, key: AuditChainKey): void {
  keys.set(rootOf(db), key);
}

function entryHash(key: AuditChainKey | null, seq: number, prev: string, at: string, e: EntryFields): string {
  const content = JSON.stringify([prev, at, e.actor, e.action, e.subject, e.workstation, e.details]);
  if (key === null || seq <= key.keyedAfter) return createHash('sha256').update(content).digest('hex');
  return createHmac('sha256', key.key).update(`audit-chain/2\n${content}`).digest('hex');
}

/**
 * Appends one entry after the newest. Inside a transaction (the change it records), or in one
 * of its own: either way under the store's single-writer rule (store/transaction.ts), so two
 * entries never both follow the same head.
 */
export async function appendAudit(db: Db, entry: AuditEntry, at = new Date()): Promise<void> {
  await appendAuditEntries(db, [entry], at);
}

/** Rows per INSERT when many entries are appended at once: within both engines' parameter limits. */
const INSERT_CHUNK = 500;

/**
 * Appends `entries`, in order, after the newest, as appendAudit would one by one, but reading the
 * head once and writing in chunks: a change of thousands of rows (a batch of assignments) gets
 * an entry for each in a few statements.
 */
export async function appendAuditEntries(db: Db, entries: readonly AuditEntry[], at = new Date()): Promise<void> {
  const key = keys.get(rootOf(db));
  // An unkeyed entry after keyed ones would break the chain for good: refuse to write one.
  if (!key) throw new Error('The audit key is not loaded for this database; open it with the service secret.');
  if (entries.length === 0) return;
  await inTransaction(db, async (trx) => {
    let { seq, hash } = await auditHead(trx);
    const iso = at.toISOString();
    const rows = entries.map((entry) => {
      const fields = {
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject ?? null,
        workstation: entry.workstationId ?? null,
        details: JSON.stringify(entry.details ?? {}),
      };
      seq += 1;
      const prev = hash;
      hash = entryHash(key, seq, prev, iso, fields);
      return {
        seq,
        at: iso,
        actor: fields.actor,
        action: fields.action,
        subject: fields.subject,
        workstation_id: fields.workstation,
        details: fields.details,
        prev_hash: prev,
        hash,
      };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('audit_log').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  });
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry whose hash or link does not hold. */
  readonly brokenAt?: number;
}

interface AuditRow extends EntryFields {
  seq: number;
  at: string;
  prev_hash: string;
  hash: string;
}

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Walks the chain from its start. `key` null: a log from before the audit key, every link plain
 * SHA-256 (which anyone could have recomputed).
 */
export async function verifyAuditLog(db: Db, key: AuditChainKey | null): Promise<AuditVerification> {
  let prev = GENESIS;
  let entries = 0;
  for await (const row of auditRows(db)) {
    entries++;
    if (row.prev_hash !== prev || !sameHex(entryHash(key, row.seq, prev, row.at, row), row.hash)) return { ok: false, entries, brokenAt: row.seq };
    prev = row.hash;
  }
  return { ok: true, entries };
}

/** Every entry in order, a page at a time (a log of millions never sits in memory at once). */
async function* auditRows(db: Db): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const page: AuditRow[] = await db
      .selectFrom('audit_log')
      .select(['seq', 'at', 'actor', 'action', 'subject', 'workstation_id as workstation', 'details', 'prev_hash', 'hash'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(1000)
      .execute();
    yield* page;
    const last = page.at(-1);
    if (!last) return;
    after = last.seq;
  }
}

/** The newest entry's sequence number and hash (0 and the genesis hash for an empty log). */
export async function auditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return head ?? { seq: 0, hash: GENESIS };
}
