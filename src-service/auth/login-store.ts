import { fullName } from '../store/full-name.js';
import { sql } from 'kysely';
import type { PositionSummary } from '../../src-shared/api/service-common.js';
import { currentAssignment, POSITION_COLUMNS, POSITION_JOINS, toPositionSummary, type PositionRow } from '../cim/position-summary.js';
import type { Db } from '../store/database.js';

// The directory reads of card login, the service's hottest path (three requests per sign-in):
// each is one query (on SQLite its statement is prepared once and reused, store/database.ts).

export interface ChallengeRow {
  readonly workstationId: string;
  readonly expiresAt: number;
  readonly used: number;
  readonly purpose: string;
  readonly sessionId: number | null;
}

export interface CertificateRecord {
  readonly serial: string;
  readonly der: Buffer | null;
  readonly notAfter: string;
  readonly revokedAt: string | null;
  readonly cardId: number;
  readonly cardUuid: string;
  readonly cardStatus: string;
  readonly cardAlgorithm: string;
  readonly userId: number;
  readonly userUuid: string;
  readonly userName: string;
  readonly userStatus: string;
}

/**
 * A certificate an unfinished renewal issued that is not live yet: the card holds it, so a login
 * with it confirms the renewal (it rolls forward, src-service/renewal/renewal-confirmation.ts).
 */
export interface RenewedCertificateRecord extends CertificateRecord {
  readonly renewalId: number;
  readonly renewalKind: 'self' | 'sponsor' | 'recovery';
  readonly sponsorUuid: string | null;
  readonly oldSerial: string | null;
}

export interface TicketRow {
  readonly userId: number;
  readonly cardId: number;
  readonly workstationId: string;
  readonly expiresAt: number;
  readonly used: number;
}

export interface CardAndUser {
  readonly cardUuid: string;
  readonly cardStatus: string;
  readonly userUuid: string;
  readonly userName: string;
  readonly userStatus: string;
  /** Its live certificate's end, the latest if several; null when none is live. */
  readonly notAfter: string | null;
}

/** The card and its holder, as every login lookup reads them (cards `k`, users `u`). */
const CARD_AND_HOLDER = [
  'k.id as cardId',
  'k.uuid as cardUuid',
  'k.status as cardStatus',
  'k.algorithm as cardAlgorithm',
  'u.id as userId',
  'u.uuid as userUuid',
  fullName('u').as('userName'),
  'u.status as userStatus',
] as const;

export async function challengeRow(db: Db, nonce: string): Promise<ChallengeRow | undefined> {
  return db
    .selectFrom('login_challenges')
    .select(['workstation_id as workstationId', 'expires_at as expiresAt', 'used', 'purpose', 'session_id as sessionId'])
    .where('nonce', '=', nonce)
    .executeTakeFirst();
}

/** The one-use guarantee: only the request whose UPDATE changes the row may go on. */
export async function useChallenge(db: Db, nonce: string): Promise<boolean> {
  const result = await db.updateTable('login_challenges').set({ used: 1 }).where('nonce', '=', nonce).where('used', '=', 0).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The directory's record of the live certificate with `serial`, its card and holder. */
export async function certificateRecord(db: Db, serial: string): Promise<CertificateRecord | undefined> {
  return db
    .selectFrom('certificates as c')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      'c.serial',
      'c.der',
      'c.not_after as notAfter',
      'c.revoked_at as revokedAt',
      ...CARD_AND_HOLDER,
    ])
    .where('c.serial', '=', serial)
    .executeTakeFirst();
}

/** Only asked when `certificateRecord` found nothing, so a normal login never runs it. */
export async function renewedCertificateRecord(db: Db, serial: string): Promise<RenewedCertificateRecord | undefined> {
  const row = await db
    .selectFrom('card_renewals as r')
    .innerJoin('cards as k', 'k.id', 'r.card_id')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .leftJoin('users as s', 's.id', 'r.sponsor_user_id')
    .select([
      'r.issued_serial as serial',
      'r.issued_der as der',
      'r.issued_not_after as notAfter',
      ...CARD_AND_HOLDER,
      'r.id as renewalId',
      'r.kind as renewalKind',
      's.uuid as sponsorUuid',
      'r.old_serial as oldSerial',
    ])
    .where('r.issued_serial', '=', serial)
    .where('r.status', 'in', ['opened', 'authenticated', 'issued'])
    .executeTakeFirst();
  // Found by its issued serial, so that and the issued date are set.
  return row ? { ...row, serial, notAfter: row.notAfter ?? '', revokedAt: null } : undefined;
}

/** The card's live certificate: what the Identity Agent shows and the expiry notice counts down. */
export async function cardAndUser(db: Db, cardId: number): Promise<CardAndUser | undefined> {
  return db
    .selectFrom('cards as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select((eb) => [
      'k.uuid as cardUuid',
      'k.status as cardStatus',
      'u.uuid as userUuid',
      fullName('u').as('userName'),
      'u.status as userStatus',
      eb
        .selectFrom('certificates as c')
        .select('c.not_after')
        .whereRef('c.card_id', '=', 'k.id')
        .where('c.revoked_at', 'is', null)
        .orderBy('c.not_after', 'desc')
        .limit(1)
        .as('notAfter'),
    ])
    .where('k.id', '=', cardId)
    .executeTakeFirst();
}

/** The positions `userId` holds on `today` (UTC 'YYYY-MM-DD'): a current assignment, the position open. */
export async function activePositions(db: Db, userId: number, today: string): Promise<PositionSummary[]> {
  const { rows } = await sql<PositionRow>`
    SELECT ${sql.raw(POSITION_COLUMNS)}
      FROM positions p ${sql.raw(POSITION_JOINS)}
     WHERE p.closed = 0
       AND EXISTS (SELECT 1 FROM position_assignments a WHERE a.position_id = p.id AND a.user_id = ${userId} AND ${currentAssignment(today)})
     ORDER BY po.name, p.title, p.id`.execute(db);
  return rows.map(toPositionSummary);
}

export async function positionSummary(db: Db, positionId: number): Promise<PositionSummary | undefined> {
  const { rows } = await sql<PositionRow>`SELECT ${sql.raw(POSITION_COLUMNS)} FROM positions p ${sql.raw(POSITION_JOINS)} WHERE p.id = ${positionId}`.execute(db);
  const row = rows[0];
  return row ? toPositionSummary(row) : undefined;
}
