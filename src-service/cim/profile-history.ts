import { sql } from 'kysely';
import type { z } from 'zod';
import type { UserHistory } from '../../src-shared/api/cim-profile.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { forbidden, outOfScope } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { fullName } from '../store/full-name.js';
import { isoDateTime, utcDate } from './dates.js';
import { userByUuidOr404 } from './user-lookup.js';
import { userInScope, userOrgPaths } from './user-scope.js';
import { mayViewHistory } from './view-profile.js';

// GET /v1/users/:uuid/history: the audit entries whose subject is the user, newest first, with
// who did each. The user sees their own; RA staff, sponsors and ID checkers see those of users in
// their scope. The entries' details (which may name other people's data) stay in the audit log.

/** A profile's history shows the latest entries; an older one is for the audit log's readers. */
const MAX_HISTORY_ENTRIES = 200;

export async function userHistory(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<z.infer<typeof UserHistory>> {
  authorize(session, 'view-profile');
  const user = await userByUuidOr404(ctx.db, uuid);
  const orgPaths = await userOrgPaths(ctx.db, user.id, utcDate(ctx.now()));
  const own = user.id === session.userId;
  if (!mayViewHistory(session, own, orgPaths)) {
    throw userInScope(session, orgPaths) ? forbidden('Your role does not allow that.') : outOfScope();
  }
  const { rows } = await sql<{ at: string; action: string; actor_uuid: string | null; actor_name: string | null }>`
    SELECT l.at, l.action, a.uuid AS actor_uuid, ${fullName('a')} AS actor_name
      FROM audit_log l LEFT JOIN users a ON a.uuid = l.actor
     WHERE l.subject = ${user.uuid}
     ORDER BY l.seq DESC
     LIMIT ${MAX_HISTORY_ENTRIES + 1}`.execute(ctx.db);
  return {
    entries: rows.slice(0, MAX_HISTORY_ENTRIES).map((r) => ({
      at: isoDateTime(r.at),
      action: r.action,
      actor: r.actor_uuid !== null && r.actor_name !== null ? { uuid: r.actor_uuid, name: r.actor_name } : null,
    })),
    truncated: rows.length > MAX_HISTORY_ENTRIES,
  };
}
