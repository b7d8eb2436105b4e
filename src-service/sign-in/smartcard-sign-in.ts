import type { SessionContext } from '../auth/session-store.js';
import { finishSignIn } from '../oidc/finish-sign-in.js';
import type { ServiceContext } from '../service-context.js';
import { redeemSignInTicket } from './smartcard-tickets.js';

// The Identity Agent, holding a live workstation session (its token and proof checked by the
// route), redeems the sign-in page's ticket: the app's sign-in finishes at AAL3 as the session's
// holder, tied to that session so removing the card signs them out of the app too.

export async function smartcardSignIn(ctx: ServiceContext, session: SessionContext, body: { uid: string; ticket: string }): Promise<{ redirectTo: string }> {
  await redeemSignInTicket(ctx.db, { uid: body.uid, ticket: body.ticket, sessionId: session.sessionId, now: ctx.now().getTime() });
  return finishSignIn(ctx, body.uid, { userId: session.userId, aal: 3, kind: 'smartcard', agentSessionId: session.sessionId });
}
