import { fullName } from '../store/full-name.js';
import { createHash, randomBytes } from 'node:crypto';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { sql } from 'kysely';
import type { Db } from '../store/database.js';
import { utcDate } from '../cim/dates.js';
import { currentAssignment } from '../cim/position-summary.js';
import { endSignInsIn } from '../oidc/backchannel-logout.js';

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

export async function openSession(
  db: Db,
  s: { userId: number; cardId: number; positionId: number; workstationId: string; keyThumbprint: string; ttlMs: number; now?: number },
): Promise<{ token: string; sessionId: number; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = s.now ?? Date.now();
  const expiresAt = now + s.ttlMs;
  const { id } = await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: s.userId,
      card_id: s.cardId,
      position_id: s.positionId,
      workstation_id: s.workstationId,
      key_thumbprint: s.keyThumbprint,
      created_at: now,
      expires_at: expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { token, sessionId: id, expiresAt };
}

/**
 * Why a session that has not ended or expired may no longer be used: the card was revoked,
 * cancelled or locked, the profile closed, or the assignment to the session's position removed,
 * ended or its position closed since login. Each authorised call checks these afresh, so a
 * change in the directory takes effect on the next call, not when the session runs out.
 */
export type SessionStanding = 'live' | 'card-stopped' | 'profile-closed' | 'position-ended';

/** Sessions with their standing on `today` (UTC date); the caller adds the WHERE clause. */
function sessionsWithStanding(db: Db, today: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('positions as p', 'p.id', 's.position_id')
    .innerJoin('organisations as o', 'o.id', 'p.org_id')
    .innerJoin('cards as c', 'c.id', 's.card_id')
    .select([
      's.id as sessionId',
      's.user_id as userId',
      'u.uuid as userUuid',
      fullName('u').as('userName'),
      's.card_id as cardId',
      's.position_id as positionId',
      'p.org_id as orgId',
      'o.path as orgPath',
      'p.roles as roles',
      's.workstation_id as workstationId',
      's.expires_at as expiresAt',
      sql<SessionStanding>`CASE WHEN c.status <> 'active' THEN 'card-stopped'
                   WHEN u.status <> 'open' THEN 'profile-closed'
                   WHEN p.closed <> 0 OR NOT EXISTS (
                     SELECT 1 FROM position_assignments a
                      WHERE a.user_id = s.user_id AND a.position_id = s.position_id AND ${currentAssignment(today)}) THEN 'position-ended'
                   ELSE 'live' END`.as('standing'),
    ]);
}

/**
 * The session for `token` bound to the key `keyThumbprint`, not ended nor expired, with its
 * standing now. A token presented with another key's proof finds nothing.
 */
export async function findSession(
  db: Db,
  token: string,
  keyThumbprint: string,
  now = Date.now(),
): Promise<(SessionContext & { standing: SessionStanding }) | undefined> {
  const row = await sessionsWithStanding(db, utcDate(new Date(now)))
    .where('s.token_hash', '=', hashToken(token))
    .where('s.key_thumbprint', '=', keyThumbprint)
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, keyThumbprint, roles: row.roles ? (row.roles.split(',') as RoleCode[]) : [] };
}

/**
 * Session `sessionId` may still act: not ended nor expired, and live in every other way. What a
 * sponsor's unlock or renewal checks at each card step, long after the call that opened it.
 */
export async function sessionStillLive(db: Db, sessionId: number, now: number): Promise<boolean> {
  const row = await sessionsWithStanding(db, utcDate(new Date(now)))
    .where('s.id', '=', sessionId)
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  return row?.standing === 'live';
}

/** The session for `token` if it may be used now: live, with its card, profile and position current. */
export async function resolveSession(db: Db, token: string, keyThumbprint: string, now = Date.now()): Promise<SessionContext | undefined> {
  const found = await findSession(db, token, keyThumbprint, now);
  if (found?.standing !== 'live') return undefined;
  const { standing: _live, ...session } = found;
  return session;
}

/**
 * Why the session for `token` bound to `keyThumbprint` was ended ('profile-closed', 'logout'...),
 * or undefined when there is no such ended session. Lets a caller whose session was ended for
 * them (their profile closed, their card revoked) be told why, not just to sign in again.
 */
export async function endReasonOf(db: Db, token: string, keyThumbprint: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select('end_reason')
    .where('token_hash', '=', hashToken(token))
    .where('key_thumbprint', '=', keyThumbprint)
    .where('ended_at', 'is not', null)
    .executeTakeFirst();
  return row?.end_reason ?? undefined;
}

// Ending a workstation session ends the sign-ins to other apps made through it, in the same
// transaction, and queues their back-channel logouts (src-service/oidc/backchannel-logout.ts).

export async function endSession(db: Db, sessionId: number, reason: string, now = Date.now()): Promise<void> {
  await db.updateTable('sessions').set({ ended_at: now, end_reason: reason }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
  await endSignInsIn(db, { agentSessionIds: [sessionId] }, reason, now);
}

/**
 * Ends every live session of a card (revoked, cancelled) or of a user (profile closed); a closed
 * profile also ends every sign-in of that user, however it was made.
 */
export async function endSessionsWhere(db: Db, where: { cardId: number } | { userId: number }, reason: string, now = Date.now()): Promise<number> {
  const [column, value] = 'cardId' in where ? (['card_id', where.cardId] as const) : (['user_id', where.userId] as const);
  const ended = await db.updateTable('sessions').set({ ended_at: now, end_reason: reason }).where(column, '=', value).where('ended_at', 'is', null).returning('id').execute();
  await endSignInsIn(db, 'userId' in where ? where : { agentSessionIds: ended.map((s) => s.id) }, reason, now);
  return ended.length;
}
