import type { Db } from '../store/database.js';
import { normaliseName } from './normalise-name.js';

// Writing a user's changed personal or contact details: what a direct change by RA staff does,
// and what accepting a sponsor's or ESR's request does.

export interface DetailChanges {
  givenName?: string | undefined;
  familyName?: string | undefined;
  niNumber?: string | undefined;
  dateOfBirth?: string | undefined;
  email?: string | undefined;
  mobile?: string | undefined;
}

/** Changes the fields present in `changes`; `at` (epoch ms) dates a changed email or mobile. */
export async function applyDetailChanges(trx: Db, userId: number, changes: DetailChanges, at: number): Promise<void> {
  await trx
    .updateTable('users')
    .set((eb) => ({
      ...(changes.givenName !== undefined ? { given_name: changes.givenName } : {}),
      ...(changes.familyName !== undefined ? { family_name: changes.familyName } : {}),
      ...(changes.niNumber !== undefined ? { ni_number: changes.niNumber } : {}),
      ...(changes.dateOfBirth !== undefined ? { date_of_birth: changes.dateOfBirth } : {}),
      // The normalised names move with the names, or searches would find the old name.
      ...(changes.givenName !== undefined ? { given_name_norm: normaliseName(changes.givenName) } : {}),
      ...(changes.familyName !== undefined ? { family_name_norm: normaliseName(changes.familyName) } : {}),
      // The change time moves only when the value does (an empty one before: it does).
      ...(changes.email !== undefined
        ? { email: changes.email, email_changed_at: eb.case().when('email', '=', changes.email).then(eb.ref('email_changed_at')).else(at).end() }
        : {}),
      ...(changes.mobile !== undefined
        ? { mobile: changes.mobile, mobile_changed_at: eb.case().when('mobile', '=', changes.mobile).then(eb.ref('mobile_changed_at')).else(at).end() }
        : {}),
    }))
    .where('id', '=', userId)
    .execute();
}

/** Whether another user than `userId` holds `niNumber`: one person, one NI number. */
export async function niNumberHeldByOther(trx: Db, niNumber: string, userId: number | null): Promise<boolean> {
  let query = trx.selectFrom('users').select('id').where('ni_number', '=', niNumber);
  if (userId !== null) query = query.where('id', '!=', userId);
  return (await query.executeTakeFirst()) !== undefined;
}
