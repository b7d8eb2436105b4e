import type { z } from 'zod';
import type { ApplicationStatusResponse } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { closeApplicantAccess } from './applicant-links.js';
import { applicationForAction } from './sponsor-scope.js';

// Cancel: only an application still in progress. In the same transaction the applicant's links
// stop working and any identity documents they uploaded are deleted.

/** POST /v1/apply/applications/:reference/cancel. */
export async function applyCancel(ctx: ServiceContext, session: SessionContext, reference: string, reason: string): Promise<z.infer<typeof ApplicationStatusResponse>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const app = await applicationForAction(trx, session, reference);
    if (app.status !== 'in-progress') throw conflict(`Application ${reference} is no longer in progress, so it cannot be cancelled.`);
    await trx
      .updateTable('applications')
      .set({ status: 'cancelled', status_changed_at: now.getTime(), cancelled_by: session.userId, cancel_reason: reason })
      .where('id', '=', app.id)
      .execute();
    await closeApplicantAccess(trx, app.id, now);
    await appendAudit(trx, { action: 'application.cancelled', actor: session.userUuid, subject: null, workstationId: session.workstationId, details: { reference } }, now);
    return { reference, status: 'cancelled' as const };
  });
}
