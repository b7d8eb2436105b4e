import type { z } from 'zod';
import type { ApplicantDetails, ApplicationDetail, ApplicationStatus, DeliveryAddress, StepState } from '../../src-shared/api/apply.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { notFound } from '../service-error.js';
import type { Db } from '../store/database.js';
import { summaryQuery, toSummary } from './application-summary.js';
import { actsAsRa, applicationScope, isReadyForCheck } from './tabs.js';

// GET /v1/apply/applications/:reference: one application as its sponsor or the RA reads it: the
// applicant's details, the access asked for, the three steps and what the reader may do now.
// The identity documents are not read at all here: only ID checkers and RA staff see them, on
// the check endpoints. An application outside the reader's scope is "not found", in the same
// words as one that does not exist, so its existence is not revealed.

type Step = z.infer<typeof StepState>;

/** A step the applicant opened (started) and finished. */
const stepState = (startedAt: number | null, finishedAt: number | null): Step => (finishedAt !== null ? 'completed' : startedAt !== null ? 'in-progress' : 'not-started');

/** The list an application is in, or for one marked as done, the list it left. */
const listOf = (status: ApplicationStatus, doneFrom: string | null): string => (status === 'done' ? (doneFrom ?? 'done') : status);

interface Decided {
  readonly status: ApplicationStatus;
  readonly done_from: string | null;
  readonly decided_at: number | null;
  readonly details_confirmed_at: number | null;
  readonly identity_submitted_at: number | null;
}

/** The ID check: completed once decided, in progress while waiting for the ID checker, else not started. */
function idCheckState(a: Decided): Step {
  if (a.decided_at !== null || ['approved', 'rejected'].includes(listOf(a.status, a.done_from))) return 'completed';
  return isReadyForCheck(a) ? 'in-progress' : 'not-started';
}

/**
 * Mark as done: a sponsor may mark rejected and cancelled applications; duplicates are the RA
 * team's to mark; approved ones leave only when the RA marks the smartcard posted.
 */
function mayMarkDone(session: SessionContext, status: ApplicationStatus): boolean {
  if (status === 'rejected' || status === 'cancelled') return true;
  return status === 'duplicate' && actsAsRa(session);
}

const person = (uuid: string | null, given: string | null, family: string | null): { uuid: string; name: string } | null =>
  uuid === null ? null : { uuid, name: `${given ?? ''} ${family ?? ''}`.trim() };

interface AddressColumns {
  readonly address_line1: string | null;
  readonly address_line2: string | null;
  readonly address_town: string | null;
  readonly address_postcode: string | null;
}

/** The delivery address, once there is one (the applicant may still have to give it). */
export function deliveryAddressOf(row: AddressColumns): DeliveryAddress | null {
  if (row.address_line1 === null || row.address_town === null || row.address_postcode === null) return null;
  return { line1: row.address_line1, ...(row.address_line2 ? { line2: row.address_line2 } : {}), town: row.address_town, postcode: row.address_postcode };
}

interface ApplicantColumns {
  readonly given_name: string;
  readonly family_name: string;
  readonly date_of_birth: string;
  readonly ni_number: string;
  readonly email: string;
  readonly mobile: string;
}

/** The applicant's personal details as the application holds them (read for the detail and for approval). */
export function applicantDetailsOf(row: ApplicantColumns): ApplicantDetails {
  return {
    givenName: row.given_name,
    familyName: row.family_name,
    dateOfBirth: row.date_of_birth,
    niNumber: row.ni_number,
    email: row.email,
    mobile: row.mobile,
  };
}

/**
 * One application with everything its detail shows (the sponsor's view and the ID check read it
 * the same way); callers add the scope and the reference.
 */
export function detailQuery(db: Db) {
  return summaryQuery(db)
    .leftJoin('positions as p', 'p.id', 'a.position_id')
    .leftJoin('organisations as po', 'po.id', 'p.org_id')
    .leftJoin('users as du', 'du.id', 'a.duplicate_user_id')
    .leftJoin('users as cu', 'cu.id', 'a.created_user_id')
    .select([
      'a.date_of_birth',
      'a.ni_number',
      'a.mobile',
      'a.applicant_provides_address',
      'a.address_line1',
      'a.address_line2',
      'a.address_town',
      'a.address_postcode',
      'a.access_kind',
      'a.position_id',
      'a.colleague_name',
      'a.colleague_card_number',
      'a.notes',
      'a.details_started_at',
      'a.identity_started_at',
      'a.invites_sent',
      'a.last_invited_at',
      'a.decided_at',
      'a.done_from',
      'p.title as position_title',
      'po.name as position_org',
      'du.uuid as duplicate_uuid',
      'du.given_name as duplicate_given',
      'du.family_name as duplicate_family',
      'cu.uuid as created_uuid',
      'cu.given_name as created_given',
      'cu.family_name as created_family',
    ]);
}

export type DetailRow = Awaited<ReturnType<ReturnType<typeof detailQuery>['executeTakeFirstOrThrow']>>;

/** The application as `session` reads it; what the reader may do is for the sponsor's side only. */
export function toApplicationDetail(row: DetailRow, session: SessionContext, now: Date): ApplicationDetail {
  // An ID checker without Apply for Care ID reads the same application, and may none of these.
  const sponsorSide = grantFor(session.roles, 'apply-for-care-id') !== undefined;
  const open = sponsorSide && row.status === 'in-progress';
  return {
    summary: toSummary(row, session, now),
    applicant: applicantDetailsOf(row),
    applicantProvidesAddress: row.applicant_provides_address === 1,
    deliveryAddress: deliveryAddressOf(row),
    access:
      row.access_kind === 'position' && row.position_id !== null
        ? { kind: 'position', positionId: row.position_id, title: row.position_title ?? '', organisation: row.position_org ?? '' }
        : { kind: 'copy', colleagueName: row.colleague_name ?? '', colleagueCardNumber: row.colleague_card_number ?? '' },
    notes: row.notes,
    steps: {
      confirmDetails: stepState(row.details_started_at, row.details_confirmed_at),
      identityCheck: stepState(row.identity_started_at, row.identity_submitted_at),
      idCheck: idCheckState(row),
    },
    invitesSent: row.invites_sent,
    lastInvitedAt: row.last_invited_at === null ? null : new Date(Number(row.last_invited_at)).toISOString(),
    // New links help only an applicant who has not finished; once both steps are done the
    // application waits for the ID checker, and a decided one is closed.
    canResend: open && !isReadyForCheck(row),
    canCancel: open,
    canMarkDone: sponsorSide && mayMarkDone(session, row.status),
    duplicateOf: person(row.duplicate_uuid, row.duplicate_given, row.duplicate_family),
    createdUser: person(row.created_uuid, row.created_given, row.created_family),
  };
}

export async function viewApplication(ctx: ServiceContext, session: SessionContext, reference: string): Promise<ApplicationDetail> {
  const scope = applicationScope(session);
  const row = await detailQuery(ctx.db).where(scope).where('a.reference', '=', reference).executeTakeFirst();
  if (!row) throw notFound(`Application ${reference}`);
  return toApplicationDetail(row, session, ctx.now());
}
