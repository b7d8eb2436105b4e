import { randomUUID } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction, rootOf } from '../store/transaction.js';
import { registrationsOf } from './oidc-clients.js';

// Back-channel logout (OpenID Connect Back-Channel Logout 1.0). When a sign-in ends (the card
// removed, Log out, the workstation session expired or lost its standing, the card cancelled,
// the profile closed, the app's own logout) its row in oidc_sign_ins is ended, the provider
// session is ended with it, and each app with a backchannel_logout_uri gets one delivery row.
// That DB part runs in the caller's transaction; the dispatcher then posts the logout tokens at
// once (it claims deliveries in a transaction of its own, which waits for the caller's to
// commit) and tries again with backoff while an app is down. Delivery state is in
// backchannel_deliveries, so a restart carries on where it stopped.

export type SignInsWhere = { agentSessionIds: number[] } | { userId: number } | { authenticatorId: number } | { signInId: number } | { oidcSessionUid: string };

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** Waits before each further attempt; after the last the delivery is given up. */
const BACKOFF_MS = [1_000, 5_000, 30_000, 120_000, 300_000, 600_000];
/** A claimed delivery is not claimed again (by this or another instance) for this long. */
const LEASE_MS = 30_000;
const POST_TIMEOUT_MS = 5_000;
const CLAIM_BATCH = 100;

/** The running service's back-channel dispatcher, found from any transaction on its store. */
interface Dispatcher {
  /**
   * The back-channel logout URI of a client, if it has one, read through `db`: the caller's
   * transaction (a read outside it would wait on it for ever on SQLite's one connection).
   */
  uriOf(clientId: string, db: Db): Promise<string | undefined>;
  kick(): void;
}
const dispatchers = new WeakMap<Db, Dispatcher>();

/**
 * Ends the sign-ins `where` names, with their provider sessions, and queues a logout token for
 * each app that asked for them. Joins the caller's transaction when `ctx.db` is one; the tokens
 * go out once it commits. Returns how many sign-ins ended.
 */
export async function endSignIns(ctx: ServiceContext, where: SignInsWhere, reason: string): Promise<number> {
  return endSignInsIn(ctx.db, where, reason, ctx.now().getTime());
}

/** endSignIns for callers that hold only the store (the session store's own ends). */
export async function endSignInsIn(db: Db, where: SignInsWhere, reason: string, now: number): Promise<number> {
  if ('agentSessionIds' in where && where.agentSessionIds.length === 0) return 0;
  const dispatcher = dispatchers.get(rootOf(db));
  const ended = await inTransaction(db, async (trx) => {
    const active = trx.selectFrom('oidc_sign_ins').select(['id', 'client_id', 'oidc_session_uid']).where('ended_at', 'is', null);
    let rows: { id: number; client_id: string; oidc_session_uid: string }[];
    if ('signInId' in where) {
      // One app signed out: that app's grant goes, the provider session stays for the others.
      rows = await active.where('id', '=', where.signInId).execute();
      for (const row of rows) await revokeClientGrant(trx, row.oidc_session_uid, row.client_id);
    } else {
      const sessions =
        'oidcSessionUid' in where
          ? [where.oidcSessionUid]
          : (
              await active
                .$if('agentSessionIds' in where, (q) => q.where('agent_session_id', 'in', 'agentSessionIds' in where ? where.agentSessionIds : []))
                .$if('userId' in where, (q) => q.where('user_id', '=', 'userId' in where ? where.userId : 0))
                .$if('authenticatorId' in where, (q) => q.where('authenticator_id', '=', 'authenticatorId' in where ? where.authenticatorId : 0))
                .execute()
            ).map((r) => r.oidc_session_uid);
      const uids = [...new Set(sessions)];
      if (uids.length === 0) return [];
      // Every app of those provider sessions: the session is ended, so none of them stays signed in.
      rows = await active.where('oidc_session_uid', 'in', uids).execute();
      await endProviderSessions(trx, uids);
    }
    if (rows.length === 0) return [];
    await trx.updateTable('oidc_sign_ins').set({ ended_at: now, end_reason: reason }).where('id', 'in', rows.map((r) => r.id)).execute();
    const at = Date.now();
    for (const row of rows) {
      const uri = dispatcher ? await dispatcher.uriOf(row.client_id, trx) : (await registrationsOf([], trx, [row.client_id])).get(row.client_id)?.backchannel_logout_uri;
      if (uri) await trx.insertInto('backchannel_deliveries').values({ sign_in_id: row.id, client_id: row.client_id, uri, next_attempt_at: at, created_at: at }).execute();
    }
    return rows;
  });
  if (ended.length > 0) dispatcher?.kick();
  return ended.length;
}

/** The provider sessions `uids`, and the grants (tokens) they gave, end. */
async function endProviderSessions(trx: Db, uids: string[]): Promise<void> {
  const sessions = await trx.selectFrom('oidc_models').select('payload').where('model', '=', 'Session').where('uid', 'in', uids).execute();
  const grantIds = sessions.flatMap((s) => grantIdsOf(s.payload));
  if (grantIds.length > 0) {
    await trx.deleteFrom('oidc_models').where('grant_id', 'in', grantIds).execute();
    await trx.deleteFrom('oidc_models').where('model', '=', 'Grant').where('id', 'in', grantIds).execute();
  }
  await trx.deleteFrom('oidc_models').where('model', '=', 'Session').where('uid', 'in', uids).execute();
}

async function revokeClientGrant(trx: Db, uid: string, clientId: string): Promise<void> {
  const session = await trx.selectFrom('oidc_models').select('payload').where('model', '=', 'Session').where('uid', '=', uid).executeTakeFirst();
  const grantIds = session ? grantIdsOf(session.payload, clientId) : [];
  if (grantIds.length === 0) return;
  await trx.deleteFrom('oidc_models').where('grant_id', 'in', grantIds).execute();
  await trx.deleteFrom('oidc_models').where('model', '=', 'Grant').where('id', 'in', grantIds).execute();
}

function grantIdsOf(payload: string, clientId?: string): string[] {
  const { authorizations } = JSON.parse(payload) as { authorizations?: Record<string, { grantId?: string }> };
  return Object.entries(authorizations ?? {})
    .filter(([id]) => clientId === undefined || id === clientId)
    .flatMap(([, a]) => (typeof a.grantId === 'string' ? [a.grantId] : []));
}

interface Claimed {
  id: number;
  client_id: string;
  uri: string;
  attempts: number;
  sid: string;
  sub: string;
}

/** A logout token for the app, signed with the provider's keys by the library itself. */
async function logoutToken(provider: Provider, clientId: string, sub: string, sid: string): Promise<string> {
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`client ${clientId} is no longer registered`);
  const token = new provider.IdToken({ sub }, { client }) as InstanceType<Provider['IdToken']> & { mask?: unknown };
  // As the library's own client.backchannelLogout: the sub as it is, the event, a fresh jti, the sid; no nonce.
  token.mask = { sub: null };
  token.set('events', { [BACKCHANNEL_EVENT]: {} });
  token.set('jti', randomUUID());
  token.set('sid', sid);
  return token.issue({ use: 'logout' });
}

export interface BackchannelDispatcher {
  /** Posts every due delivery now (and whatever is queued while it does). */
  run(): Promise<void>;
  /** Stops taking work; resolves once deliveries under way have finished. */
  stop(): Promise<void>;
}

/**
 * Starts the dispatcher for the service on `ctx.db`: registered against the store so any
 * session end kicks it, and run once at start for deliveries a previous run left.
 */
export function startBackchannelDispatcher(ctx: ServiceContext, provider: () => Promise<Provider>, uriOf: Dispatcher['uriOf']): BackchannelDispatcher {
  const db = ctx.db;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const deliver = async (p: Provider, d: Claimed): Promise<void> => {
    let error: string | null = null;
    try {
      const body = new URLSearchParams({ logout_token: await logoutToken(p, d.client_id, d.sub, d.sid) });
      const response = await fetch(d.uri, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.status !== 200 && response.status !== 204) error = `answered ${response.status}`;
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? 'no answer in time' : `not reached (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`;
    }
    const at = Date.now();
    const attempts = d.attempts + 1;
    const update =
      error === null
        ? { attempts, delivered_at: at, last_error: null }
        : attempts > BACKOFF_MS.length
          ? { attempts, given_up_at: at, last_error: error }
          : { attempts, next_attempt_at: at + (BACKOFF_MS[attempts - 1] as number), last_error: error };
    await db.updateTable('backchannel_deliveries').set(update).where('id', '=', d.id).execute();
  };

  const claim = (): Promise<Claimed[]> =>
    inTransaction(db, async (trx) => {
      const now = Date.now();
      const due = await trx
        .selectFrom('backchannel_deliveries as d')
        .innerJoin('oidc_sign_ins as si', 'si.id', 'd.sign_in_id')
        .innerJoin('users as u', 'u.id', 'si.user_id')
        .select(['d.id as id', 'd.client_id as client_id', 'd.uri as uri', 'd.attempts as attempts', 'si.sid as sid', 'u.uuid as sub'])
        .where('d.delivered_at', 'is', null)
        .where('d.given_up_at', 'is', null)
        .where('d.next_attempt_at', '<=', now)
        .orderBy('d.next_attempt_at')
        .limit(CLAIM_BATCH)
        .execute();
      if (due.length > 0) {
        await trx.updateTable('backchannel_deliveries').set({ next_attempt_at: now + LEASE_MS }).where('id', 'in', due.map((d) => d.id)).execute();
      }
      return due;
    });

  const loop = async (): Promise<void> => {
    do {
      again = false;
      if (stopped) return;
      const due = await claim();
      if (due.length === 0) return;
      const p = await provider();
      await Promise.all(due.map((d) => deliver(p, d)));
      if (due.length === CLAIM_BATCH) again = true;
    } while (again && !stopped);
  };

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => {
      running = null;
    });
    return running;
  };

  dispatchers.set(db, {
    uriOf,
    // Not awaited by whoever ended the sign-in: a failed run is retried by the sweep.
    kick: () => void run().catch(() => undefined),
  });
  return {
    run,
    stop: async () => {
      stopped = true;
      dispatchers.delete(db);
      await running?.catch(() => undefined);
    },
  };
}

/**
 * Sign-ins whose workstation session has ended or expired, or whose provider session has gone
 * (expired), are ended: the expiry sweep, and the safety net for any end not told directly.
 */
export async function sweepEndedSignIns(ctx: ServiceContext): Promise<number> {
  const now = ctx.now().getTime();
  const viaSessions = await ctx.db
    .selectFrom('oidc_sign_ins as si')
    .innerJoin('sessions as s', 's.id', 'si.agent_session_id')
    .select(['s.id as id', 's.ended_at as endedAt'])
    .where('si.ended_at', 'is', null)
    .where((eb) => eb.or([eb('s.ended_at', 'is not', null), eb('s.expires_at', '<=', now)]))
    .execute();
  let ended = 0;
  const expired = [...new Set(viaSessions.filter((r) => r.endedAt === null).map((r) => r.id))];
  const endedElsewhere = [...new Set(viaSessions.filter((r) => r.endedAt !== null).map((r) => r.id))];
  if (expired.length > 0) ended += await endSignInsIn(ctx.db, { agentSessionIds: expired }, 'session-expired', now);
  if (endedElsewhere.length > 0) ended += await endSignInsIn(ctx.db, { agentSessionIds: endedElsewhere }, 'session-ended', now);
  const orphaned = await ctx.db
    .selectFrom('oidc_sign_ins as si')
    .select('si.oidc_session_uid as uid')
    .distinct()
    .where('si.ended_at', 'is', null)
    // A session's row is replaced when its identifier changes: a sign-in just made is left alone.
    .where('si.signed_in_at', '<', now - 60_000)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('oidc_models as m')
            .select('m.id')
            .where('m.model', '=', 'Session')
            .whereRef('m.uid', '=', 'si.oidc_session_uid')
            .where((w) => w.or([w('m.expires_at', 'is', null), w('m.expires_at', '>', Date.now())])),
        ),
      ),
    )
    .execute();
  for (const { uid } of orphaned) ended += await endSignInsIn(ctx.db, { oidcSessionUid: uid }, 'provider-session-expired', now);
  return ended;
}
