import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { conflict } from '../service-error.js';
import type { Db } from '../store/database.js';
import { normaliseName } from './normalise-name.js';

// Creating a user profile, once someone entitled to has decided it: the row, with the
// normalised names searches compare against, and an audit entry. One person, one NI number.

export interface NewUserFields {
  givenName: string;
  familyName: string;
  dateOfBirth?: string | undefined;
  niNumber: string;
  email?: string | undefined;
  mobile?: string | undefined;
  homeOrgId: number;
}

export async function createUserProfile(trx: Db, fields: NewUserFields, actorUserId: number | null, now: Date): Promise<{ id: number; uuid: string }> {
  const holder = await trx.selectFrom('users').select('id').where('ni_number', '=', fields.niNumber).executeTakeFirst();
  if (holder !== undefined) throw conflict('That National Insurance number belongs to another user.');
  const uuid = randomUUID();
  const { id } = await trx
    .insertInto('users')
    .values({
      uuid,
      given_name: fields.givenName,
      family_name: fields.familyName,
      given_name_norm: normaliseName(fields.givenName),
      family_name_norm: normaliseName(fields.familyName),
      ni_number: fields.niNumber,
      email: fields.email ?? null,
      mobile: fields.mobile ?? null,
      home_org_id: fields.homeOrgId,
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const actor = actorUserId === null ? undefined : await trx.selectFrom('users').select('uuid').where('id', '=', actorUserId).executeTakeFirst();
  await appendAudit(trx, { action: 'user.created', actor: actor?.uuid ?? 'system', subject: uuid, details: { homeOrgId: fields.homeOrgId } }, now);
  return { id, uuid };
}
