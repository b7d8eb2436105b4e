import type { z } from 'zod';
import type { ApplicationStatusResponse } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict, forbidden } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { closeApplicantAccess } from './applicant-links.js';
import { applicationForAction } from './sponsor-scope.js';
import { actsAsRa } from './tabs.js';

// Mark as done (seed 003): a sponsor clears Rejected and Cancelled once read. Approved and
// Duplicates are the RA team's lists (smartcards to post, profiles that already exist): sponsors
// may not move them. RA staff may mark duplicates done; approved leaves only by "posted".

const APPROVED_REFUSED = 'Sponsors must not move applications from the approved list to Marked as done: the RA team uses it to track smartcards to post.';
const DUPLICATES_REFUSED = 'Sponsors must not move applications from the duplicates list to Marked as done: the RA team completes the relevant actions first.';

/** POST /v1/apply/applications/:reference/done. */
export async function applyMarkDone(ctx: ServiceContext, session: SessionContext, reference: string): Promise<z.infer<typeof ApplicationStatusResponse>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const app = await applicationForAction(trx, session, reference);
    const ra = actsAsRa(session);
    if (app.status === 'approved') {
      if (!ra) throw forbidden(APPROVED_REFUSED);
      throw conflict(`Application ${reference} leaves the approved list when its smartcard is marked as posted.`);
    }
    if (app.status === 'duplicate' && !ra) throw forbidden(DUPLICATES_REFUSED);
    if (app.status === 'in-progress') throw conflict(`Application ${reference} is still in progress: cancel it first.`);
    if (app.status === 'done') throw conflict(`Application ${reference} is already marked as done.`);
    await trx
      .updateTable('applications')
      .set({ status: 'done', done_from: app.status, done_by: session.userId, done_at: now.getTime(), status_changed_at: now.getTime() })
      .where('id', '=', app.id)
      .execute();
    // Nothing of the applicant's outlives the list it leaves.
    await closeApplicantAccess(trx, app.id, now);
    await appendAudit(trx, { action: 'application.done', actor: session.userUuid, subject: null, workstationId: session.workstationId, details: { reference, from: app.status } }, now);
    return { reference, status: 'done' as const };
  });
}
