import { normaliseName } from '../cim/normalise-name.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { personaByKey } from './personas.js';

// Something for trainees to find on the user-profile pages: a closed profile at the training
// hospital to reopen, and an open one there that the sponsor (Grace Okafor) has asked RA staff
// to close, so the request shows as pending. Fixed UUIDs and NI numbers, written once.

const HOSPITAL = 'RZZ01';
const CREATED_AT = '2024-04-01T09:00:00.000Z';

export const TRAINING_CLOSED_USER = { uuid: 'c1a55e00-0000-4000-8000-000000000101', givenName: 'Oliver', familyName: 'Grant', niNumber: 'TR000101A', dateOfBirth: '1979-08-23' };
export const TRAINING_CLOSE_REQUESTED_USER = { uuid: 'c1a55e00-0000-4000-8000-000000000102', givenName: 'Daniel', familyName: 'Moss', niNumber: 'TR000102A', dateOfBirth: '1992-01-17' };

/** Writes the two training profiles and the sponsor's close request, unless they are there already. */
export async function seedTrainingUsers(db: Db): Promise<void> {
  await inTransaction(db, async (trx) => {
    const present = await trx.selectFrom('users').select('id').where('uuid', '=', TRAINING_CLOSED_USER.uuid).executeTakeFirst();
    if (present) return;
    const org = await trx.selectFrom('organisations').select('id').where('code', '=', HOSPITAL).executeTakeFirstOrThrow();
    const sponsor = await trx.selectFrom('users').select('id').where('uuid', '=', personaByKey('sponsor').uuid).executeTakeFirstOrThrow();
    const insert = async (u: typeof TRAINING_CLOSED_USER, status: 'open' | 'closed'): Promise<number> =>
      (
        await trx
          .insertInto('users')
          .values({
            uuid: u.uuid,
            given_name: u.givenName,
            family_name: u.familyName,
            given_name_norm: normaliseName(u.givenName),
            family_name_norm: normaliseName(u.familyName),
            ni_number: u.niNumber,
            date_of_birth: u.dateOfBirth,
            email: `${normaliseName(u.givenName)}.${normaliseName(u.familyName)}.training@nhs.net`,
            mobile: null,
            status,
            home_org_id: org.id,
            created_at: CREATED_AT,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    await insert(TRAINING_CLOSED_USER, 'closed');
    const requested = await insert(TRAINING_CLOSE_REQUESTED_USER, 'open');
    await trx
      .insertInto('profile_status_requests')
      .values({ user_id: requested, action: 'close', reason: 'Left the hospital at the end of his contract.', requested_by: sponsor.id, requested_at: CREATED_AT })
      .execute();
  });
}
