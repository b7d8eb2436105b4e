import { createHash, randomBytes } from 'node:crypto';
import type { UnlockChannel } from '../../src-shared/api/service-unlock.js';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import { refuse } from './unlock-refusal.js';

// The card_unlocks rows: one per unlock started, self-service or by a sponsor. The unlock id is
// handed out once and only its SHA-256 is kept, like a session token: it is the capability that
// takes the unlock through its steps, on the workstation that started it.
//
//   self:    code-sent -> ready (right code) -> released (PUKs handed to the card) -> committed
//   sponsor:              ready              -> released                            -> committed
//   any open row may become void (superseded, its code not sent, its sponsor signed out).

export type UnlockKind = 'self' | 'sponsor';
export type UnlockStatus = 'code-sent' | 'ready' | 'released' | 'committed' | 'void';

/** How long a sponsor's unlock, or a self-service one after its code, stays open for the card steps. */
export const UNLOCK_READY_MINUTES = 10;

export interface UnlockRow {
  readonly id: number;
  readonly unlockHash: Buffer;
  readonly kind: UnlockKind;
  readonly workstationId: string;
  readonly sponsorSessionId: number | null;
  readonly sponsorUuid: string | null;
  readonly channel: UnlockChannel | null;
  readonly codeMac: Buffer | null;
  readonly codeExpiresAt: number | null;
  readonly codeTries: number;
  readonly status: UnlockStatus;
  readonly expiresAt: number | null;
  /** The management-key exchange the last card-witness step opened for this unlock, if any. */
  readonly witnessExchange: string | null;
  /** How many times this unlock has released the PUKs. */
  readonly releases: number;
  /** When the agent said the card held the pending PUK already (then made current). */
  readonly pukReconciledAt: number | null;
  readonly cardId: number;
  readonly cardUuid: string;
  readonly cardStatus: string;
  readonly holderUuid: string;
  readonly holderStatus: string;
}

export const newUnlockId = (): string => randomBytes(32).toString('base64url');
export const hashUnlockId = (unlockId: string): Buffer => createHash('sha256').update(unlockId, 'utf8').digest();

const SELECT_UNLOCK = `
  SELECT u.id, u.unlock_hash AS unlockHash, u.kind, u.workstation_id AS workstationId, u.sponsor_session_id AS sponsorSessionId,
         s.uuid AS sponsorUuid, u.channel, u.code_mac AS codeMac, u.code_expires_at AS codeExpiresAt, u.code_tries AS codeTries,
         u.status, u.expires_at AS expiresAt, u.witness_exchange AS witnessExchange, u.releases, u.puk_reconciled_at AS pukReconciledAt, k.id AS cardId, k.uuid AS cardUuid, k.status AS cardStatus,
         h.uuid AS holderUuid, h.status AS holderStatus
    FROM card_unlocks u JOIN cards k ON k.id = u.card_id JOIN users h ON h.id = k.user_id LEFT JOIN users s ON s.id = u.sponsor_user_id
   WHERE u.unlock_hash = ?`;

/**
 * The unlock `unlockId` names, started on `workstationId`. An unknown id and one started on
 * another workstation get the same 404: the id alone tells a stranger nothing.
 */
export function findUnlock(db: Db, unlockId: string, workstationId: string): UnlockRow {
  const row = prepared(db, SELECT_UNLOCK).get(hashUnlockId(unlockId)) as UnlockRow | undefined;
  if (!row || row.workstationId !== workstationId) {
    throw refuse(404, 'not-found', 'unknown-unlock', 'That unlock was not found on this workstation. Start again.');
  }
  return row;
}

export interface NewUnlock {
  readonly unlockHash: Buffer;
  readonly cardId: number;
  readonly kind: UnlockKind;
  readonly workstationId: string;
  readonly status: 'code-sent' | 'ready';
  readonly sponsorSessionId?: number;
  readonly sponsorUserId?: number;
  readonly channel?: UnlockChannel;
  readonly codeMac?: Buffer;
  readonly codeExpiresAt?: number;
  readonly expiresAt?: number;
  readonly createdAt: number;
}

export function insertUnlock(db: Db, u: NewUnlock): number {
  const info = prepared(
    db,
    `INSERT INTO card_unlocks (unlock_hash, card_id, kind, workstation_id, sponsor_session_id, sponsor_user_id, channel, code_mac, code_expires_at, status, expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    u.unlockHash,
    u.cardId,
    u.kind,
    u.workstationId,
    u.sponsorSessionId ?? null,
    u.sponsorUserId ?? null,
    u.channel ?? null,
    u.codeMac ?? null,
    u.codeExpiresAt ?? null,
    u.status,
    u.expiresAt ?? null,
    u.createdAt,
  );
  return Number(info.lastInsertRowid);
}

export function setUnlockStatus(db: Db, id: number, status: UnlockStatus, at: number): void {
  prepared(
    db,
    `UPDATE card_unlocks SET status = @status,
            released_at = CASE WHEN @status = 'released' THEN @at ELSE released_at END,
            committed_at = CASE WHEN @status = 'committed' THEN @at ELSE committed_at END
      WHERE id = @id`,
  ).run({ id, status, at });
}

/**
 * Voids a card's unlocks not yet at the card (code-sent, ready), of one kind or of both; with
 * `onlyCodeSent`, only those whose security code has not been entered yet.
 */
export function voidOpenUnlocks(db: Db, cardId: number, kind?: UnlockKind, onlyCodeSent = false): number {
  return prepared(
    db,
    "UPDATE card_unlocks SET status = 'void' WHERE card_id = @cardId AND (status = 'code-sent' OR (@all = 1 AND status = 'ready')) AND (@kind IS NULL OR kind = @kind)",
  ).run({ cardId, kind: kind ?? null, all: onlyCodeSent ? 0 : 1 }).changes;
}

/**
 * Wrong security codes entered for a card's self-service unlocks started since `since` (ms). A
 * code is only good for minutes after its unlock starts, so the start time dates its tries.
 */
export function wrongCodesSince(db: Db, cardId: number, since: number): number {
  const row = prepared(db, "SELECT COALESCE(SUM(code_tries), 0) AS wrong FROM card_unlocks WHERE card_id = ? AND kind = 'self' AND created_at > ?").get(cardId, since) as { wrong: number };
  return row.wrong;
}

/** Self-service codes sent for a card since `since` (ms): their count and the earliest time. */
export function codesSentSince(db: Db, cardId: number, since: number): { count: number; earliest: number | null } {
  return prepared(db, "SELECT COUNT(*) AS count, MIN(created_at) AS earliest FROM card_unlocks WHERE card_id = ? AND kind = 'self' AND created_at > ?").get(cardId, since) as {
    count: number;
    earliest: number | null;
  };
}
