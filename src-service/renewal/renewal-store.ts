import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import { refuse } from '../unlock/unlock-refusal.js';

// The card_renewals rows: one per renewal opened, by the holder, by a sponsor, or to recover one
// cut short. The renewal id is handed out once and only its SHA-256 is kept, like an unlock id:
// it is the capability that takes the renewal through its steps, on the workstation that
// opened it.
//
//   opened -> authenticated (the card proved itself) -> issued (certificate made) -> confirmed
//   an open row may become void (superseded by a newer renewal, or by a recovery).
//
// A row holding an issued certificate is never voided by a newer self or sponsor renewal: the
// card may already carry that certificate, and the row is what lets it be confirmed later.

export type RenewalKind = 'self' | 'sponsor' | 'recovery';
export type RenewalStatus = 'opened' | 'authenticated' | 'issued' | 'confirmed' | 'void';

/** How long a renewal stays open for the card steps. */
const RENEWAL_OPEN_MINUTES = 10;
const MINUTE_MS = 60_000;
export const renewalExpiry = (now: number): number => now + RENEWAL_OPEN_MINUTES * MINUTE_MS;

export interface RenewalRow {
  readonly id: number;
  readonly kind: RenewalKind;
  readonly workstationId: string;
  readonly sponsorSessionId: number | null;
  readonly sponsorUuid: string | null;
  readonly status: RenewalStatus;
  readonly oldSerial: string | null;
  readonly issuedSerial: string | null;
  readonly issuedDer: Buffer | null;
  readonly issuedNotAfter: string | null;
  readonly witnessExchange: string | null;
  readonly cardProofs: number;
  readonly expiresAt: number;
  readonly cardId: number;
  readonly cardUuid: string;
  readonly cardStatus: string;
  readonly cardAlgorithm: string;
  readonly holderId: number;
  readonly holderUuid: string;
  readonly holderStatus: string;
}

export const newRenewalId = (): string => randomBytes(32).toString('base64url');
export const hashRenewalId = (renewalId: string): Buffer => createHash('sha256').update(renewalId, 'utf8').digest();

const SELECT_RENEWAL = `
  SELECT r.id, r.kind, r.workstation_id AS workstationId, r.sponsor_session_id AS sponsorSessionId, s.uuid AS sponsorUuid,
         r.status, r.old_serial AS oldSerial, r.issued_serial AS issuedSerial, r.issued_der AS issuedDer,
         r.issued_not_after AS issuedNotAfter, r.witness_exchange AS witnessExchange, r.card_proofs AS cardProofs, r.expires_at AS expiresAt,
         k.id AS cardId, k.uuid AS cardUuid, k.status AS cardStatus, k.algorithm AS cardAlgorithm,
         h.id AS holderId, h.uuid AS holderUuid, h.status AS holderStatus
    FROM card_renewals r JOIN cards k ON k.id = r.card_id JOIN users h ON h.id = k.user_id LEFT JOIN users s ON s.id = r.sponsor_user_id
   WHERE r.renewal_hash = ?`;

/**
 * The renewal `renewalId` names, opened on `workstationId`. An unknown id and one opened on
 * another workstation get the same 404: the id alone tells a stranger nothing.
 */
export function findRenewal(db: Db, renewalId: string, workstationId: string): RenewalRow {
  const row = prepared(db, SELECT_RENEWAL).get(hashRenewalId(renewalId)) as RenewalRow | undefined;
  if (!row || row.workstationId !== workstationId) {
    throw refuse(404, 'not-found', 'unknown-renewal', 'That renewal was not found on this workstation. Start again.');
  }
  return row;
}

export interface NewRenewal {
  readonly renewalHash: Buffer;
  readonly cardId: number;
  readonly kind: RenewalKind;
  readonly workstationId: string;
  readonly sponsorSessionId?: number;
  readonly sponsorUserId?: number;
  readonly oldSerial: string | null;
  /** A certificate a cut-short renewal had issued, carried over by a recovery. */
  readonly issued?: { readonly serial: string; readonly der: Buffer; readonly notAfter: string };
  readonly createdAt: number;
}

export function insertRenewal(db: Db, r: NewRenewal): number {
  const info = prepared(
    db,
    `INSERT INTO card_renewals (renewal_hash, card_id, kind, workstation_id, sponsor_session_id, sponsor_user_id, status, old_serial,
                                issued_serial, issued_der, issued_not_after, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, 'opened', ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.renewalHash,
    r.cardId,
    r.kind,
    r.workstationId,
    r.sponsorSessionId ?? null,
    r.sponsorUserId ?? null,
    r.oldSerial,
    r.issued?.serial ?? null,
    r.issued?.der ?? null,
    r.issued?.notAfter ?? null,
    r.createdAt,
    renewalExpiry(r.createdAt),
  );
  return Number(info.lastInsertRowid);
}

export function setRenewalStatus(db: Db, id: number, status: RenewalStatus): void {
  prepared(db, 'UPDATE card_renewals SET status = ? WHERE id = ?').run(status, id);
}

export function storeIssuedCertificate(db: Db, id: number, issued: { serial: string; der: Buffer; notAfter: Date }): void {
  prepared(db, "UPDATE card_renewals SET status = 'issued', issued_serial = ?, issued_der = ?, issued_not_after = ? WHERE id = ?").run(
    issued.serial,
    issued.der,
    issued.notAfter.toISOString(),
    id,
  );
}

/**
 * Voids a card's unfinished renewals other than `exceptId`: all of them, or (`keepIssued`)
 * those that have no certificate yet, so one the card may already hold can still be confirmed.
 */
export function voidUnfinishedRenewals(db: Db, cardId: number, options: { exceptId?: number; keepIssued: boolean }): number {
  return prepared(
    db,
    `UPDATE card_renewals SET status = 'void'
      WHERE card_id = @cardId AND status IN ('opened','authenticated','issued') AND id <> @exceptId
        AND (@keepIssued = 0 OR issued_der IS NULL)`,
  ).run({ cardId, exceptId: options.exceptId ?? 0, keepIssued: options.keepIssued ? 1 : 0 }).changes;
}

export interface UnfinishedRenewal {
  readonly id: number;
  readonly kind: RenewalKind;
  readonly status: RenewalStatus;
  readonly oldSerial: string | null;
  readonly issuedSerial: string | null;
  readonly issuedDer: Buffer | null;
  readonly issuedNotAfter: string | null;
  readonly createdAt: number;
}

/** A card's renewals opened since `since` (ms) and not finished, newest first. */
export function unfinishedRenewalsSince(db: Db, cardId: number, since: number): UnfinishedRenewal[] {
  return prepared(
    db,
    `SELECT id, kind, status, old_serial AS oldSerial, issued_serial AS issuedSerial, issued_der AS issuedDer,
            issued_not_after AS issuedNotAfter, created_at AS createdAt
       FROM card_renewals WHERE card_id = ? AND status IN ('opened','authenticated','issued') AND created_at > ?
      ORDER BY created_at DESC, id DESC`,
  ).all(cardId, since) as UnfinishedRenewal[];
}

/** Recoveries opened for a card since `since` (ms): their count and the earliest time. */
export function recoveriesSince(db: Db, cardId: number, since: number): { count: number; earliest: number | null } {
  return prepared(db, "SELECT COUNT(*) AS count, MIN(created_at) AS earliest FROM card_renewals WHERE card_id = ? AND kind = 'recovery' AND created_at > ?").get(
    cardId,
    since,
  ) as { count: number; earliest: number | null };
}
