import type { Profile } from '../../src-shared/api/service-cim.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { utcDate } from './dates.js';
import { buildProfile } from './profile.js';
import { userByUuidOr404 } from './user-lookup.js';
import { authorizeOnUser, userOrgPaths } from './user-scope.js';

/** GET /v1/users/:uuid: anyone may view their own profile; others' only within their scope. */
export async function viewProfile(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<Profile> {
  const user = await userByUuidOr404(ctx.db, uuid);
  const today = utcDate(ctx.now());
  const orgPaths = await userOrgPaths(ctx.db, user.id, today);
  if (user.id === session.userId) authorize(session, 'view-profile');
  else authorizeOnUser(session, 'view-profile', orgPaths);
  return buildProfile(ctx.db, session, user, today, orgPaths);
}
