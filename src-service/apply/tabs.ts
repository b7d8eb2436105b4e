import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { RESEND_AFTER_DAYS, type ApplicationStatus, type DashboardTab } from '../../src-shared/api/apply.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';

// The dashboard's tabs (APPLY.md, "Tab of an application"), defined once: as SQL for the lists
// and counts, and as TypeScript for one row already read, the two written side by side so they
// say the same thing. Every application is in exactly one tab. Also the one scope rule of what
// a sponsor or RA member of staff may read or act on.

const DAY_MS = 86_400_000;
/** The highest code point: every path under a subtree's path sorts in [path, path + TOP). */
const TOP = '\u{10FFFF}';

/** The columns an application's tab depends on. */
export interface TabColumns {
  readonly status: ApplicationStatus;
  readonly details_confirmed_at: number | null;
  readonly identity_submitted_at: number | null;
  readonly last_activity_at: number;
}

/** The newest last activity (epoch ms) that leaves an unfinished applicant's invite needing a resend at `now`. */
const resendCutoff = (now: Date): number => now.getTime() - RESEND_AFTER_DAYS * DAY_MS;

/** The tab of each decided status (in-progress splits into two tabs by the resend rule). */
const STATUS_TABS: Record<Exclude<ApplicationStatus, 'in-progress'>, DashboardTab> = {
  approved: 'approved',
  duplicate: 'duplicates',
  rejected: 'rejected',
  cancelled: 'cancelled',
  done: 'done',
};
/** The status each tab lists. */
const TAB_STATUS: Record<DashboardTab, ApplicationStatus> = {
  'resend-required': 'in-progress',
  'in-progress': 'in-progress',
  approved: 'approved',
  duplicates: 'duplicate',
  rejected: 'rejected',
  cancelled: 'cancelled',
  done: 'done',
};

// --- One row, in TypeScript ---------------------------------------------------------------

/** Ready for the ID check: undecided, and the applicant has finished both steps. */
export const isReadyForCheck = (a: Omit<TabColumns, 'last_activity_at'>): boolean => a.status === 'in-progress' && a.details_confirmed_at !== null && a.identity_submitted_at !== null;

/** The 3-day resend rule: undecided, the applicant has not finished, and nothing happened for RESEND_AFTER_DAYS. */
const isResendRequired = (a: TabColumns, now: Date): boolean => a.status === 'in-progress' && !isReadyForCheck(a) && a.last_activity_at <= resendCutoff(now);

export function tabOf(a: TabColumns, now: Date): DashboardTab {
  if (a.status !== 'in-progress') return STATUS_TABS[a.status];
  return isResendRequired(a, now) ? 'resend-required' : 'in-progress';
}

// --- The same rules as SQL, on the applications table under `alias` -------------------------

const col = (alias: string, column: string): RawBuilder<unknown> => sql.ref(`${alias}.${column}`);

const hasStatus = (alias: string, status: ApplicationStatus): RawBuilder<SqlBool> => sql<SqlBool>`${col(alias, 'status')} = ${status}`;

export function readyForCheck(alias = 'a'): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${hasStatus(alias, 'in-progress')} AND ${col(alias, 'details_confirmed_at')} IS NOT NULL AND ${col(alias, 'identity_submitted_at')} IS NOT NULL)`;
}

export function resendRequired(now: Date, alias = 'a'): RawBuilder<SqlBool> {
  // The NOT is safe: readyForCheck is never NULL (IS NOT NULL tests and a NOT NULL status).
  return sql<SqlBool>`(${hasStatus(alias, 'in-progress')} AND NOT ${readyForCheck(alias)} AND ${col(alias, 'last_activity_at')} <= ${resendCutoff(now)})`;
}

/** The applications in `tab` at `now`. */
export function inTab(tab: DashboardTab, now: Date, alias = 'a'): RawBuilder<SqlBool> {
  if (tab === 'resend-required') return resendRequired(now, alias);
  if (tab === 'in-progress') return sql<SqlBool>`(${hasStatus(alias, 'in-progress')} AND NOT ${resendRequired(now, alias)})`;
  return hasStatus(alias, TAB_STATUS[tab]);
}

// --- Scope -----------------------------------------------------------------------------------

const RA_ROLES: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA'];

/** RA staff read applications across their subtree; a sponsor without an RA role only their own. */
export const actsAsRa = (session: SessionContext): boolean => session.roles.some((role) => RA_ROLES.includes(role));

/**
 * The applications `session` may see and act on in Apply for Care ID, as a condition on the
 * applications table under `alias`: RA staff those of any organisation in their subtree, a
 * sponsor those they raised. Throws 403 for any other role.
 */
export function applicationScope(session: SessionContext, alias = 'a'): RawBuilder<SqlBool> {
  authorize(session, 'apply-for-care-id');
  return actsAsRa(session) ? inSessionSubtree(session, alias) : sql<SqlBool>`${col(alias, 'raised_by')} = ${session.userId}`;
}

/**
 * Applications of the organisations in the session's subtree (the organisations' path index
 * range, then the applications' (org_id, ...) index), whatever the role: the scope of RA staff
 * here and of ID checkers on the check list. Authorise the activity first.
 */
export function inSessionSubtree(session: SessionContext, alias = 'a'): RawBuilder<SqlBool> {
  return sql<SqlBool>`${col(alias, 'org_id')} IN (SELECT scope_org.id FROM organisations scope_org
    WHERE scope_org.path >= ${session.orgPath} AND scope_org.path < ${`${session.orgPath}${TOP}`})`;
}
