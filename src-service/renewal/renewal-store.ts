import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';
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

/**
 * The renewal `renewalId` names, opened on `workstationId`. An unknown id and one opened on
 * another workstation get the same 404: the id alone tells a stranger nothing.
 */
export async function findRenewal(db: Db, renewalId: string, workstationId: string): Promise<RenewalRow> {
  const row: RenewalRow | undefined = await db
    .selectFrom('card_renewals as r')
    .innerJoin('cards as k', 'k.id', 'r.card_id')
    .innerJoin('users as h', 'h.id', 'k.user_id')
    .leftJoin('users as s', 's.id', 'r.sponsor_user_id')
    .select([
      'r.id',
      'r.kind',
      'r.workstation_id as workstationId',
      'r.sponsor_session_id as sponsorSessionId',
      's.uuid as sponsorUuid',
      'r.status',
      'r.old_serial as oldSerial',
      'r.issued_serial as issuedSerial',
      'r.issued_der as issuedDer',
      'r.issued_not_after as issuedNotAfter',
      'r.witness_exchange as witnessExchange',
      'r.card_proofs as cardProofs',
      'r.expires_at as expiresAt',
      'k.id as cardId',
      'k.uuid as cardUuid',
      'k.status as cardStatus',
      'k.algorithm as cardAlgorithm',
      'h.id as holderId',
      'h.uuid as holderUuid',
      'h.status as holderStatus',
    ])
    .where('r.renewal_hash', '=', hashRenewalId(renewalId))
    .executeTakeFirst();
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

export async function insertRenewal(db: Db, r: NewRenewal): Promise<number> {
  const { id } = await db
    .insertInto('card_renewals')
    .values({
      renewal_hash: r.renewalHash,
      card_id: r.cardId,
      kind: r.kind,
      workstation_id: r.workstationId,
      sponsor_session_id: r.sponsorSessionId ?? null,
      sponsor_user_id: r.sponsorUserId ?? null,
      status: 'opened',
      old_serial: r.oldSerial,
      issued_serial: r.issued?.serial ?? null,
      issued_der: r.issued?.der ?? null,
      issued_not_after: r.issued?.notAfter ?? null,
      created_at: r.createdAt,
      expires_at: renewalExpiry(r.createdAt),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function setRenewalStatus(db: Db, id: number, status: RenewalStatus): Promise<void> {
  await db.updateTable('card_renewals').set({ status }).where('id', '=', id).execute();
}

export async function storeIssuedCertificate(db: Db, id: number, issued: { serial: string; der: Buffer; notAfter: Date }): Promise<void> {
  await db
    .updateTable('card_renewals')
    .set({ status: 'issued', issued_serial: issued.serial, issued_der: issued.der, issued_not_after: issued.notAfter.toISOString() })
    .where('id', '=', id)
    .execute();
}

const UNFINISHED: RenewalStatus[] = ['opened', 'authenticated', 'issued'];

/**
 * Voids a card's unfinished renewals other than `exceptId`: all of them, or (`keepIssued`)
 * those that have no certificate yet, so one the card may already hold can still be confirmed.
 */
export async function voidUnfinishedRenewals(db: Db, cardId: number, options: { exceptId?: number; keepIssued: boolean }): Promise<number> {
  let update = db
    .updateTable('card_renewals')
    .set({ status: 'void' })
    .where('card_id', '=', cardId)
    .where('status', 'in', UNFINISHED)
    .where('id', '<>', options.exceptId ?? 0);
  if (options.keepIssued) update = update.where('issued_der', 'is', null);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
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
export async function unfinishedRenewalsSince(db: Db, cardId: number, since: number): Promise<UnfinishedRenewal[]> {
  return db
    .selectFrom('card_renewals')
    .select([
      'id',
      'kind',
      'status',
      'old_serial as oldSerial',
      'issued_serial as issuedSerial',
      'issued_der as issuedDer',
      'issued_not_after as issuedNotAfter',
      'created_at as createdAt',
    ])
    .where('card_id', '=', cardId)
    .where('status', 'in', UNFINISHED)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Recoveries opened for a card since `since` (ms): their count and the earliest time. */
export async function recoveriesSince(db: Db, cardId: number, since: number): Promise<{ count: number; earliest: number | null }> {
  const row = await db
    .selectFrom('card_renewals')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('earliest')])
    .where('card_id', '=', cardId)
    .where('kind', '=', 'recovery')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), earliest: row.earliest === null ? null : Number(row.earliest) };
}
