import type { SessionSignIns } from '../../src-shared/api/endpoints-sign-ins.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { registrationsOf } from './oidc-clients.js';

// "Signed in to": the apps a workstation session signed in to with its smartcard and has not
// been signed out of, named as their registration names them (client_name), for the Identity
// Agent box. Only the session's own: the rows carry the workstation session that signed in.

export async function listSessionSignIns(ctx: ServiceContext, session: SessionContext): Promise<SessionSignIns> {
  const db = ctx.db;
  const rows = await db
    .selectFrom('oidc_sign_ins')
    .select(['id', 'client_id', 'signed_in_at'])
    .where('agent_session_id', '=', session.sessionId)
    .where('ended_at', 'is', null)
    .orderBy('signed_in_at')
    .orderBy('id')
    .execute();
  const apps = await registrationsOf(ctx.config.oidcClients, db, [...new Set(rows.map((r) => r.client_id))]);
  return {
    apps: rows.map((r) => ({ signInId: r.id, clientId: r.client_id, name: apps.get(r.client_id)?.client_name || r.client_id, signedInAt: new Date(r.signed_in_at).toISOString() })),
  };
}
