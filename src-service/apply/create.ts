import { randomInt } from 'node:crypto';
import type { z } from 'zod';
import type { AccessOptions, ApplicationCreated, NewApplicationBody } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { normaliseName } from '../cim/normalise-name.js';
import { badRequest, conflict, ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { mintApplicantLinks } from './applicant-links.js';
import { sendInvite, type Invite } from './invite-messages.js';
import { queryEmailOf } from './settings.js';

// A new application: one from the New application pages, or one row of a bulk file. Both go
// through the same check (checkApplication) and the same insert (insertApplication), so a row
// of a file is refused for exactly what a single application would be.

/** An application as submitted, from the pages or a row of a bulk file. */
export type ApplicationInput = NewApplicationBody;

/** The sponsor's organisation now: every application is raised there. */
export interface SponsorOrg {
  readonly id: number;
  readonly code: string;
  readonly name: string;
}

/** Something that stops an application being submitted: a field's problem (400) or a clash (409). */
export interface Problem {
  readonly status: 400 | 409;
  readonly path: string;
  readonly message: string;
}

const NO_QUERY_EMAIL = "Set an email address for applicants' queries first: go to settings.";

const odsLimit = (code: string): string =>
  `The position can only be at ${code}, the organisation you work under now. Request access at other sites in Care Identity Management once the smartcard has been created.`;

export async function sponsorOrgOf(db: Db, session: SessionContext): Promise<SponsorOrg> {
  return db.selectFrom('organisations').select(['id', 'code', 'name']).where('id', '=', session.orgId).executeTakeFirstOrThrow();
}

/**
 * Every reason `input` cannot be submitted now, in the user's words: the position outside the
 * sponsor's organisation (the ODS limit), an address missing or given twice, and another application for the same person (NI number and date of
 * birth) still in progress. An existing profile is not a problem here: it makes a Duplicate.
 */
export async function checkApplication(db: Db, org: SponsorOrg, input: ApplicationInput): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (input.access.kind === 'position') {
    const position = await db.selectFrom('positions').select(['org_id', 'closed']).where('id', '=', input.access.positionId).executeTakeFirst();
    if (!position || position.org_id !== org.id || position.closed === 1) problems.push({ status: 400, path: 'body.access.positionId', message: odsLimit(org.code) });
  }
  if (!input.applicantProvidesAddress && !input.deliveryAddress) {
    problems.push({ status: 400, path: 'body.deliveryAddress', message: 'Enter the delivery address, or let the applicant provide it.' });
  }
  if (input.applicantProvidesAddress && input.deliveryAddress) {
    problems.push({ status: 400, path: 'body.deliveryAddress', message: 'Leave the delivery address out when the applicant provides it.' });
  }
  const inProgress = await db
    .selectFrom('applications')
    .select('reference')
    .where('ni_number', '=', input.applicant.niNumber)
    .where('date_of_birth', '=', input.applicant.dateOfBirth)
    .where('status', '=', 'in-progress')
    .limit(1)
    .executeTakeFirst();
  if (inProgress) problems.push({ status: 409, path: 'body.applicant.niNumber', message: `An application for this person is already in progress (${inProgress.reference}).` });
  return problems;
}

/** The refusal for a single application: the field problems (400) first, else the clash (409). */
function refusalOf(problems: readonly Problem[]): ServiceError | null {
  const fields = problems.filter((p) => p.status === 400);
  if (fields.length > 0) return badRequest('The application is not complete.', fields.map(({ path, message }) => ({ path, message })));
  const clash = problems[0];
  return clash ? conflict(clash.message) : null;
}

const REFERENCE_CHARS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

async function newReference(trx: Db): Promise<string> {
  for (;;) {
    const reference = `ACI-${Array.from({ length: 8 }, () => REFERENCE_CHARS[randomInt(REFERENCE_CHARS.length)]).join('')}`;
    const taken = await trx.selectFrom('applications').select('id').where('reference', '=', reference).executeTakeFirst();
    if (!taken) return reference;
  }
}

export interface Inserted {
  readonly created: z.infer<typeof ApplicationCreated>;
  /** The invite to send after the commit; null for a duplicate (no links). */
  readonly invite: Invite | null;
}

/**
 * Stores a checked application in the caller's transaction. A profile with the same NI number and
 * date of birth makes it a Duplicate at once (no links minted); otherwise both links are minted
 * and the invite is returned for sending after the commit.
 */
export async function insertApplication(
  trx: Db,
  session: SessionContext,
  org: SponsorOrg,
  queryEmail: string,
  input: ApplicationInput,
  now: Date,
  batchId: string | null = null,
): Promise<Inserted> {
  const { applicant, deliveryAddress, access } = input;
  const existing = await trx
    .selectFrom('users')
    .select(['id', 'uuid', 'given_name', 'family_name'])
    .where('ni_number', '=', applicant.niNumber)
    .where('date_of_birth', '=', applicant.dateOfBirth)
    .limit(1)
    .executeTakeFirst();
  const reference = await newReference(trx);
  const at = now.getTime();
  const status = existing ? ('duplicate' as const) : ('in-progress' as const);
  const { id } = await trx
    .insertInto('applications')
    .values({
      reference,
      org_id: org.id,
      raised_by: session.userId,
      raised_at: at,
      given_name: applicant.givenName,
      family_name: applicant.familyName,
      given_name_norm: normaliseName(applicant.givenName),
      family_name_norm: normaliseName(applicant.familyName),
      date_of_birth: applicant.dateOfBirth,
      ni_number: applicant.niNumber,
      email: applicant.email,
      email_norm: applicant.email.toLowerCase(),
      mobile: applicant.mobile,
      applicant_provides_address: input.applicantProvidesAddress ? 1 : 0,
      address_line1: deliveryAddress?.line1 ?? null,
      address_line2: deliveryAddress?.line2 ?? null,
      address_town: deliveryAddress?.town ?? null,
      address_postcode: deliveryAddress?.postcode ?? null,
      access_kind: access.kind,
      position_id: access.kind === 'position' ? access.positionId : null,
      colleague_name: access.kind === 'copy' ? access.colleagueName : null,
      colleague_card_number: access.kind === 'copy' ? access.colleagueCardNumber : null,
      notes: input.notes,
      status,
      status_changed_at: at,
      invites_sent: existing ? 0 : 1,
      last_invited_at: existing ? null : at,
      last_activity_at: at,
      duplicate_user_id: existing?.id ?? null,
      batch_id: batchId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    {
      action: 'application.created',
      actor: session.userUuid,
      subject: existing?.uuid ?? null,
      workstationId: session.workstationId,
      details: { reference, status, organisation: org.code, ...(batchId ? { batchId } : {}) },
    },
    now,
  );
  if (existing) {
    return { created: { reference, status, duplicateOf: { uuid: existing.uuid, name: `${existing.given_name} ${existing.family_name}` } }, invite: null };
  }
  const links = await mintApplicantLinks(trx, id, ['details', 'identity'], now);
  const invite: Invite = { reference, givenName: applicant.givenName, email: applicant.email, mobile: applicant.mobile, orgName: org.name, queryEmail, links };
  return { created: { reference, status, duplicateOf: null }, invite };
}

/** The query address, or the refusal to submit without one. */
export async function requireQueryEmail(db: Db, session: SessionContext): Promise<string> {
  const queryEmail = await queryEmailOf(db, session.userId);
  if (!queryEmail) throw conflict(NO_QUERY_EMAIL);
  return queryEmail;
}

/** POST /v1/apply/applications. */
export async function applyCreateApplication(ctx: ServiceContext, session: SessionContext, body: NewApplicationBody): Promise<z.infer<typeof ApplicationCreated>> {
  authorize(session, 'apply-for-care-id');
  const queryEmail = await requireQueryEmail(ctx.db, session);
  const now = ctx.now();
  const inserted = await inTransaction(ctx.db, async (trx) => {
    const org = await sponsorOrgOf(trx, session);
    const refusal = refusalOf(await checkApplication(trx, org, body));
    if (refusal) throw refusal;
    return insertApplication(trx, session, org, queryEmail, body, now);
  });
  if (inserted.invite) await sendInvite(ctx, inserted.invite);
  return inserted.created;
}

/** GET /v1/apply/access-options: the open positions of exactly the session's organisation (the ODS limit). */
export async function applyAccessOptions(ctx: ServiceContext, session: SessionContext): Promise<z.infer<typeof AccessOptions>> {
  authorize(session, 'apply-for-care-id');
  const org = await sponsorOrgOf(ctx.db, session);
  const positions = await ctx.db
    .selectFrom('positions')
    .select(['id', 'title', 'job_role as jobRole'])
    .where('org_id', '=', org.id)
    .where('closed', '=', 0)
    .orderBy('title')
    .orderBy('id')
    .execute();
  return { organisation: { code: org.code, name: org.name }, positions };
}
