import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import type { SignInDetails } from './finish-sign-in.js';

// One oidc_sign_ins row per app a provider session signed in to, written when the provider hands
// the app its code: after a sign-in page finished the interaction (the details it gave come with
// the result), or straight away when the session already had a sign-in good enough (single
// sign-on: the details are those of the session's latest sign-in). A smartcard sign-in names its
// workstation session, so ending that session ends every app signed in through it.

interface Finished {
  readonly sessionUid: string;
  readonly sid: string;
  readonly clientId: string;
  readonly acr: string;
  readonly amr: readonly string[];
  readonly details: SignInDetails | undefined;
}

async function recordSignIn(ctx: ServiceContext, f: Finished): Promise<void> {
  const now = ctx.now().getTime();
  await inTransaction(ctx.db, async (trx) => {
    const latest = await trx
      .selectFrom('oidc_sign_ins')
      .select(['user_id', 'agent_session_id', 'authenticator_id'])
      .where('oidc_session_uid', '=', f.sessionUid)
      .where('ended_at', 'is', null)
      .orderBy('signed_in_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const details = f.details ?? (latest ? { userId: latest.user_id, agentSessionId: latest.agent_session_id, authenticatorId: latest.authenticator_id } : undefined);
    if (!details) throw new Error('a sign-in with no sign-in page result and no earlier sign-in');
    const values = {
      sid: f.sid,
      user_id: details.userId,
      agent_session_id: details.agentSessionId,
      authenticator_id: details.authenticatorId,
      acr: f.acr,
      amr: JSON.stringify(f.amr),
      signed_in_at: now,
    };
    // Signing in to the same app again in one session (a step-up): the one row takes the new sign-in.
    const updated = await trx
      .updateTable('oidc_sign_ins')
      .set(values)
      .where('oidc_session_uid', '=', f.sessionUid)
      .where('client_id', '=', f.clientId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await trx.insertInto('oidc_sign_ins').values({ ...values, oidc_session_uid: f.sessionUid, client_id: f.clientId }).execute();
    }
  });
}

/**
 * The provider middleware that records a sign-in once the authorization endpoint (or its resume
 * after the sign-in page) has issued a code, the session saved.
 */
export function signInRecorder(ctx: ServiceContext) {
  return async (kctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const oidc = kctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
    if (!oidc?.entities.AuthorizationCode) return;
    const { session, client } = oidc;
    if (!session?.accountId || !client) return;
    const result = oidc.result as { signIn?: SignInDetails } | undefined;
    await recordSignIn(ctx, {
      sessionUid: session.uid,
      sid: session.sidFor(client.clientId) ?? '',
      clientId: client.clientId,
      acr: session.acr ?? '',
      amr: session.amr ?? [],
      details: result?.signIn,
    });
  };
}
