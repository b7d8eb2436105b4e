import type { RoleCode } from '../../src-shared/domain/roles.js';
import { normaliseName } from '../cim/normalise-name.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { SeedError } from './seed-error.js';

// The training personas: fixed people in a fixed "Training" organisation subtree, one for each
// part a trainee plays or meets (a clinician, a sponsor, a local smartcard administrator, an RA
// agent and manager, three clinicians whose cards need attention: near expiry, locked,
// expired, and an ID checker for Apply for Care ID). Their UUIDs, NI numbers
// and organisation codes never change, so the card factory (src-service/ca/) and training mode
// can make their cards and scripts can name them. This file only writes their profiles,
// positions and assignments: they get no cards here.

type TrainingOrgKind = 'trust' | 'site' | 'gp-practice';

export interface TrainingOrganisation {
  readonly code: string;
  readonly name: string;
  readonly kind: TrainingOrgKind;
  /** Parent within the training subtree; null for its top (the trust). */
  readonly parentCode: string | null;
}

/** The trust, one of its hospital sites, and a GP practice under the trust (so scope reaches it). */
export const TRAINING_ORGANISATIONS: readonly TrainingOrganisation[] = [
  { code: 'RZZ', name: 'Training NHS Trust', kind: 'trust', parentCode: null },
  { code: 'RZZ01', name: 'Training General Hospital', kind: 'site', parentCode: 'RZZ' },
  { code: 'Y99901', name: 'Training Medical Practice', kind: 'gp-practice', parentCode: 'RZZ' },
];

/** The training trust hangs under this organisation when the directory has it (the synthetic national root). */
const TRAINING_PARENT_CODE = 'X24';

export type PersonaKey = 'clinician' | 'sponsor' | 'lsa' | 'ra-agent' | 'ra-manager' | 'card-near-expiry' | 'locked-card' | 'card-expired' | 'id-checker';

export interface Persona {
  readonly key: PersonaKey;
  /** What training mode calls them. */
  readonly roleLabel: string;
  readonly givenName: string;
  readonly familyName: string;
  /** As the directory shows it: given name, then family name. */
  readonly name: string;
  readonly uuid: string;
  /** RA roles their position carries (none for the clinicians). */
  readonly roles: readonly RoleCode[];
  readonly orgCode: string;
  readonly positionTitle: string;
  readonly jobRole: string;
  readonly email: string;
  readonly mobile: string;
  readonly niNumber: string;
  /** The state the card factory should give their card. */
  readonly card: 'active' | 'near-expiry' | 'locked' | 'expired';
}

const emailPart = (name: string): string => normaliseName(name).replace(/[^a-z-]/g, '');

const persona = (
  n: number,
  key: PersonaKey,
  roleLabel: string,
  givenName: string,
  familyName: string,
  roles: RoleCode[],
  orgCode: string,
  positionTitle: string,
  jobRole: string,
  card: Persona['card'] = 'active',
): Persona => ({
  key,
  roleLabel,
  givenName,
  familyName,
  name: `${givenName} ${familyName}`,
  uuid: `c1a55e00-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  roles,
  orgCode,
  positionTitle,
  jobRole,
  // An NHS address (self-service unlock needs one), marked so it cannot be a seeded user's.
  email: `${emailPart(givenName)}.${emailPart(familyName)}.training@nhs.net`,
  // Ofcom's range for drama and training: never a real subscriber.
  mobile: `07700900${String(n).padStart(3, '0')}`,
  niNumber: `TR${String(n).padStart(6, '0')}A`,
  card,
});

export const PERSONAS: readonly Persona[] = [
  persona(1, 'clinician', 'Clinician', 'Amelia', 'Hart', [], 'RZZ01', 'Consultant', 'Clinical Practitioner Access Role'),
  persona(2, 'sponsor', 'Sponsor', 'Grace', 'Okafor', ['S'], 'RZZ01', 'Ward Manager', 'Nurse Access Role'),
  persona(3, 'lsa', 'Local Smartcard Administrator', 'Tom', 'Bradley', ['LSA'], 'RZZ', 'IT Service Desk Analyst', 'Admin/Clinical Support Access Role'),
  persona(4, 'ra-agent', 'RA Agent', 'Priya', 'Patel', ['RAA'], 'RZZ', 'Registration Authority Agent', 'Registration Authority Access Role'),
  persona(5, 'ra-manager', 'RA Manager', 'Seán', "O'Connor", ['RAM'], 'RZZ', 'Registration Authority Manager', 'Registration Authority Access Role'),
  persona(6, 'card-near-expiry', 'Card near expiry', 'Zoë', 'Smith-Jones', [], 'Y99901', 'Salaried GP', 'Clinical Practitioner Access Role', 'near-expiry'),
  persona(7, 'locked-card', 'Locked card', 'Rhys', 'Evans', [], 'RZZ01', 'Staff Nurse', 'Nurse Access Role', 'locked'),
  // Renewed only by RA staff, in person: a sponsor or LSA is refused, an RA agent renews it.
  persona(8, 'card-expired', 'Card expired', 'Nia', 'Roberts', [], 'RZZ01', 'Physiotherapist', 'Clinical Practitioner Access Role', 'expired'),
  // Checks Apply for Care ID applicants' identity documents and approves them (seed 003).
  persona(9, 'id-checker', 'ID Checker', 'Imran', 'Qureshi', ['IDC'], 'RZZ', 'ID Checker', 'Registration Authority Access Role'),
];

export const personaByKey = (key: PersonaKey): Persona => PERSONAS.find((p) => p.key === key) as Persona;

export interface SeededPersona {
  readonly persona: Persona;
  readonly userId: number;
  readonly positionId: number;
  readonly orgId: number;
}

// Fixed, so the personas are the same rows in every database they are written to.
const CREATED_AT = '2024-04-01T09:00:00.000Z';
const START_DATE = '2024-04-01';

/**
 * Writes the training subtree and the personas, or finds them when they are there already (so
 * training mode can call this on every start). A database written before later personas were
 * added (the first ones present, the newer ones missing) gets the missing ones. Throws when the
 * personas present are not such a beginning of the list: that database was changed by hand and
 * guessing would hide it.
 */
export async function seedPersonas(db: Db): Promise<SeededPersona[]> {
  const known = new Set(
    (
      await db
        .selectFrom('users')
        .select('uuid')
        .where(
          'uuid',
          'in',
          PERSONAS.map((p) => p.uuid),
        )
        .execute()
    ).map((r) => r.uuid),
  );
  const present = known.size;
  if (present !== 0 && PERSONAS.slice(0, present).some((p) => !known.has(p.uuid))) {
    throw new SeedError(`only ${present} of the ${PERSONAS.length} training personas are in this database, and not the first ${present}`);
  }
  if (present === 0) await inTransaction(db, (trx) => insertPersonas(trx));
  else if (present < PERSONAS.length) await inTransaction(db, (trx) => addPersonas(trx, PERSONAS.slice(present)));
  return Promise.all(
    PERSONAS.map(async (persona) => {
      const row = await db
        .selectFrom('users as u')
        .innerJoin('position_assignments as pa', 'pa.user_id', 'u.id')
        .innerJoin('positions as p', 'p.id', 'pa.position_id')
        .innerJoin('organisations as o', 'o.id', 'p.org_id')
        .select(['u.id as userId', 'p.id as positionId', 'o.id as orgId'])
        .where('u.uuid', '=', persona.uuid)
        .where('p.title', '=', persona.positionTitle)
        .where('o.code', '=', persona.orgCode)
        .orderBy('pa.id')
        .limit(1)
        .executeTakeFirst();
      if (!row) throw new Error(`training persona ${persona.key} has lost their position`);
      return { persona, ...row };
    }),
  );
}

/** Personas added since the database was seeded, into the training organisations already there. */
async function addPersonas(trx: Db, missing: readonly Persona[]): Promise<void> {
  const orgs = new Map<string, { id: number }>();
  for (const o of TRAINING_ORGANISATIONS) {
    const row = await trx.selectFrom('organisations').select('id').where('code', '=', o.code).executeTakeFirst();
    if (!row) throw new SeedError(`the training organisation ${o.code} is missing from this database`);
    orgs.set(o.code, row);
  }
  const positions = new Map<string, number>();
  for (const p of missing) {
    const row = await trx
      .selectFrom('positions')
      .select('id')
      .where('org_id', '=', (orgs.get(p.orgCode) as { id: number }).id)
      .where('title', '=', p.positionTitle)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (row) positions.set(`${p.orgCode}/${p.positionTitle}`, row.id);
  }
  await insertPeople(trx, missing, orgs, positions);
}

async function insertPersonas(trx: Db): Promise<void> {
  const parent = await trx.selectFrom('organisations').select(['id', 'path']).where('code', '=', TRAINING_PARENT_CODE).executeTakeFirst();
  const orgs = new Map<string, { id: number; path: string }>();
  for (const o of TRAINING_ORGANISATIONS) {
    const above = o.parentCode === null ? parent : orgs.get(o.parentCode);
    // The path needs the new row's id, so it is written in a second step.
    const { id } = await trx
      .insertInto('organisations')
      .values({ code: o.code, name: o.name, name_norm: normaliseName(o.name), kind: o.kind, parent_id: above?.id ?? null, path: '' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const path = `${above?.path ?? '/'}${id}/`;
    await trx.updateTable('organisations').set({ path }).where('id', '=', id).execute();
    orgs.set(o.code, { id, path });
  }
  await insertPeople(trx, PERSONAS, orgs, new Map());
}

async function insertPeople(trx: Db, people: readonly Persona[], orgs: ReadonlyMap<string, { id: number }>, positions: Map<string, number>): Promise<void> {
  for (const p of people) {
    const org = orgs.get(p.orgCode) as { id: number };
    const positionKey = `${p.orgCode}/${p.positionTitle}`;
    let positionId = positions.get(positionKey);
    if (positionId === undefined) {
      // RA positions are kept by the RA team: a sponsor may not hand them out.
      positionId = (
        await trx
          .insertInto('positions')
          .values({ org_id: org.id, title: p.positionTitle, job_role: p.jobRole, roles: p.roles.join(','), assignable: p.roles.some((r) => r !== 'S' && r !== 'LSA') ? 0 : 1 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      positions.set(positionKey, positionId);
    }
    const { id: userId } = await trx
      .insertInto('users')
      .values({
        uuid: p.uuid,
        given_name: p.givenName,
        family_name: p.familyName,
        family_name_norm: normaliseName(p.familyName),
        given_name_norm: normaliseName(p.givenName),
        ni_number: p.niNumber,
        email: p.email,
        mobile: p.mobile,
        status: 'open',
        home_org_id: org.id,
        created_at: CREATED_AT,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('position_assignments').values({ user_id: userId, position_id: positionId, start_date: START_DATE }).execute();
  }
}
