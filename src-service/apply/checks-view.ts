import { RESEND_AFTER_DAYS, type ApplicationDetail, type ApplicationSummary, type DashboardTab, type DeliveryAddress } from '../../src-shared/api/apply.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import type { SessionContext } from '../auth/session-store.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';

// One application as it is read from the store and shown: the row with its organisation, its
// sponsor, the requested position and the profiles it led to, and the mapping to the shared
// contracts (ApplicationSummary, ApplicationDetail). The ID check and the sponsor's view show
// the same application the same way.

const DAY_MS = 86_400_000;

/** The applications, each with what is shown beside it; add a where clause to pick them. */
export const applicationRows = (db: Db) =>
  db
    .selectFrom('applications as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .innerJoin('users as r', 'r.id', 'a.raised_by')
    .leftJoin('positions as p', 'p.id', 'a.position_id')
    .leftJoin('organisations as po', 'po.id', 'p.org_id')
    .leftJoin('users as du', 'du.id', 'a.duplicate_user_id')
    .leftJoin('users as cu', 'cu.id', 'a.created_user_id')
    .selectAll('a')
    .select([
      'o.code as org_code',
      'o.name as org_name',
      'o.path as org_path',
      fullName('r').as('raised_by_name'),
      'p.title as position_title',
      'po.name as position_org_name',
      'du.uuid as duplicate_uuid',
      fullName('du').as('duplicate_name'),
      'cu.uuid as created_uuid',
      fullName('cu').as('created_name'),
    ]);

export type ApplicationRow = Awaited<ReturnType<ReturnType<typeof applicationRows>['executeTakeFirstOrThrow']>>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Ready for the ID check: still undecided, and the applicant has finished both steps. */
export const readyForCheck = (row: Pick<ApplicationRow, 'status' | 'details_confirmed_at' | 'identity_submitted_at'>): boolean =>
  row.status === 'in-progress' && row.details_confirmed_at !== null && row.identity_submitted_at !== null;

/** The dashboard tab an application is in (each is in exactly one). */
export function tabOf(row: ApplicationRow, now: Date): DashboardTab {
  switch (row.status) {
    case 'in-progress':
      return !readyForCheck(row) && row.last_activity_at <= now.getTime() - RESEND_AFTER_DAYS * DAY_MS ? 'resend-required' : 'in-progress';
    case 'duplicate':
      return 'duplicates';
    default:
      return row.status;
  }
}

const stepState = (started: number | null, finished: number | null) => (finished !== null ? 'completed' : started !== null ? 'in-progress' : 'not-started');

function deliveryAddressOf(row: ApplicationRow): DeliveryAddress | null {
  if (row.address_line1 === null || row.address_town === null || row.address_postcode === null) return null;
  return { line1: row.address_line1, ...(row.address_line2 ? { line2: row.address_line2 } : {}), town: row.address_town, postcode: row.address_postcode };
}

const profileRef = (uuid: string | null, name: string | null) => (uuid === null ? null : { uuid, name: name ?? '' });

export function toApplicationSummary(row: ApplicationRow, session: SessionContext, now: Date): ApplicationSummary {
  return {
    reference: row.reference,
    applicantName: `${row.given_name} ${row.family_name}`,
    email: row.email,
    status: row.status,
    tab: tabOf(row, now),
    raisedBy: row.raised_by_name,
    raisedByMe: row.raised_by === session.userId,
    raisedAt: iso(row.raised_at),
    organisation: { code: row.org_code, name: row.org_name },
    lastActivityAt: iso(row.last_activity_at),
    rejectionReason: row.rejection_reason,
  };
}

/**
 * What the viewer may do to the application from the sponsor's side: resend and cancel while it
 * is undecided, mark as done the lists a sponsor may clear (an RA role also Duplicates). The
 * service checks again on each action.
 */
function sponsorActions(row: ApplicationRow, session: SessionContext) {
  const mayApply = grantFor(session.roles, 'apply-for-care-id') !== undefined;
  const ra = grantFor(session.roles, 'issue-smartcard') !== undefined;
  const open = mayApply && row.status === 'in-progress';
  return {
    canResend: open && !readyForCheck(row),
    canCancel: open,
    canMarkDone: mayApply && (row.status === 'rejected' || row.status === 'cancelled' || (ra && row.status === 'duplicate')),
  };
}

export function toApplicationDetail(row: ApplicationRow, session: SessionContext, now: Date): ApplicationDetail {
  const decided = row.decided_at !== null;
  return {
    summary: toApplicationSummary(row, session, now),
    applicant: { givenName: row.given_name, familyName: row.family_name, dateOfBirth: row.date_of_birth, niNumber: row.ni_number, email: row.email, mobile: row.mobile },
    applicantProvidesAddress: row.applicant_provides_address === 1,
    deliveryAddress: deliveryAddressOf(row),
    access:
      row.access_kind === 'copy'
        ? { kind: 'copy', colleagueName: row.colleague_name ?? '', colleagueCardNumber: row.colleague_card_number ?? '' }
        : { kind: 'position', positionId: row.position_id ?? 0, title: row.position_title ?? '', organisation: row.position_org_name ?? '' },
    notes: row.notes,
    steps: {
      confirmDetails: stepState(row.details_started_at, row.details_confirmed_at),
      identityCheck: stepState(row.identity_started_at, row.identity_submitted_at),
      idCheck: decided ? 'completed' : readyForCheck(row) ? 'in-progress' : 'not-started',
    },
    invitesSent: row.invites_sent,
    lastInvitedAt: row.last_invited_at === null ? null : iso(row.last_invited_at),
    ...sponsorActions(row, session),
    duplicateOf: profileRef(row.duplicate_uuid, row.duplicate_name),
    createdUser: profileRef(row.created_uuid, row.created_name),
  };
}
