import type { SessionSignIns } from '../../src-shared/api/endpoints-sign-ins.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { notFound } from '../service-error.js';
import { endSignIns } from './backchannel-logout.js';
import { listSessionSignIns } from './sign-ins-list.js';

// "Sign out" next to an app in the Identity Agent box: ends that one sign-in of the session (the
// app is sent its back-channel logout token at once); the session and its other apps carry on.
// A sign-in of another session, ended already, or unknown is not found: the answer does not tell
// one from the other. endSignIns runs its own transaction (it looks the app's back-channel
// address up through the provider, which reads the store outside any caller's transaction), so
// the ownership check comes first and a sign-in another request ended meanwhile is not found.

export async function signOutOfApp(ctx: ServiceContext, session: SessionContext, signInId: number): Promise<SessionSignIns> {
  const row = await ctx.db
    .selectFrom('oidc_sign_ins')
    .select(['id', 'client_id'])
    .where('id', '=', signInId)
    .where('agent_session_id', '=', session.sessionId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('That app sign-in');
  if ((await endSignIns(ctx, { signInId: row.id }, 'signed out from the Identity Agent')) === 0) throw notFound('That app sign-in');
  await appendAudit(
    ctx.db,
    { action: 'app.signed-out', actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId, details: { signInId: row.id, clientId: row.client_id } },
    ctx.now(),
  );
  return listSessionSignIns(ctx, session);
}
