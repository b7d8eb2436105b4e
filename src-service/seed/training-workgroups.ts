import { appendAudit } from '../audit/audit-log.js';
import { addDays, utcDate } from '../cim/dates.js';
import { normaliseSearch } from '../cim/find-users.js';
import { workgroupSubject } from '../cim/workgroups-read.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { PERSONAS, type PersonaKey } from './personas.js';

// Workgroups at the training organisations, with personas as members, so a trainee RA manager
// finds something on the workgroup pages before making their own: an RA team at the trust, two
// ward teams at the hospital (one member with an end date) and a closed one with its history.
// Written once, on the first start after the personas; each change is audited (by 'system') so
// the workgroup pages show its history as they would for one made by hand.

interface SeedWorkgroup {
  readonly orgCode: string;
  readonly name: string;
  readonly description: string;
  /** Members, each from `start` days before today, for `days` days or with no end. */
  readonly members: readonly { readonly key: PersonaKey; readonly start: number; readonly days?: number }[];
  readonly closed?: true;
}

const TRAINING_WORKGROUPS: readonly SeedWorkgroup[] = [
  {
    orgCode: 'RZZ',
    name: 'Registration Authority team',
    description: 'RA managers, agents and smartcard administrators of the Training NHS Trust.',
    members: [
      { key: 'ra-manager', start: 60 },
      { key: 'ra-agent', start: 30 },
      { key: 'lsa', start: 30 },
    ],
  },
  {
    orgCode: 'RZZ01',
    name: 'Ward 7 nursing team',
    description: 'Nurses and the ward manager of ward 7 at Training General Hospital.',
    members: [
      { key: 'sponsor', start: 45 },
      { key: 'locked-card', start: 10, days: 90 },
    ],
  },
  {
    orgCode: 'RZZ01',
    name: 'Outpatient clinicians',
    description: 'Clinicians who run the outpatient clinics at Training General Hospital.',
    members: [
      { key: 'clinician', start: 20 },
      { key: 'card-expired', start: 5 },
    ],
  },
  {
    orgCode: 'RZZ',
    name: 'Winter vaccination team',
    description: 'Staff who ran last winter’s vaccination clinics.',
    members: [{ key: 'clinician', start: 120 }],
    closed: true,
  },
];

const SEED_ACTOR = 'system';
const SEED_WORKSTATION = 'training-seed';

/** Writes the training workgroups unless the first of them is there already. */
export async function seedTrainingWorkgroups(db: Db, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const first = TRAINING_WORKGROUPS[0] as SeedWorkgroup;
    const there = await trx
      .selectFrom('workgroups as w')
      .innerJoin('organisations as o', 'o.id', 'w.org_id')
      .select('w.id')
      .where('o.code', '=', first.orgCode)
      .where('w.name_norm', '=', normaliseSearch(first.name))
      .executeTakeFirst();
    if (there) return;
    const manager = await trx.selectFrom('users').select('id').where('uuid', '=', personaUuid('ra-manager')).executeTakeFirstOrThrow();
    const today = utcDate(now);
    for (const seed of TRAINING_WORKGROUPS) await writeWorkgroup(trx, seed, manager.id, now, today);
  });
}

const personaUuid = (key: PersonaKey): string => (PERSONAS.find((p) => p.key === key) as { uuid: string }).uuid;

async function writeWorkgroup(trx: Db, seed: SeedWorkgroup, managerId: number, now: Date, today: string): Promise<void> {
  const org = await trx.selectFrom('organisations').select('id').where('code', '=', seed.orgCode).executeTakeFirstOrThrow();
  const at = now.toISOString();
  const { id } = await trx
    .insertInto('workgroups')
    .values({ org_id: org.id, name: seed.name, name_norm: normaliseSearch(seed.name), description: seed.description, created_at: at, created_by: managerId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const audit = (action: string, details: Record<string, unknown>) =>
    appendAudit(trx, { action, actor: SEED_ACTOR, subject: workgroupSubject(id), workstationId: SEED_WORKSTATION, details: { workgroupId: id, ...details } }, now);
  await audit('workgroup.created', { organisationCode: seed.orgCode, name: seed.name });
  for (const member of seed.members) {
    const userUuid = personaUuid(member.key);
    const user = await trx.selectFrom('users').select('id').where('uuid', '=', userUuid).executeTakeFirstOrThrow();
    const startDate = addDays(today, -member.start) as string;
    const endDate = member.days === undefined ? null : (addDays(startDate, member.days) as string);
    const { id: assignmentId } = await trx
      .insertInto('workgroup_assignments')
      .values({ workgroup_id: id, user_id: user.id, start_date: startDate, end_date: seed.closed ? today : endDate, assigned_by: managerId, assigned_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit('workgroup.assigned', { assignmentId, userUuid, startDate, endDate });
  }
  if (seed.closed) {
    await trx.updateTable('workgroups').set({ closed_at: at, closed_by: managerId }).where('id', '=', id).execute();
    await audit('workgroup.closed', { endedAssignments: seed.members.length });
  }
}
