import { randomBytes, randomUUID } from 'node:crypto';
import { addDays, utcDate } from '../cim/dates.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { normaliseName } from '../cim/normalise-name.js';
import { personaByKey } from './personas.js';

// Something for trainees to find in Reports: staff at the training organisations with positions,
// smartcards expiring over the coming weeks (some locked), unlocks and renewals of the last few
// weeks, self-service and by the training sponsor, pending position requests, and profiles
// created lately. Written once, beside the personas, when training mode starts on a new
// directory; dated from `now`, so "expiring within 30 days" always has rows.

const GIVEN = ['Aisha', 'Ben', 'Chloe', 'Dev', 'Elif', 'Finn', 'Gita', 'Hamid', 'Isla', 'Jon', 'Kemi', 'Liam', 'Maya', 'Noah'];
const FAMILY = ['Ahmed', 'Brown', 'Clarke', 'Davies', 'Edwards', 'Fraser', 'Green', 'Hughes', 'Iqbal', 'Jones', 'Khan', 'Lewis'];
/** Where they work: organisation code and position. */
const POSTS = [
  ['RZZ01', 'Staff Nurse', 'Nurse Access Role'],
  ['RZZ01', 'Healthcare Assistant', 'Admin/Clinical Support Access Role'],
  ['Y99901', 'Practice Nurse', 'Nurse Access Role'],
  ['RZZ', 'Ward Clerk', 'Admin/Clinical Support Access Role'],
] as const;
export const TRAINING_REPORT_PEOPLE = 40;
/** The first of them, whose presence says the step has run. */
const MARKER_NI = 'TR900000A';
const DAY_MS = 86_400_000;

export async function seedTrainingReports(db: Db, now = new Date()): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (await trx.selectFrom('users').select('id').where('ni_number', '=', MARKER_NI).executeTakeFirst()) return;
    const orgs = new Map((await trx.selectFrom('organisations').select(['id', 'code']).where('code', 'in', ['RZZ', 'RZZ01', 'Y99901']).execute()).map((o) => [o.code, o.id]));
    const sponsor = await trx.selectFrom('users').select('id').where('uuid', '=', personaByKey('sponsor').uuid).executeTakeFirst();
    const today = utcDate(now);
    const positions: number[] = [];
    for (const [code, title, jobRole] of POSTS) {
      const orgId = orgs.get(code);
      if (orgId === undefined) return;
      // The same post at the same organisation is one position (a persona's, or the training positions'), never a second of that title.
      const there = await trx.selectFrom('positions').select('id').where('org_id', '=', orgId).where('title', '=', title).where('closed', '=', 0).executeTakeFirst();
      positions.push(there?.id ?? (await trx.insertInto('positions').values({ org_id: orgId, title, job_role: jobRole, roles: '', assignable: 1 }).returning('id').executeTakeFirstOrThrow()).id);
    }
    // A few multi-row inserts rather than one a row: training mode starts with this.
    const people = Array.from({ length: TRAINING_REPORT_PEOPLE }, (_, i) => {
      const post = i % POSTS.length;
      const [homeCode] = POSTS[post] as (typeof POSTS)[number];
      const given = GIVEN[i % GIVEN.length] as string;
      const family = FAMILY[(i * 5) % FAMILY.length] as string;
      return { i, post, homeCode, given, family, at: now.getTime() - (2 + (i % 20)) * DAY_MS };
    });
    const users = await trx
      .insertInto('users')
      .values(
        people.map(({ i, homeCode, given, family }) => ({
          uuid: randomUUID(),
          given_name: given,
          family_name: family,
          given_name_norm: normaliseName(given),
          family_name_norm: normaliseName(family),
          ni_number: `TR9${String(i).padStart(5, '0')}A`,
          email: `${given}.${family}.${i}.training@nhs.net`.toLowerCase(),
          mobile: null,
          status: 'open' as const,
          home_org_id: orgs.get(homeCode) as number,
          created_at: new Date(now.getTime() - (i + 1) * 1.5 * DAY_MS).toISOString(),
        })),
      )
      .returning('id')
      .execute();
    const userIds = users.map((u) => u.id).sort((a, b) => a - b);
    const userOf = (i: number): number => userIds[i] as number;
    await trx
      .insertInto('position_assignments')
      .values(people.map(({ i, post }) => ({ user_id: userOf(i), position_id: positions[post] as number, start_date: addDays(today, -30 - i) as string })))
      .execute();
    const issued = new Date(now.getTime() - 700 * DAY_MS).toISOString();
    const cards = await trx
      .insertInto('cards')
      .values(people.map(({ i }) => ({ uuid: randomUUID(), serial: 7_300_000 + i, user_id: userOf(i), status: i % 9 === 4 ? ('locked' as const) : ('active' as const), algorithm: 'p256' as const, created_at: issued })))
      .returning('id')
      .execute();
    const cardIds = cards.map((c) => c.id).sort((a, b) => a - b);
    const cardOf = (i: number): number => cardIds[i] as number;
    // Expiring from tomorrow to about four months out, a few days apart.
    await trx
      .insertInto('certificates')
      .values(people.map(({ i }) => ({ serial: `TRNRPT${i}`, card_id: cardOf(i), der: null, not_before: issued, not_after: new Date(now.getTime() + (1 + ((i * 3) % 120)) * DAY_MS).toISOString(), revoked_at: null, revocation_reason: null })))
      .execute();
    await trx
      .insertInto('card_unlocks')
      .values(
        people
          .filter(({ i }) => i % 5 === 0)
          .map(({ i, at }) => {
            const bySponsor = i % 10 === 0 && sponsor !== undefined;
            return { unlock_hash: randomBytes(32), card_id: cardOf(i), kind: bySponsor ? ('sponsor' as const) : ('self' as const), workstation_id: 'training', sponsor_user_id: bySponsor ? sponsor.id : null, status: 'committed' as const, created_at: at - 600_000, committed_at: at };
          }),
      )
      .execute();
    await trx
      .insertInto('card_renewals')
      .values(
        people
          .filter(({ i }) => i % 7 === 3)
          .map(({ i, at }) => ({ renewal_hash: randomBytes(32), card_id: cardOf(i), kind: 'self' as const, workstation_id: 'training', sponsor_user_id: null, status: 'confirmed' as const, created_at: at - 600_000, expires_at: at + 600_000, confirmed_at: at })),
      )
      .execute();
    await trx
      .insertInto('position_requests')
      .values(
        people
          .filter(({ i }) => i % 8 === 1)
          .map(({ i, post, at }) => ({ user_id: userOf(i), position_id: positions[(post + 1) % POSTS.length] as number, start_date: today, end_date: addDays(today, 365) as string, requested_by: userOf(i), requested_at: new Date(at).toISOString() })),
      )
      .execute();
  });
}
