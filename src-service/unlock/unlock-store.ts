import { createHash, randomBytes } from 'node:crypto';
import type { UnlockChannel } from '../../src-shared/api/service-unlock.js';
import type { Db } from '../store/database.js';
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

/**
 * The unlock `unlockId` names, started on `workstationId`. An unknown id and one started on
 * another workstation get the same 404: the id alone tells a stranger nothing.
 */
export async function findUnlock(db: Db, unlockId: string, workstationId: string): Promise<UnlockRow> {
  const row = await db
    .selectFrom('card_unlocks as u')
    .innerJoin('cards as k', 'k.id', 'u.card_id')
    .innerJoin('users as h', 'h.id', 'k.user_id')
    .leftJoin('users as s', 's.id', 'u.sponsor_user_id')
    .select([
      'u.id',
      'u.unlock_hash as unlockHash',
      'u.kind',
      'u.workstation_id as workstationId',
      'u.sponsor_session_id as sponsorSessionId',
      's.uuid as sponsorUuid',
      'u.channel',
      'u.code_mac as codeMac',
      'u.code_expires_at as codeExpiresAt',
      'u.code_tries as codeTries',
      'u.status',
      'u.expires_at as expiresAt',
      'u.witness_exchange as witnessExchange',
      'u.releases',
      'u.puk_reconciled_at as pukReconciledAt',
      'k.id as cardId',
      'k.uuid as cardUuid',
      'k.status as cardStatus',
      'h.uuid as holderUuid',
      'h.status as holderStatus',
    ])
    .where('u.unlock_hash', '=', hashUnlockId(unlockId))
    .executeTakeFirst();
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

export async function insertUnlock(db: Db, u: NewUnlock): Promise<number> {
  const { id } = await db
    .insertInto('card_unlocks')
    .values({
      unlock_hash: u.unlockHash,
      card_id: u.cardId,
      kind: u.kind,
      workstation_id: u.workstationId,
      sponsor_session_id: u.sponsorSessionId ?? null,
      sponsor_user_id: u.sponsorUserId ?? null,
      channel: u.channel ?? null,
      code_mac: u.codeMac ?? null,
      code_expires_at: u.codeExpiresAt ?? null,
      status: u.status,
      expires_at: u.expiresAt ?? null,
      created_at: u.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function setUnlockStatus(db: Db, id: number, status: UnlockStatus, at: number): Promise<void> {
  await db
    .updateTable('card_unlocks')
    .set({
      status,
      ...(status === 'released' ? { released_at: at } : {}),
      ...(status === 'committed' ? { committed_at: at } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Voids a card's unlocks not yet at the card (code-sent, ready), of one kind or of both; with
 * `onlyCodeSent`, only those whose security code has not been entered yet.
 */
export async function voidOpenUnlocks(db: Db, cardId: number, kind?: UnlockKind, onlyCodeSent = false): Promise<number> {
  let update = db
    .updateTable('card_unlocks')
    .set({ status: 'void' })
    .where('card_id', '=', cardId)
    .where('status', 'in', onlyCodeSent ? ['code-sent'] : ['code-sent', 'ready']);
  if (kind !== undefined) update = update.where('kind', '=', kind);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Wrong security codes entered for a card's self-service unlocks started since `since` (ms). A
 * code is only good for minutes after its unlock starts, so the start time dates its tries.
 */
export async function wrongCodesSince(db: Db, cardId: number, since: number): Promise<number> {
  const row = await db
    .selectFrom('card_unlocks')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('code_tries'), eb.lit(0)).as('wrong'))
    .where('card_id', '=', cardId)
    .where('kind', '=', 'self')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.wrong);
}

/** Self-service codes sent for a card since `since` (ms): their count and the earliest time. */
export async function codesSentSince(db: Db, cardId: number, since: number): Promise<{ count: number; earliest: number | null }> {
  const row = await db
    .selectFrom('card_unlocks')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min<number | null>('created_at').as('earliest')])
    .where('card_id', '=', cardId)
    .where('kind', '=', 'self')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), earliest: row.earliest === null ? null : Number(row.earliest) };
}
