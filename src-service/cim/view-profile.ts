import type { AssignmentState, ProfilePermissions, ProfileView } from '../../src-shared/api/cim-profile.js';
import type { OrganisationSummary } from '../../src-shared/api/service-common.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { isoDateTime, utcDate } from './dates.js';
import { positionRequestsOfUser } from './position-requests.js';
import { readAssignments, readAuthenticators, readCards, toProfileAssignment, type AssignmentRow } from './profile.js';
import { userByUuidOr404, type UserRow } from './user-lookup.js';
import { grantOnUser, mayOnUser, userInScope, userOrgPaths } from './user-scope.js';

// GET /v1/users/:uuid. Every signed-in user may see the directory part of anyone they found:
// name, organisations and current positions (a clinician must be able to tell which Dr Smith
// works where). The rest (NI number, contact details, cards, authenticators, history, ended
// assignments, requests) is for the user themself and for viewers whose scope holds the user.

/** Roles that see a user's history when the user is in their scope (besides the user themself). */
const HISTORY_ROLES: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC'];
/** The roles that vouch for identities do not change their own name or NI number (change-user-details.ts). */
const IDENTITY_ROLES: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA', 'IDC'];

export function mayViewHistory(session: SessionContext, own: boolean, orgPaths: readonly string[]): boolean {
  return own || (userInScope(session, orgPaths) && session.roles.some((r) => HISTORY_ROLES.includes(r)));
}

/**
 * What the session may do to this profile, from the matrix and scope (so the page offers only
 * that). On one's own profile: no closing it, no direct assignments to oneself (access comes by
 * request, from someone else), and RA staff and ID checkers do not change their own details.
 */
function profilePermissions(session: SessionContext, own: boolean, orgPaths: readonly string[]): ProfilePermissions {
  const grant = (activity: Parameters<typeof grantOnUser>[1]) => grantOnUser(session, activity, orgPaths);
  const directOrRequest = (g: ReturnType<typeof grant>): 'direct' | 'by-request' | null => (g === 'direct' || g === 'by-request' ? g : null);
  const assign = grant('assign-position');
  const ownIdentityBarred = own && session.roles.some((r) => IDENTITY_ROLES.includes(r));
  return {
    changeDetails: ownIdentityBarred ? null : directOrRequest(grant('change-user-details')),
    closeReopen: own ? null : directOrRequest(grant('close-reopen-profile')),
    addPositions: own || assign !== null,
    assignPositions: own ? null : assign === 'direct' || assign === 'assignable-only' ? assign : null,
    manageMultiple: mayOnUser(session, 'manage-multiple-assignments', orgPaths),
    viewEnded: mayOnUser(session, 'view-ended-assignments', orgPaths),
    manageWorkgroups: mayOnUser(session, 'manage-workgroups', orgPaths),
    viewHistory: mayViewHistory(session, own, orgPaths),
  };
}

function assignmentState(a: AssignmentRow, today: string): AssignmentState {
  if (a.removed_at !== null) return 'removed';
  if (a.end_date !== null && a.end_date < today) return 'expired';
  return a.start_date > today ? 'future' : 'current';
}

async function homeOrganisation(db: Db, user: UserRow): Promise<OrganisationSummary | undefined> {
  if (user.home_org_id === null) return undefined;
  return db
    .selectFrom('organisations as o')
    .leftJoin('organisations as parent', 'parent.id', 'o.parent_id')
    .select(['o.code as code', 'o.name as name', 'o.kind as kind', 'parent.code as parentCode'])
    .where('o.id', '=', user.home_org_id)
    .executeTakeFirst();
}

async function pendingChanges(db: Db, userId: number): Promise<ProfileView['pendingChanges']> {
  const details = await db
    .selectFrom('detail_change_requests')
    .select(['changes', 'requested_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
  const statuses = await db
    .selectFrom('profile_status_requests')
    .select(['action', 'requested_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
  return [
    ...details.map((d) => ({ kind: 'details' as const, fields: Object.keys(JSON.parse(d.changes) as Record<string, unknown>), requestedAt: isoDateTime(d.requested_at) })),
    ...statuses.map((s) => ({ kind: s.action, fields: [], requestedAt: isoDateTime(s.requested_at) })),
  ];
}

/** The workgroups the user is in today (not removed, not ended, the workgroup not closed). */
async function workgroupsOf(db: Db, userId: number, today: string): Promise<ProfileView['workgroups']> {
  const rows = await db
    .selectFrom('workgroup_assignments as wa')
    .innerJoin('workgroups as w', 'w.id', 'wa.workgroup_id')
    .innerJoin('organisations as o', 'o.id', 'w.org_id')
    .leftJoin('organisations as parent', 'parent.id', 'o.parent_id')
    .select(['w.id as id', 'w.name as name', 'wa.start_date as startDate', 'wa.end_date as endDate', 'o.code as code', 'o.name as orgName', 'o.kind as kind', 'parent.code as parentCode'])
    .where('wa.user_id', '=', userId)
    .where('wa.removed_at', 'is', null)
    .where('w.closed_at', 'is', null)
    .where((eb) => eb.or([eb('wa.end_date', 'is', null), eb('wa.end_date', '>=', today)]))
    .orderBy('w.name_norm')
    .orderBy('w.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    organisation: { code: r.code, name: r.orgName, kind: r.kind, parentCode: r.parentCode },
    startDate: r.startDate,
    endDate: r.endDate,
  }));
}

export async function viewProfile(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<ProfileView> {
  authorize(session, 'view-profile');
  const { db } = ctx;
  const user = await userByUuidOr404(db, uuid);
  const today = utcDate(ctx.now());
  const orgPaths = await userOrgPaths(db, user.id, today);
  const own = user.id === session.userId;
  const full = own || userInScope(session, orgPaths);
  const may = profilePermissions(session, own, orgPaths);

  // The reads below are independent: on PostgreSQL they go out together over the pool.
  const [rows, home] = await Promise.all([readAssignments(db, user.id, today, full && may.viewEnded), homeOrganisation(db, user)]);
  // The directory part names only the positions held today.
  const assignments = rows
    .map((row) => ({ ...toProfileAssignment(row), state: assignmentState(row, today) }))
    .filter((a) => full || a.state === 'current');

  const organisations: OrganisationSummary[] = [];
  for (const org of [...(home ? [home] : []), ...assignments.filter((a) => a.state === 'current' || a.state === 'future').map((a) => a.position.organisation)]) {
    if (!organisations.some((o) => o.code === org.code)) organisations.push(org);
  }

  const base = { uuid: user.uuid, givenName: user.given_name, familyName: user.family_name, status: user.status, organisations, assignments, may };
  if (!full) {
    return { ...base, access: 'directory', niNumber: null, email: null, mobile: null, cards: [], authenticators: [], pendingChanges: [], positionRequests: [], workgroups: [] };
  }
  const [cards, authenticators, pending, positionRequests, workgroups] = await Promise.all([
    readCards(db, user.id),
    readAuthenticators(db, user.id),
    pendingChanges(db, user.id),
    positionRequestsOfUser(db, user.id),
    workgroupsOf(db, user.id, today),
  ]);
  return { ...base, access: 'full', niNumber: user.ni_number, email: user.email, mobile: user.mobile, cards, authenticators, pendingChanges: pending, positionRequests, workgroups };
}
