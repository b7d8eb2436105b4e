import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { SessionContext } from '../auth/session-store.js';
import { activeAssignment } from './user-scope.js';

// The scope rule of user-scope.ts (a user belongs to their home organisation and the
// organisations of their active assignments) as SQL, so a list of requests is filtered in the
// query rather than one user at a time.

const underSession = (session: SessionContext, pathColumn: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`substr(${sql.ref(pathColumn)}, 1, ${session.orgPath.length}) = ${session.orgPath}`;

/** The user whose id is in `userIdColumn` belongs to an organisation in the session's subtree on `today`. */
export function userUnderSession(session: SessionContext, userIdColumn: string, today: string): RawBuilder<SqlBool> {
  const user = sql.ref(userIdColumn);
  return sql<SqlBool>`(EXISTS (SELECT 1 FROM users su JOIN organisations so ON so.id = su.home_org_id
      WHERE su.id = ${user} AND ${underSession(session, 'so.path')})
    OR EXISTS (SELECT 1 FROM position_assignments pa JOIN positions sp ON sp.id = pa.position_id JOIN organisations so ON so.id = sp.org_id
      WHERE pa.user_id = ${user} AND ${activeAssignment(today)} AND ${underSession(session, 'so.path')}))`;
}

/** The organisation whose path is in `pathColumn` is in the session's subtree. */
export const orgUnderSession = underSession;
