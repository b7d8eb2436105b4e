import { createHash, randomBytes } from 'node:crypto';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';

// Sessions: the token is random and handed out once; only its SHA-256 is stored, so a copy of
// the database does not let anyone act as a signed-in user.

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
  readonly workstationId: string;
  readonly expiresAt: number;
}

export function openSession(
  db: Db,
  s: { userId: number; cardId: number; positionId: number; workstationId: string; ttlMs: number; now?: number },
): { token: string; sessionId: number; expiresAt: number } {
  const token = randomBytes(32).toString('base64url');
  const now = s.now ?? Date.now();
  const expiresAt = now + s.ttlMs;
  const info = prepared(db, 'INSERT INTO sessions (token_hash, user_id, card_id, position_id, workstation_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(hashToken(token), s.userId, s.cardId, s.positionId, s.workstationId, now, expiresAt);
  return { token, sessionId: Number(info.lastInsertRowid), expiresAt };
}

/** The live session for `token` opened on `workstationId`, with its card still active. */
export function resolveSession(db: Db, token: string, workstationId: string, now = Date.now()): SessionContext | undefined {
  const row = prepared(db, 
      `SELECT s.id AS sessionId, s.user_id AS userId, u.uuid AS userUuid, u.given_name || ' ' || u.family_name AS userName,
              s.card_id AS cardId, s.position_id AS positionId, p.org_id AS orgId, o.path AS orgPath, p.roles AS roles,
              s.workstation_id AS workstationId, s.expires_at AS expiresAt
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN positions p ON p.id = s.position_id JOIN organisations o ON o.id = p.org_id
         JOIN cards c ON c.id = s.card_id
        WHERE s.token_hash = ? AND s.workstation_id = ? AND s.ended_at IS NULL AND s.expires_at > ? AND u.status = 'open' AND c.status = 'active'`,
    )
    .get(hashToken(token), workstationId, now) as (Omit<SessionContext, 'roles'> & { roles: string }) | undefined;
  if (!row) return undefined;
  return { ...row, roles: row.roles ? (row.roles.split(',') as RoleCode[]) : [] };
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
