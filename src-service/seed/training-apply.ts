import type { Insertable } from 'kysely';
import { utcDate } from '../cim/dates.js';
import { normaliseName } from '../cim/normalise-name.js';
import type { Db } from '../store/database.js';
import type { Tables } from '../store/tables.js';
import { inTransaction } from '../store/transaction.js';
import { personaByKey } from './personas.js';
import { TRAINING_CLOSED_USER } from './training-users.js';

// Apply for Care ID applications the training sponsor (Grace Okafor) raised before the trainee
// arrived, one in each tab of her dashboard, so it shows what each list means: an applicant who
// has not acted for days (Resend required), one half way (In progress), one approved whose
// smartcard the RA has still to issue (Approved, and the RA's Cards to issue), a person who
// already had a profile (Duplicates), a rejection with its reason, a cancelled one and one
// marked as done. None is ready for the ID check and none holds documents: trainees make their
// own, through the links. Fixed references; written once, dated from the day it is written.

const HOSPITAL = 'RZZ01';
const POSITION = 'Staff Nurse';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The approved applicant's new profile (no smartcard yet: they are in Cards to issue). */
export const TRAINING_APPROVED_APPLICANT = { uuid: 'c1a55e00-0000-4000-8000-000000000140', givenName: 'Maya', familyName: 'Okonjo', niNumber: 'TR000140A', dateOfBirth: '1996-05-30' };

type Fields = Partial<Insertable<Tables['applications']>>;

interface SeedApplication {
  readonly reference: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly dateOfBirth: string;
  readonly niNumber: string;
  /** Days before today it was raised. */
  readonly raisedDaysAgo: number;
  /** Its status and steps, given the sponsor's and RA's ids and a day's time in ms. */
  readonly fields: (at: (daysAgo: number) => number, ids: { sponsor: number; ra: number; approved: number; duplicate: number }) => Fields;
}

const APPLICATIONS: readonly SeedApplication[] = [
  {
    reference: 'ACI-TR000001',
    givenName: 'Lewis',
    familyName: 'Achebe',
    dateOfBirth: '1999-02-11',
    niNumber: 'TR000131A',
    raisedDaysAgo: 5,
    fields: (at) => ({ last_activity_at: at(5) }),
  },
  {
    reference: 'ACI-TR000002',
    givenName: 'Sofia',
    familyName: 'Marchetti',
    dateOfBirth: '1988-09-03',
    niNumber: 'TR000132A',
    raisedDaysAgo: 2,
    fields: (at) => ({ details_started_at: at(1), details_confirmed_at: at(1), last_activity_at: at(1) }),
  },
  {
    reference: 'ACI-TR000003',
    givenName: TRAINING_APPROVED_APPLICANT.givenName,
    familyName: TRAINING_APPROVED_APPLICANT.familyName,
    dateOfBirth: TRAINING_APPROVED_APPLICANT.dateOfBirth,
    niNumber: TRAINING_APPROVED_APPLICANT.niNumber,
    raisedDaysAgo: 9,
    fields: (at, ids) => ({ ...stepsDone(at, 8, 7), status: 'approved', status_changed_at: at(6), decided_by: ids.ra, decided_at: at(6), created_user_id: ids.approved }),
  },
  {
    reference: 'ACI-TR000004',
    givenName: TRAINING_CLOSED_USER.givenName,
    familyName: TRAINING_CLOSED_USER.familyName,
    dateOfBirth: TRAINING_CLOSED_USER.dateOfBirth,
    niNumber: TRAINING_CLOSED_USER.niNumber,
    raisedDaysAgo: 4,
    fields: (at, ids) => ({ status: 'duplicate', status_changed_at: at(4), invites_sent: 0, last_invited_at: null, duplicate_user_id: ids.duplicate }),
  },
  {
    reference: 'ACI-TR000005',
    givenName: 'Tomasz',
    familyName: 'Wierzbicki',
    dateOfBirth: '1979-12-19',
    niNumber: 'TR000135A',
    raisedDaysAgo: 12,
    fields: (at, ids) => ({
      ...stepsDone(at, 11, 10),
      status: 'rejected',
      status_changed_at: at(8),
      decided_by: ids.ra,
      decided_at: at(8),
      rejection_reason: 'The photograph of the face is too dark to compare with the passport. Apply again with a clearer photograph.',
    }),
  },
  {
    reference: 'ACI-TR000006',
    givenName: 'Hana',
    familyName: 'Yoshida',
    dateOfBirth: '1993-07-07',
    niNumber: 'TR000136A',
    raisedDaysAgo: 15,
    fields: (at, ids) => ({ status: 'cancelled', status_changed_at: at(14), cancelled_by: ids.sponsor, cancel_reason: 'The job offer was withdrawn.' }),
  },
  {
    reference: 'ACI-TR000007',
    givenName: 'Callum',
    familyName: 'Fairweather',
    dateOfBirth: '1985-03-25',
    niNumber: 'TR000137A',
    raisedDaysAgo: 30,
    fields: (at, ids) => ({
      ...stepsDone(at, 29, 28),
      status: 'done',
      status_changed_at: at(20),
      decided_by: ids.ra,
      decided_at: at(25),
      rejection_reason: 'The passport had expired.',
      done_from: 'rejected',
      done_by: ids.sponsor,
      done_at: at(20),
    }),
  },
];

/** Both applicant steps finished: details on one day, documents on a later one (documents gone since the decision). */
function stepsDone(at: (daysAgo: number) => number, detailsDaysAgo: number, identityDaysAgo: number): Fields {
  return {
    details_started_at: at(detailsDaysAgo),
    details_confirmed_at: at(detailsDaysAgo),
    identity_started_at: at(identityDaysAgo),
    identity_submitted_at: at(identityDaysAgo),
    last_activity_at: at(identityDaysAgo),
  };
}

/** Writes the training applications (and the approved applicant's profile) unless they are there already. */
export async function seedTrainingApplications(db: Db, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (await trx.selectFrom('applications').select('id').where('reference', '=', APPLICATIONS[0]?.reference ?? '').executeTakeFirst()) return;
    const place = await trx
      .selectFrom('positions as p')
      .innerJoin('organisations as o', 'o.id', 'p.org_id')
      .select(['p.id as positionId', 'o.id as orgId'])
      .where('o.code', '=', HOSPITAL)
      .where('p.title', '=', POSITION)
      .where('p.closed', '=', 0)
      .orderBy('p.id')
      .limit(1)
      .executeTakeFirst();
    const userId = async (uuid: string): Promise<number | undefined> => (await trx.selectFrom('users').select('id').where('uuid', '=', uuid).executeTakeFirst())?.id;
    const sponsor = await userId(personaByKey('sponsor').uuid);
    const ra = await userId(personaByKey('ra-agent').uuid);
    const duplicate = await userId(TRAINING_CLOSED_USER.uuid);
    if (!place || sponsor === undefined || ra === undefined || duplicate === undefined) return;
    const at = (daysAgo: number): number => now.getTime() - daysAgo * DAY_MS;
    const approvedAt = at(6);

    const person = TRAINING_APPROVED_APPLICANT;
    const { id: approved } = await trx
      .insertInto('users')
      .values({
        uuid: person.uuid,
        given_name: person.givenName,
        family_name: person.familyName,
        given_name_norm: normaliseName(person.givenName),
        family_name_norm: normaliseName(person.familyName),
        ni_number: person.niNumber,
        date_of_birth: person.dateOfBirth,
        email: applicantEmail(person.givenName, person.familyName),
        mobile: '07700900140',
        status: 'open',
        home_org_id: place.orgId,
        created_at: new Date(approvedAt).toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('position_assignments').values({ user_id: approved, position_id: place.positionId, start_date: utcDate(new Date(approvedAt)) }).execute();

    for (const [i, a] of APPLICATIONS.entries()) {
      const raisedAt = at(a.raisedDaysAgo);
      const email = applicantEmail(a.givenName, a.familyName);
      await trx
        .insertInto('applications')
        .values({
          reference: a.reference,
          org_id: place.orgId,
          raised_by: sponsor,
          raised_at: raisedAt,
          given_name: a.givenName,
          family_name: a.familyName,
          given_name_norm: normaliseName(a.givenName),
          family_name_norm: normaliseName(a.familyName),
          date_of_birth: a.dateOfBirth,
          ni_number: a.niNumber,
          email,
          email_norm: email.toLowerCase(),
          mobile: `07700900${String(131 + i).padStart(3, '0')}`,
          applicant_provides_address: 0,
          address_line1: 'Ward 7, Training General Hospital',
          address_line2: '1 Infirmary Street',
          address_town: 'Leeds',
          address_postcode: 'LS1 3EX',
          access_kind: 'position',
          position_id: place.positionId,
          notes: 'Starting on ward 7 as a staff nurse.',
          status: 'in-progress',
          status_changed_at: raisedAt,
          invites_sent: 1,
          last_invited_at: raisedAt,
          last_activity_at: raisedAt,
          ...a.fields(at, { sponsor, ra, approved, duplicate }),
        })
        .execute();
    }
  });
}

/** A personal address at a reserved domain: applicants are not yet NHS staff, and nothing is ever delivered there. */
const applicantEmail = (given: string, family: string): string => `${normaliseName(given)}.${normaliseName(family).replace(/[^a-z]/g, '')}@applicant.example`;
