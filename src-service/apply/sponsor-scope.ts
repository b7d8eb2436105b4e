import type { RoleCode } from '../../src-shared/domain/roles.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { notFound } from '../service-error.js';
import type { Db } from '../store/database.js';

// Whose applications a session may act on: a sponsor (no RA role) only those they raised; RA
// staff those of organisations in their subtree. Anything else is "not found", so a reference
// tells nothing about applications elsewhere.

const RA_ROLES: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA'];

export const isRegistrationAuthority = (session: SessionContext): boolean => session.roles.some((role) => RA_ROLES.includes(role));

export const applicationNotFound = (reference: string) => notFound(`Application ${reference}`);

const APPLICATION_COLUMNS = [
  'a.id',
  'a.reference',
  'a.org_id',
  'a.raised_by',
  'a.given_name',
  'a.family_name',
  'a.email',
  'a.mobile',
  'a.status',
  'a.details_confirmed_at',
  'a.identity_submitted_at',
  'o.name as org_name',
  'o.path as org_path',
] as const;

/** Whether the session may act on an application raised by `raisedBy` at an organisation with `orgPath`. */
export function mayActOn(session: SessionContext, app: { raised_by: number; org_path: string }): boolean {
  return isRegistrationAuthority(session) ? inScope(session, app.org_path) : app.raised_by === session.userId;
}

/** Loads an application the session may act on (after the role check: 403), else 404. */
export async function applicationForAction(db: Db, session: SessionContext, reference: string) {
  authorize(session, 'apply-for-care-id');
  const app = await db
    .selectFrom('applications as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .select(APPLICATION_COLUMNS)
    .where('a.reference', '=', reference)
    .executeTakeFirst();
  if (!app || !mayActOn(session, app)) throw applicationNotFound(reference);
  return app;
}

/** Several at once (Resend selected), in the order asked; any one out of reach refuses them all. */
export async function applicationsForAction(db: Db, session: SessionContext, references: readonly string[]) {
  authorize(session, 'apply-for-care-id');
  const rows = await db
    .selectFrom('applications as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .select(APPLICATION_COLUMNS)
    .where('a.reference', 'in', [...references])
    .execute();
  return references.map((reference) => {
    const app = rows.find((row) => row.reference === reference);
    if (!app || !mayActOn(session, app)) throw applicationNotFound(reference);
    return app;
  });
}

export type ApplicationForAction = Awaited<ReturnType<typeof applicationForAction>>;
