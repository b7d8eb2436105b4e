import { normaliseName } from '../cim/normalise-name.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { SeedCalendar, todayUtc } from './calendar.js';
import { FAMILY_NAMES, GIVEN_NAMES } from './names.js';
import { personaByKey, PERSONAS } from './personas.js';
import { DIRECTORATE_POSITIONS, GP_PRACTICE_POSITIONS, type PositionTemplate } from './position-templates.js';
import { randomUuid, seededRandom, WeightedPicker, zipfWeights, type Random } from './prng.js';

// The training directory around the personas, so "Find an existing user", "Find an organisation"
// and the profiles have something to show: under the Training NHS Trust a second and third site,
// clinical directorates at each, two more GP practices, a few hundred people in their positions
// (some with a second post, some with posts that ended), a few workgroups, and one bank nurse
// with 50 assignments (the long profile). Drawn from a fixed seed, so every training start
// writes the same people; dates count from the day it is written, so "current" stays current.

const SEED = 20_240_401;
const PEOPLE = 320;
/** The bank nurse's assignments: one a month back four years, the last few still running. */
const LONG_PROFILE_ASSIGNMENTS = 50;

interface TrainingPlace {
  readonly code: string;
  readonly name: string;
  readonly kind: 'site' | 'directorate' | 'gp-practice';
  readonly parentCode: string;
  readonly positions?: readonly PositionTemplate[];
}

/** Codes follow ODS: sites are the trust's code and two digits, practices Y and five digits. */
const PLACES: readonly TrainingPlace[] = [
  { code: 'RZZ02', name: 'Training Community Hospital', kind: 'site', parentCode: 'RZZ' },
  { code: 'RZZ03', name: 'Training Eye Centre', kind: 'site', parentCode: 'RZZ' },
  { code: 'RZZ01MED', name: 'Training General Hospital Medicine', kind: 'directorate', parentCode: 'RZZ01', positions: DIRECTORATE_POSITIONS },
  { code: 'RZZ01SUR', name: 'Training General Hospital Surgery', kind: 'directorate', parentCode: 'RZZ01', positions: DIRECTORATE_POSITIONS },
  { code: 'RZZ01WAC', name: "Training General Hospital Women's and Children's", kind: 'directorate', parentCode: 'RZZ01', positions: DIRECTORATE_POSITIONS },
  { code: 'RZZ02COM', name: 'Training Community Nursing', kind: 'directorate', parentCode: 'RZZ02', positions: DIRECTORATE_POSITIONS },
  { code: 'RZZ02REH', name: 'Training Rehabilitation Services', kind: 'directorate', parentCode: 'RZZ02', positions: DIRECTORATE_POSITIONS },
  { code: 'RZZ03OPH', name: 'Training Ophthalmology', kind: 'directorate', parentCode: 'RZZ03', positions: DIRECTORATE_POSITIONS },
  { code: 'Y99902', name: 'Training Park Surgery', kind: 'gp-practice', parentCode: 'RZZ', positions: GP_PRACTICE_POSITIONS },
  { code: 'Y99903', name: 'Training Riverside Medical Centre', kind: 'gp-practice', parentCode: 'RZZ', positions: GP_PRACTICE_POSITIONS },
];

const WORKGROUPS: readonly { name: string; orgCode: string; description: string }[] = [
  { name: 'Acute Medical Unit nurses', orgCode: 'RZZ01MED', description: 'Nurses who work shifts on the Acute Medical Unit.' },
  { name: 'Theatre team', orgCode: 'RZZ01SUR', description: 'Everyone on the theatre rota.' },
  { name: 'District nursing north', orgCode: 'RZZ02COM', description: 'District nurses covering the north patch.' },
];

/** The long profile: a bank nurse who has worked on many wards. */
const BANK_NURSE = { given: 'Kemi', family: 'Adeyemi-Ward', uuid: 'c1a55e00-0000-4000-8000-000000000050' };

// Persona surnames are left out, so a search for a persona by name finds only them.
const PERSONA_FAMILIES = new Set(PERSONAS.map((p) => p.familyName));
const FAMILIES = FAMILY_NAMES.filter((f) => !PERSONA_FAMILIES.has(f));

interface Post {
  readonly id: number;
  readonly template: PositionTemplate;
}

/**
 * Writes the training directory once (its first site marks it written). Expects the training
 * trust, hospital and first practice (personas.ts) to be there already.
 */
export async function seedTrainingDirectory(db: Db): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (await trx.selectFrom('organisations').select('id').where('code', '=', PLACES[0]?.code ?? '').executeTakeFirst()) return;
    const random = seededRandom(SEED);
    const calendar = new SeedCalendar(todayUtc());
    const orgs = new Map<string, { id: number; path: string }>();
    for (const row of await trx.selectFrom('organisations').select(['id', 'code', 'path']).where('code', 'in', ['RZZ', 'RZZ01', 'Y99901']).execute()) orgs.set(row.code, row);
    if (orgs.size !== 3) return;

    const posts = new Map<string, Post[]>();
    for (const place of PLACES) {
      const parent = orgs.get(place.parentCode) as { id: number; path: string };
      const { id } = await trx
        .insertInto('organisations')
        .values({ code: place.code, name: place.name, name_norm: normaliseName(place.name), kind: place.kind, parent_id: parent.id, path: '' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const path = `${parent.path}${id}/`;
      await trx.updateTable('organisations').set({ path }).where('id', '=', id).execute();
      orgs.set(place.code, { id, path });
      const here: Post[] = [];
      for (const template of place.positions ?? []) {
        if (!template.always && !random.chance(0.7)) continue;
        const row = await trx
          .insertInto('positions')
          .values({ org_id: id, title: template.title, job_role: template.jobRole, roles: template.roles.join(','), assignable: template.restricted ? 0 : 1 })
          .returning('id')
          .executeTakeFirstOrThrow();
        here.push({ id: row.id, template });
      }
      if (here.length > 0) posts.set(place.code, here);
    }

    const staffed = [...posts.keys()];
    const familyPicker = new WeightedPicker(zipfWeights(FAMILIES.length, 0.9));
    const givenPicker = new WeightedPicker(zipfWeights(GIVEN_NAMES.length, 0.7));
    const postAt = (r: Random, code: string): Post => {
      const list = posts.get(code) as Post[];
      return list[new WeightedPicker(list.map((p) => p.template.weight)).index(r)] as Post;
    };
    const people: number[] = [];
    const insertPerson = async (given: string, family: string, uuid: string, n: number, homeCode: string, joinedDaysAgo: number): Promise<number> => {
      const { id } = await trx
        .insertInto('users')
        .values({
          uuid,
          given_name: given,
          family_name: family,
          family_name_norm: normaliseName(family),
          given_name_norm: normaliseName(given),
          // The prefix kept for training people (ni-numbers.ts): no seeded user shares these.
          ni_number: `TR${String(100_000 + n).padStart(6, '0')}B`,
          email: `${emailPart(given)}.${emailPart(family)}${n}.training@nhs.net`,
          mobile: random.chance(0.7) ? `07700900${String(random.int(1000)).padStart(3, '0')}` : null,
          status: 'open',
          home_org_id: (orgs.get(homeCode) as { id: number }).id,
          created_at: calendar.dateTime(-joinedDaysAgo, random.int(86_400)),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    };
    const assign = (userId: number, post: Post, start: string, end: string | null) =>
      trx.insertInto('position_assignments').values({ user_id: userId, position_id: post.id, start_date: start, end_date: end }).execute();

    for (let n = 1; n <= PEOPLE; n++) {
      const home = random.pick(staffed);
      const joined = 30 + random.int(10 * 365);
      const userId = await insertPerson(GIVEN_NAMES[givenPicker.index(random)] as string, FAMILIES[familyPicker.index(random)] as string, randomUuid(random), n, home, joined);
      people.push(userId);
      await assign(userId, postAt(random, home), calendar.date(-joined), null);
      if (random.chance(0.2)) await assign(userId, postAt(random, random.pick(staffed)), calendar.date(-random.int(joined)), random.chance(0.5) ? null : calendar.date(30 + random.int(365)));
      if (random.chance(0.15)) {
        const ended = 1 + random.int(2 * 365);
        await assign(userId, postAt(random, random.pick(staffed)), calendar.date(-ended - 60 - random.int(365)), calendar.date(-ended));
      }
    }

    // The long profile: a month on each ward in turn, back four years; the last three still run.
    const nurse = await insertPerson(BANK_NURSE.given, BANK_NURSE.family, BANK_NURSE.uuid, PEOPLE + 1, 'RZZ01MED', 5 * 365);
    const directorates = PLACES.filter((p) => p.kind === 'directorate').map((p) => p.code);
    for (let i = 0; i < LONG_PROFILE_ASSIGNMENTS; i++) {
      const monthsAgo = LONG_PROFILE_ASSIGNMENTS - i;
      const running = i >= LONG_PROFILE_ASSIGNMENTS - 3;
      const start = -monthsAgo * 30;
      await assign(nurse, postAt(random, directorates[i % directorates.length] as string), calendar.date(start), running ? null : calendar.date(start + 29));
    }

    // The workgroups were set up by the trust's RA manager.
    const creator = await trx.selectFrom('users').select('id').where('uuid', '=', personaByKey('ra-manager').uuid).executeTakeFirst();
    if (!creator) return;
    for (const [i, group] of WORKGROUPS.entries()) {
      const { id: workgroupId } = await trx
        .insertInto('workgroups')
        .values({
          org_id: (orgs.get(group.orgCode) as { id: number }).id,
          name: group.name,
          name_norm: normaliseName(group.name),
          description: group.description,
          created_at: calendar.dateTime(-400, 36_000),
          created_by: creator.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const members = [nurse, ...people.filter((_, k) => k % WORKGROUPS.length === i).slice(0, 12)];
      for (const userId of members) {
        await trx
          .insertInto('workgroup_assignments')
          .values({ workgroup_id: workgroupId, user_id: userId, start_date: calendar.date(-300), end_date: null, assigned_by: creator.id, assigned_at: calendar.dateTime(-300, 36_000) })
          .execute();
      }
    }
  });
}

const emailPart = (name: string): string => normaliseName(name).replace(/[^a-z-]/g, '');
