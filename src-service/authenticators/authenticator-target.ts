import type { SessionContext } from '../auth/session-store.js';
import { utcDate } from '../cim/dates.js';
import { userByUuidOr404, type UserRow } from '../cim/user-lookup.js';
import { userOrgPaths } from '../cim/user-scope.js';
import type { Db } from '../store/database.js';

/** The user whose authenticators a request is about, with what scope checks need. */
export interface AuthenticatorHolder {
  readonly user: UserRow;
  readonly own: boolean;
  readonly orgPaths: readonly string[];
}

export async function holderOf(db: Db, session: SessionContext, uuid: string, now: Date): Promise<AuthenticatorHolder> {
  const user = await userByUuidOr404(db, uuid);
  return { user, own: user.id === session.userId, orgPaths: await userOrgPaths(db, user.id, utcDate(now)) };
}
