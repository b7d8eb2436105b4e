import type { z } from 'zod';
import type { ApplicationStatusResponse } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { hasActiveCard } from './cards-to-issue.js';
import { checkableApplication } from './checks.js';

// "Posted": the RA has issued the new user's smartcard and sent it. The application leaves the
// cards to issue and the Approved tab for Marked as done; this is the only way out of Approved.

const ISSUE_FIRST = 'Issue the smartcard first: this applicant has no active smartcard yet.';

/** POST /v1/apply/cards-to-issue/:reference/posted. */
export async function markPosted(ctx: ServiceContext, session: SessionContext, reference: string): Promise<z.infer<typeof ApplicationStatusResponse>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const row = await checkableApplication(trx, session, reference, 'issue-smartcard');
    if (row.status !== 'approved' || row.created_user_id === null || row.posted_at !== null) {
      throw conflict(`Application ${row.reference} is not waiting for a smartcard: only approved applications are marked as posted.`);
    }
    if (!(await hasActiveCard(trx, row.created_user_id))) throw conflict(ISSUE_FIRST);
    await trx
      .updateTable('applications')
      .set({ status: 'done', done_from: 'approved', done_by: session.userId, done_at: now.getTime(), posted_by: session.userId, posted_at: now.getTime(), status_changed_at: now.getTime() })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(trx, { action: 'application.posted', actor: session.userUuid, subject: row.reference, workstationId: session.workstationId, details: { user: row.created_uuid } }, now);
    return { reference: row.reference, status: 'done' as const };
  });
}
