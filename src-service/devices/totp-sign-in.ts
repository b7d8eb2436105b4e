import { sql } from 'kysely';
import type { ServiceContext } from '../service-context.js';
import { badRequest, forbidden, ServiceError } from '../service-error.js';
import { inTransaction } from '../store/transaction.js';
import type { SignInFinisher } from './ipad-sign-in.js';
import { openTotpSecret, stepOfCode } from './totp.js';
import { TOTP_KIND } from './totp-enrolment.js';

// Signing in to an app with the authenticator app (AAL2): the person's email address and the code
// the app shows now. A code is good for one step either side of now and only once (a step after
// the last one used); five wrong codes lock the app's sign-in for fifteen minutes. A wrong email
// address and a wrong code get the same answer, so the page does not tell who has an app.

const WRONG = 'The email address or the code is not right. Check them and try again.';
const MAX_FAILURES = 5;
const LOCK_MS = 15 * 60_000;

interface TotpState {
  lastStep: number;
  failures: number;
  lockedUntil?: number;
}

const stateOf = (details: string | null): TotpState => ({ lastStep: 0, failures: 0, ...(details ? (JSON.parse(details) as Partial<TotpState>) : {}) });

/** POST /v1/oidc/interactions/:uid/totp */
export async function signInWithTotp(ctx: ServiceContext, provider: SignInFinisher, uid: string, body: { email: string; code: string }): Promise<{ redirectTo: string }> {
  const required = await provider.requiredAalOf(ctx, uid);
  if (required.aal > 2) throw forbidden('This app needs a smartcard or an iPad (very high assurance): an authenticator app code is not enough.');
  const now = ctx.now();
  const outcome = await inTransaction(ctx.db, async (trx): Promise<{ refused: ServiceError } | { userId: number; authenticatorId: number }> => {
    const apps = await trx
      .selectFrom('authenticators as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.id', 'a.uuid', 'a.user_id', 'a.secret_sealed', 'a.details'])
      .where(sql<string>`lower(u.email)`, '=', body.email.toLowerCase())
      .where('u.status', '=', 'open')
      .where('a.kind', '=', TOTP_KIND)
      .where('a.removed_at', 'is', null)
      .orderBy('a.id')
      .execute();
    if (apps.some((app) => (stateOf(app.details).lockedUntil ?? 0) > now.getTime())) {
      return { refused: new ServiceError(429, 'rate-limited', 'Too many wrong codes. Wait 15 minutes, then try again.') };
    }
    for (const app of apps) {
      if (!app.secret_sealed || !app.uuid) continue;
      const state = stateOf(app.details);
      const step = stepOfCode(openTotpSecret(ctx.dataKey, app.secret_sealed, app.uuid), body.code, now);
      if (step === null) continue;
      if (step <= state.lastStep) return { refused: badRequest('This code has already been used. Wait for the app to show a new code.', [{ path: 'body.code', message: 'already used' }]) };
      await trx.updateTable('authenticators').set({ details: JSON.stringify({ lastStep: step, failures: 0 }), last_used_at: now.toISOString() }).where('id', '=', app.id).execute();
      return { userId: app.user_id, authenticatorId: app.id };
    }
    for (const app of apps) {
      const state = stateOf(app.details);
      const failures = state.failures + 1;
      const next: TotpState = failures >= MAX_FAILURES ? { lastStep: state.lastStep, failures: 0, lockedUntil: now.getTime() + LOCK_MS } : { ...state, failures };
      await trx.updateTable('authenticators').set({ details: JSON.stringify(next) }).where('id', '=', app.id).execute();
    }
    return { refused: badRequest(WRONG, [{ path: 'body.code', message: WRONG }]) };
  });
  // A wrong code is counted (committed) before it is refused.
  if ('refused' in outcome) throw outcome.refused;
  return provider.finishSignIn(ctx, uid, { userId: outcome.userId, aal: 2, kind: 'microsoft-authenticator', authenticatorId: outcome.authenticatorId });
}
