import type { ApplicationSummary } from '../../src-shared/api/apply.js';
import type { SessionContext } from '../auth/session-store.js';
import type { Db } from '../store/database.js';
import { tabOf } from './tabs.js';

// One row of the dashboard or of the search results, read the same way for both: the
// application (as `a`), who raised it and its organisation. Its tab is worked out from the row
// by tabOf, the TypeScript twin of the tab SQL, so a row always names the tab that lists it.

/** The applications with what a summary shows; callers add the scope, the filter and the order. */
export function summaryQuery(db: Db) {
  return db
    .selectFrom('applications as a')
    .innerJoin('users as rb', 'rb.id', 'a.raised_by')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .select([
      'a.id',
      'a.reference',
      'a.given_name',
      'a.family_name',
      'a.email',
      'a.status',
      'a.raised_by',
      'a.raised_at',
      'a.details_confirmed_at',
      'a.identity_submitted_at',
      'a.last_activity_at',
      'a.rejection_reason',
      'rb.given_name as raised_by_given',
      'rb.family_name as raised_by_family',
      'o.code as org_code',
      'o.name as org_name',
    ]);
}

export type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

export function toSummary(row: SummaryRow, session: SessionContext, now: Date): ApplicationSummary {
  return {
    reference: row.reference,
    applicantName: `${row.given_name} ${row.family_name}`,
    email: row.email,
    status: row.status,
    tab: tabOf(row, now),
    raisedBy: `${row.raised_by_given} ${row.raised_by_family}`,
    raisedByMe: row.raised_by === session.userId,
    raisedAt: new Date(Number(row.raised_at)).toISOString(),
    organisation: { code: row.org_code, name: row.org_name },
    lastActivityAt: new Date(Number(row.last_activity_at)).toISOString(),
    rejectionReason: row.rejection_reason,
  };
}
