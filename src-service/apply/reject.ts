import type { z } from 'zod';
import type { ApplicationStatusResponse } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { assertPlainText } from '../cim/text-rules.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { closeApplicantAccess } from './applicant-links.js';
import { decidableApplication } from './checks.js';

// Rejecting an application after the ID check: the reason is kept for the sponsor, who reads it
// on the Rejected tab and then marks the application as done. The applicant's links and
// documents go with the decision.

/** POST /v1/apply/checks/:reference/reject. */
export async function rejectApplication(ctx: ServiceContext, session: SessionContext, reference: string, reason: string): Promise<z.infer<typeof ApplicationStatusResponse>> {
  assertPlainText({ 'body.reason': reason }, { multiline: true });
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const row = await decidableApplication(trx, session, reference);
    await trx
      .updateTable('applications')
      .set({ status: 'rejected', rejection_reason: reason, decided_by: session.userId, decided_at: now.getTime(), status_changed_at: now.getTime() })
      .where('id', '=', row.id)
      .execute();
    await closeApplicantAccess(trx, row.id, now);
    await appendAudit(trx, { action: 'application.rejected', actor: session.userUuid, subject: row.reference, workstationId: session.workstationId, details: { reason } }, now);
    return { reference: row.reference, status: 'rejected' as const };
  });
}
