import type { PositionSummary } from '../../src-shared/api/service-common.js';
import { CURRENT_ASSIGNMENT, POSITION_COLUMNS, POSITION_JOINS, toPositionSummary, type PositionRow } from '../cim/position-summary.js';
import type { Db } from '../store/database.js';

// Every SQL statement of card login, prepared once per database: login is the service's
// hottest path (three requests per sign-in), and preparing a statement costs as much as
// running a small one.

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

function build(db: Db) {
  return {
    insertChallenge: db.prepare('INSERT INTO login_challenges (nonce, workstation_id, expires_at, purpose, session_id) VALUES (?, ?, ?, ?, ?)'),
    challenge: db.prepare(
      'SELECT workstation_id AS workstationId, expires_at AS expiresAt, used, purpose, session_id AS sessionId FROM login_challenges WHERE nonce = ?',
    ),
    // The one-use guarantee: only the request whose UPDATE changes the row may go on.
    useChallenge: db.prepare('UPDATE login_challenges SET used = 1 WHERE nonce = ? AND used = 0'),
    pruneChallenges: db.prepare('DELETE FROM login_challenges WHERE expires_at < ?'),
    certificate: db.prepare(
      `SELECT c.serial, c.der, c.not_after AS notAfter, c.revoked_at AS revokedAt,
              k.id AS cardId, k.uuid AS cardUuid, k.status AS cardStatus, k.algorithm AS cardAlgorithm,
              u.id AS userId, u.uuid AS userUuid, u.given_name || ' ' || u.family_name AS userName, u.status AS userStatus
         FROM certificates c JOIN cards k ON k.id = c.card_id JOIN users u ON u.id = k.user_id
        WHERE c.serial = ?`,
    ),
    // Only asked when `certificate` found nothing, so a normal login never runs it.
    renewedCertificate: db.prepare(
      `SELECT r.issued_serial AS serial, r.issued_der AS der, r.issued_not_after AS notAfter, NULL AS revokedAt,
              k.id AS cardId, k.uuid AS cardUuid, k.status AS cardStatus, k.algorithm AS cardAlgorithm,
              u.id AS userId, u.uuid AS userUuid, u.given_name || ' ' || u.family_name AS userName, u.status AS userStatus,
              r.id AS renewalId, r.kind AS renewalKind, s.uuid AS sponsorUuid, r.old_serial AS oldSerial
         FROM card_renewals r JOIN cards k ON k.id = r.card_id JOIN users u ON u.id = k.user_id LEFT JOIN users s ON s.id = r.sponsor_user_id
        WHERE r.issued_serial = ? AND r.status IN ('opened','authenticated','issued')`,
    ),
    insertTicket: db.prepare('INSERT INTO login_tickets (ticket_hash, user_id, card_id, workstation_id, expires_at) VALUES (?, ?, ?, ?, ?)'),
    ticket: db.prepare('SELECT user_id AS userId, card_id AS cardId, workstation_id AS workstationId, expires_at AS expiresAt, used FROM login_tickets WHERE ticket_hash = ?'),
    useTicket: db.prepare('UPDATE login_tickets SET used = 1 WHERE ticket_hash = ? AND used = 0'),
    pruneTickets: db.prepare('DELETE FROM login_tickets WHERE expires_at < ?'),
    // Active assignments: started, not ended, not removed, position open (dates are UTC 'YYYY-MM-DD').
    activePositions: db.prepare(
      `SELECT ${POSITION_COLUMNS}
         FROM position_assignments a JOIN positions p ON p.id = a.position_id ${POSITION_JOINS}
        WHERE a.user_id = ? AND ${CURRENT_ASSIGNMENT} AND p.closed = 0
        GROUP BY p.id ORDER BY po.name, p.title, p.id`,
    ),
    position: db.prepare(`SELECT ${POSITION_COLUMNS} FROM positions p ${POSITION_JOINS} WHERE p.id = ?`),
    // The card's live certificate: what the Identity Agent shows and the expiry notice counts down.
    cardAndUser: db.prepare(
      `SELECT k.uuid AS cardUuid, k.status AS cardStatus, u.uuid AS userUuid, u.given_name || ' ' || u.family_name AS userName, u.status AS userStatus,
              (SELECT c.not_after FROM certificates c WHERE c.card_id = k.id AND c.revoked_at IS NULL ORDER BY c.not_after DESC LIMIT 1) AS notAfter
         FROM cards k JOIN users u ON u.id = k.user_id WHERE k.id = ?`,
    ),
  };
}

export type LoginStatements = ReturnType<typeof build>;

const cache = new WeakMap<Db, LoginStatements>();

export function loginStatements(db: Db): LoginStatements {
  let s = cache.get(db);
  if (!s) {
    s = build(db);
    cache.set(db, s);
  }
  return s;
}

export function activePositions(db: Db, userId: number, today: string): PositionSummary[] {
  return (loginStatements(db).activePositions.all(userId, today, today) as PositionRow[]).map(toPositionSummary);
}

export function positionSummary(db: Db, positionId: number): PositionSummary | undefined {
  const row = loginStatements(db).position.get(positionId) as PositionRow | undefined;
  return row ? toPositionSummary(row) : undefined;
}
