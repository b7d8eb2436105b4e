import type { SessionSignIns } from '../../src-shared/api/endpoints-sign-ins.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';

// "Signed in to": the apps a workstation session signed in to with its smartcard and has not
// been signed out of, named as their registration names them (client_name), for the Identity
// Agent box. Only the session's own: the rows carry the workstation session that signed in.

/** Each app's name: the configured clients first, then those added with the CLI; else its client_id. */
async function appNames(ctx: ServiceContext, db: Db, clientIds: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const c of ctx.config.oidcClients) if (c.client_name && clientIds.includes(c.client_id)) names.set(c.client_id, c.client_name);
  const rest = clientIds.filter((id) => !names.has(id));
  if (rest.length > 0) {
    const rows = await db.selectFrom('oidc_clients').select(['client_id', 'metadata']).where('client_id', 'in', rest).execute();
    for (const row of rows) {
      const name = (JSON.parse(row.metadata) as { client_name?: unknown }).client_name;
      if (typeof name === 'string' && name !== '') names.set(row.client_id, name);
    }
  }
  return names;
}

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
  const names = await appNames(ctx, db, [...new Set(rows.map((r) => r.client_id))]);
  return {
    apps: rows.map((r) => ({ signInId: r.id, clientId: r.client_id, name: names.get(r.client_id) ?? r.client_id, signedInAt: new Date(r.signed_in_at).toISOString() })),
  };
}
