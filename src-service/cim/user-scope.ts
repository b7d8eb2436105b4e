import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Activity, Grant } from '../../src-shared/domain/roles.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import type { Db } from '../store/database.js';
import { ServiceError } from '../service-error.js';

// Which organisations a user belongs to, for scope: their home organisation and the
// organisations of their active position assignments. A user is in a session's scope when any
// of those lies in the session organisation's subtree. Every CIM check on another user goes
// through here so the rule is written once.

/**
 * An active assignment `pa` on `today` (UTC 'YYYY-MM-DD'): not removed and not past its end
 * date. One starting later counts: it was granted, and the profile must show it.
 */
export const activeAssignment = (today: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`(pa.removed_at IS NULL AND (pa.end_date IS NULL OR pa.end_date >= ${today}))`;

export async function userOrgPaths(db: Db, userId: number, today: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.home_org_id')
    .select('o.path')
    .where('u.id', '=', userId)
    .union(
      db
        .selectFrom('position_assignments as pa')
        .innerJoin('positions as p', 'p.id', 'pa.position_id')
        .innerJoin('organisations as o', 'o.id', 'p.org_id')
        .select('o.path')
        .where('pa.user_id', '=', userId)
        .where(activeAssignment(today)),
    )
    .execute();
  return rows.map((row) => row.path);
}

export function userInScope(session: SessionContext, orgPaths: readonly string[]): boolean {
  return orgPaths.some((path) => inScope(session, path));
}

/**
 * The organisation path to hand `authorize` for a user: one in the session's scope when there is
 * one, else one outside it (so the check refuses), else null (a user with no organisation is in
 * nobody's scope).
 */
function scopePathFor(session: SessionContext, orgPaths: readonly string[]): string | null {
  return orgPaths.find((path) => inScope(session, path)) ?? orgPaths[0] ?? null;
}

/** authorize() for an activity done to another user, with that user's organisations as scope. */
export function authorizeOnUser(session: SessionContext, activity: Activity, orgPaths: readonly string[]): Grant | 'everyone' {
  return authorize(session, activity, { orgPath: scopePathFor(session, orgPaths) });
}

/** How the session may do `activity` to the user, or null when it may not (without failing the request). */
export function grantOnUser(session: SessionContext, activity: Activity, orgPaths: readonly string[]): Grant | 'everyone' | null {
  try {
    return authorizeOnUser(session, activity, orgPaths);
  } catch (err) {
    if (err instanceof ServiceError && err.status === 403) return null;
    throw err;
  }
}

/** Whether the session may do `activity` to the user, without failing the request. */
export function mayOnUser(session: SessionContext, activity: Activity, orgPaths: readonly string[]): boolean {
  return grantOnUser(session, activity, orgPaths) !== null;
}
