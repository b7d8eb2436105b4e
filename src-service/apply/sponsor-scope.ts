import type { SessionContext } from '../auth/session-store.js';
import { notFound } from '../service-error.js';
import type { Db } from '../store/database.js';
import { applicationScope } from './tabs.js';

// The applications a sponsor's action (resend, cancel, mark as done) may reach: those the
// session may see (tabs.ts applicationScope: a sponsor's own, RA staff's subtree; 403 for any
// other role). Anything else is "not found", so a reference tells nothing about applications
// elsewhere.

const applicationNotFound = (reference: string) => notFound(`Application ${reference}`);

/** Applications by reference, in the order asked, each within the session's scope; any one out of reach refuses them all. */
export async function applicationsForAction(db: Db, session: SessionContext, references: readonly string[]) {
  const scope = applicationScope(session);
  const rows = await db
    .selectFrom('applications as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .select(['a.id', 'a.reference', 'a.given_name', 'a.email', 'a.mobile', 'a.status', 'a.details_confirmed_at', 'a.identity_submitted_at', 'o.name as org_name'])
    .where('a.reference', 'in', [...references])
    .where(scope)
    .execute();
  return references.map((reference) => {
    const app = rows.find((row) => row.reference === reference);
    if (!app) throw applicationNotFound(reference);
    return app;
  });
}

export type ApplicationForAction = Awaited<ReturnType<typeof applicationsForAction>>[number];

/** One application the session may act on, else 404 (403 first for a role that may not apply). */
export async function applicationForAction(db: Db, session: SessionContext, reference: string): Promise<ApplicationForAction> {
  const [app] = await applicationsForAction(db, session, [reference]);
  return app as ApplicationForAction;
}
