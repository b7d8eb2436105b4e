import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { mintApplicantLinks, type LinkPurpose } from './applicant-links.js';
import { requireQueryEmail } from './create.js';
import { sendInvites, type Invite } from './invite-messages.js';
import { applicationsForAction, type ApplicationForAction } from './sponsor-scope.js';
import { isReadyForCheck } from './tabs.js';

// Resend: new links for the steps the applicant has not finished (the old links of those steps
// stop working), sent after the commit. Only an application still in progress and not yet ready
// for the ID check can be resent: a finished applicant has nothing left to open.

function unfinishedSteps(app: ApplicationForAction): LinkPurpose[] {
  return [...(app.details_confirmed_at === null ? (['details'] as const) : []), ...(app.identity_submitted_at === null ? (['identity'] as const) : [])];
}

function refuseUnlessResendable(app: ApplicationForAction): LinkPurpose[] {
  if (app.status !== 'in-progress') throw conflict(`Application ${app.reference} is no longer in progress, so its invite cannot be resent.`);
  if (isReadyForCheck(app)) throw conflict(`The applicant of ${app.reference} has finished both steps: the application is waiting for the ID check.`);
  return unfinishedSteps(app);
}

async function resend(ctx: ServiceContext, session: SessionContext, load: (db: Db) => Promise<ApplicationForAction[]>): Promise<{ resent: string[] }> {
  authorize(session, 'apply-for-care-id');
  const queryEmail = await requireQueryEmail(ctx.db, session);
  const now = ctx.now();
  const invites = await inTransaction(ctx.db, async (trx) => {
    const apps = await load(trx);
    const planned = apps.map((app) => ({ app, steps: refuseUnlessResendable(app) }));
    const made: Invite[] = [];
    for (const { app, steps } of planned) {
      const links = await mintApplicantLinks(trx, app.id, steps, now);
      await trx
        .updateTable('applications')
        .set((eb) => ({ last_invited_at: now.getTime(), last_activity_at: now.getTime(), invites_sent: eb('invites_sent', '+', 1) }))
        .where('id', '=', app.id)
        .execute();
      await appendAudit(trx, { action: 'application.resent', actor: session.userUuid, subject: null, workstationId: session.workstationId, details: { reference: app.reference, steps } }, now);
      made.push({ reference: app.reference, givenName: app.given_name, email: app.email, mobile: app.mobile, orgName: app.org_name, queryEmail, links });
    }
    return made;
  });
  await sendInvites(ctx, invites);
  return { resent: invites.map((invite) => invite.reference) };
}

/** POST /v1/apply/applications/:reference/resend. */
export function applyResend(ctx: ServiceContext, session: SessionContext, reference: string): Promise<{ resent: string[] }> {
  return resend(ctx, session, (db) => applicationsForAction(db, session, [reference]));
}

/** POST /v1/apply/resend: each ticked application, all or none (any one not resendable refuses the lot). */
export function applyResendSelected(ctx: ServiceContext, session: SessionContext, references: readonly string[]): Promise<{ resent: string[] }> {
  return resend(ctx, session, (db) => applicationsForAction(db, session, [...new Set(references)]));
}
