import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { DUPLICATE_PROFILE, type CreatedUser, type CreateUserBody } from '../../src-shared/api/cim-users.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict, ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { inTransaction } from '../store/transaction.js';
import { utcDate } from './dates.js';
import { normaliseName } from './normalise-name.js';
import { assertPlainText } from './text-rules.js';

// Creating a user profile: one person, one profile. Before a profile is saved, the NI number and
// date of birth are checked against every profile, open or closed: a match is the same person,
// and the existing profile is named so the registration authority can use it instead. Shared
// by "Create a new user", by accepting a create-user request from ESR and by approving an
// application in Apply for Care ID (which first asks findDuplicateProfile, to file a duplicate).

export interface NewUserFields {
  readonly givenName: string;
  readonly familyName: string;
  /** 'YYYY-MM-DD'. */
  readonly dateOfBirth: string;
  readonly niNumber: string;
  readonly email: string | null;
  readonly mobile: string | null;
  /** The home organisation; the caller has checked it is in the creator's scope. */
  readonly homeOrgId: number;
}

export interface ProfileRef {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
}

const NI_NUMBER_TAKEN = 'That National Insurance number belongs to another user.';

/**
 * The profile that already holds this NI number and date of birth, if any. A profile from before
 * dates of birth were recorded matches on its NI number alone: an NI number is one person's.
 */
export async function findDuplicateProfile(db: Db, niNumber: string, dateOfBirth: string): Promise<ProfileRef | undefined> {
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.uuid', fullName('u').as('name')])
    .where('u.ni_number', '=', niNumber)
    .where((eb) => eb.or([eb('u.date_of_birth', '=', dateOfBirth), eb('u.date_of_birth', 'is', null)]))
    .executeTakeFirst();
  return row;
}

/** The 409 for a person who already has a profile: it carries the profile's UUID and name. */
const duplicateProfile = (existing: ProfileRef): ServiceError =>
  new ServiceError(409, 'conflict', DUPLICATE_PROFILE, undefined, { uuid: existing.uuid, name: existing.name });

/**
 * Saves a new open profile and audits 'user.created', or throws 409: the same person already has
 * a profile (with its UUID and name), or the NI number belongs to someone with another date of
 * birth. Give it the caller's transaction so the check and the insert are one step.
 */
export async function createUserProfile(trx: Db, fields: NewUserFields, actorUserId: number, now: Date, workstationId: string | null = null): Promise<ProfileRef> {
  return inTransaction(trx, async (t) => {
    const duplicate = await findDuplicateProfile(t, fields.niNumber, fields.dateOfBirth);
    if (duplicate) throw duplicateProfile(duplicate);
    const holder = await t.selectFrom('users').select('id').where('ni_number', '=', fields.niNumber).executeTakeFirst();
    if (holder) throw conflict(NI_NUMBER_TAKEN);

    const uuid = randomUUID();
    const { id } = await t
      .insertInto('users')
      .values({
        uuid,
        given_name: fields.givenName,
        family_name: fields.familyName,
        given_name_norm: normaliseName(fields.givenName),
        family_name_norm: normaliseName(fields.familyName),
        date_of_birth: fields.dateOfBirth,
        ni_number: fields.niNumber,
        email: fields.email,
        mobile: fields.mobile,
        status: 'open',
        home_org_id: fields.homeOrgId,
        created_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const actor = await t.selectFrom('users').select('uuid').where('id', '=', actorUserId).executeTakeFirst();
    await appendAudit(t, { action: 'user.created', actor: actor?.uuid ?? null, subject: uuid, workstationId, details: { homeOrgId: fields.homeOrgId } }, now);
    return { id, uuid, name: `${fields.givenName} ${fields.familyName}` };
  });
}

type CreateUserInput = z.output<typeof CreateUserBody>;

const NO_SUCH_ORGANISATION = 'no organisation has that ODS code';
const BORN_IN_FUTURE = 'the date of birth must be today or in the past';

/** POST /v1/users: RA staff and ID checkers create a profile with a home organisation in their scope. */
export async function createUser(ctx: ServiceContext, session: SessionContext, body: CreateUserInput): Promise<z.output<typeof CreatedUser>> {
  authorize(session, 'create-user');
  assertPlainText({ 'body.givenName': body.givenName, 'body.familyName': body.familyName });
  const now = ctx.now();
  // ISO dates compare correctly as strings.
  if (body.dateOfBirth > utcDate(now)) throw badRequest('The request body is not valid.', [{ path: 'body.dateOfBirth', message: BORN_IN_FUTURE }]);
  const org = await ctx.db.selectFrom('organisations').select(['id', 'path']).where('code', '=', body.homeOrganisationCode.toUpperCase()).executeTakeFirst();
  if (!org) throw badRequest('The request body is not valid.', [{ path: 'body.homeOrganisationCode', message: NO_SUCH_ORGANISATION }]);
  authorize(session, 'create-user', { orgPath: org.path });
  const fields: NewUserFields = {
    givenName: body.givenName,
    familyName: body.familyName,
    dateOfBirth: body.dateOfBirth,
    niNumber: body.niNumber,
    email: body.email ?? null,
    mobile: body.mobile ?? null,
    homeOrgId: org.id,
  };
  const created = await createUserProfile(ctx.db, fields, session.userId, now, session.workstationId);
  return { uuid: created.uuid, name: created.name };
}
