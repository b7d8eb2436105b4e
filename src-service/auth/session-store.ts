import { createHash, randomBytes } from 'node:crypto';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import { utcDate } from '../cim/dates.js';
import { CURRENT_ASSIGNMENT } from '../cim/position-summary.js';

// Sessions: the token is random and handed out once; only its SHA-256 is stored, so a copy of
// the database does not let anyone act as a signed-in user. Each is bound to the thumbprint of
// the workstation key that proved itself when it was opened (DPoP): the token works only with
// proofs from that key.

export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

export interface SessionContext {
  readonly sessionId: number;
  readonly userId: number;
  readonly userUuid: string;
  readonly userName: string;
  readonly cardId: number;
  readonly positionId: number;
  readonly orgId: number;
  /** The session organisation's path: its subtree is the session's scope. */
  readonly orgPath: string;
  readonly roles: readonly RoleCode[];
  /** The workstation the session was signed in from (the one the card signed for): for the audit. */
  readonly workstationId: string;
  /** RFC 7638 thumbprint of the workstation key the session is bound to. */
  readonly keyThumbprint: string;
  readonly expiresAt: number;
}

export function openSession(
  db: Db,
  s: { userId: number; cardId: number; positionId: number; workstationId: string; keyThumbprint: string; ttlMs: number; now?: number },
): { token: string; sessionId: number; expiresAt: number } {
  const token = randomBytes(32).toString('base64url');
  const now = s.now ?? Date.now();
  const expiresAt = now + s.ttlMs;
  const info = prepared(
    db,
    'INSERT INTO sessions (token_hash, user_id, card_id, position_id, workstation_id, key_thumbprint, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(hashToken(token), s.userId, s.cardId, s.positionId, s.workstationId, s.keyThumbprint, now, expiresAt);
  return { token, sessionId: Number(info.lastInsertRowid), expiresAt };
}

/**
 * Why a session that has not ended or expired may no longer be used: the card was revoked,
 * cancelled or locked, the profile closed, or the assignment to the session's position removed,
 * ended or its position closed since login. Each authorised call checks these afresh, so a
 * change in the directory takes effect on the next call, not when the session runs out.
 */
export type SessionStanding = 'live' | 'card-stopped' | 'profile-closed' | 'position-ended';

/** A session with its standing now; the two `?` before the WHERE clause are today's UTC date. */
const SESSION_WITH_STANDING = `SELECT s.id AS sessionId, s.user_id AS userId, u.uuid AS userUuid, u.given_name || ' ' || u.family_name AS userName,
              s.card_id AS cardId, s.position_id AS positionId, p.org_id AS orgId, o.path AS orgPath, p.roles AS roles,
              s.workstation_id AS workstationId, s.key_thumbprint AS keyThumbprint, s.expires_at AS expiresAt,
              CASE WHEN c.status <> 'active' THEN 'card-stopped'
                   WHEN u.status <> 'open' THEN 'profile-closed'
                   WHEN p.closed <> 0 OR NOT EXISTS (
                     SELECT 1 FROM position_assignments a
                      WHERE a.user_id = s.user_id AND a.position_id = s.position_id AND ${CURRENT_ASSIGNMENT}) THEN 'position-ended'
                   ELSE 'live' END AS standing
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN positions p ON p.id = s.position_id JOIN organisations o ON o.id = p.org_id
         JOIN cards c ON c.id = s.card_id`;

type StandingRow = Omit<SessionContext, 'roles'> & { roles: string; standing: SessionStanding };


/**
 * The session for `token` bound to the key `keyThumbprint`, not ended nor expired, with its
 * standing now. A token presented with another key's proof finds nothing.
 */
export function findSession(db: Db, token: string, keyThumbprint: string, now = Date.now()): (SessionContext & { standing: SessionStanding }) | undefined {
  const today = utcDate(new Date(now));
  const row = prepared(db, `${SESSION_WITH_STANDING} WHERE s.token_hash = ? AND s.key_thumbprint = ? AND s.ended_at IS NULL AND s.expires_at > ?`).get(
    today,
    today,
    hashToken(token),
    keyThumbprint,
    now,
  ) as StandingRow | undefined;
  if (!row) return undefined;
  return { ...row, roles: row.roles ? (row.roles.split(',') as RoleCode[]) : [] };
}

/**
 * Session `sessionId` may still act: not ended nor expired, and live in every other way. What a
 * sponsor's unlock or renewal checks at each card step, long after the call that opened it.
 */
export function sessionStillLive(db: Db, sessionId: number, now: number): boolean {
  const today = utcDate(new Date(now));
  const row = prepared(db, `${SESSION_WITH_STANDING} WHERE s.id = ? AND s.ended_at IS NULL AND s.expires_at > ?`).get(today, today, sessionId, now) as
    | StandingRow
    | undefined;
  return row?.standing === 'live';
}

/** The session for `token` if it may be used now: live, with its card, profile and position current. */
export function resolveSession(db: Db, token: string, keyThumbprint: string, now = Date.now()): SessionContext | undefined {
  const found = findSession(db, token, keyThumbprint, now);
  if (found?.standing !== 'live') return undefined;
  const { standing: _live, ...session } = found;
  return session;
}

export function endSession(db: Db, sessionId: number, reason: string, now = Date.now()): void {
  prepared(db, 'UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL').run(now, reason, sessionId);
}

/** Ends every live session of a card (revoked, cancelled) or of a user (profile closed). */
export function endSessionsWhere(db: Db, where: { cardId?: number; userId?: number }, reason: string, now = Date.now()): number {
  const column = where.cardId !== undefined ? 'card_id' : 'user_id';
  const value = where.cardId ?? where.userId;
  return prepared(db, `UPDATE sessions SET ended_at = ?, end_reason = ? WHERE ${column} = ? AND ended_at IS NULL`).run(now, reason, value).changes;
}
