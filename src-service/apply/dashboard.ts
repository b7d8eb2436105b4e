import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { z } from 'zod';
import { APPLICATIONS_PAGE_SIZE, DashboardTab, type DashboardResponse } from '../../src-shared/api/apply.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { summaryQuery, toSummary } from './application-summary.js';
import { applicationScope, inTab, resendRequired } from './tabs.js';

// GET /v1/apply/dashboard: how many applications each tab holds and one page of a tab, within
// what the session may see (tabs.ts). The counts are one grouped query over the scope (the
// index on (org_id, status, ...) or (raised_by, status, ...) of migration 140 finds the rows);
// the page is one more.

type TabCounts = Record<DashboardTab, number>;

/** Every tab's count for the applications matching `scope` at `now`, in one query. */
async function tabCounts(db: Db, scope: RawBuilder<SqlBool>, now: Date): Promise<TabCounts> {
  const { rows } = await sql<{ status: string; n: number | string; late: number | string | null }>`
    SELECT a.status AS status, COUNT(*) AS n, SUM(CASE WHEN ${resendRequired(now)} THEN 1 ELSE 0 END) AS late
    FROM applications a WHERE ${scope} GROUP BY a.status`.execute(db);
  const counts = Object.fromEntries(DashboardTab.options.map((t) => [t, 0])) as TabCounts;
  for (const row of rows) {
    const n = Number(row.n);
    const late = Number(row.late ?? 0);
    switch (row.status) {
      case 'in-progress':
        counts['resend-required'] = late;
        counts['in-progress'] = n - late;
        break;
      case 'approved':
        counts.approved = n;
        break;
      case 'duplicate':
        counts.duplicates = n;
        break;
      case 'rejected':
        counts.rejected = n;
        break;
      case 'cancelled':
        counts.cancelled = n;
        break;
      case 'done':
        counts.done = n;
        break;
    }
  }
  return counts;
}

export async function applicationDashboard(
  ctx: ServiceContext,
  session: SessionContext,
  query: { tab: DashboardTab; page: number },
): Promise<z.infer<typeof DashboardResponse>> {
  const scope = applicationScope(session);
  const now = ctx.now();
  const counts = await tabCounts(ctx.db, scope, now);
  // Resend required lists the longest-waiting applicants first; every other tab the latest first.
  const direction = query.tab === 'resend-required' ? 'asc' : 'desc';
  const rows = await summaryQuery(ctx.db)
    .where(scope)
    .where(inTab(query.tab, now))
    .orderBy('a.last_activity_at', direction)
    .orderBy('a.id', direction)
    .limit(APPLICATIONS_PAGE_SIZE)
    .offset((query.page - 1) * APPLICATIONS_PAGE_SIZE)
    .execute();
  return {
    counts,
    tab: query.tab,
    page: query.page,
    pageSize: APPLICATIONS_PAGE_SIZE,
    total: counts[query.tab],
    applications: rows.map((row) => toSummary(row, session, now)),
  };
}
