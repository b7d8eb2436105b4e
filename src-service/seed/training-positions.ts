import { POSITION_TERM_DAYS } from '../../src-shared/api/service-cim.js';
import { addDays, utcDate } from '../cim/dates.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { personaByKey, type PersonaKey } from './personas.js';

// Access positions for training: a range of positions at the training organisations (some that
// sponsors may assign, some only RA staff, one closed), and a few requests waiting in the
// Position Request List for the RA and sponsor personas to grant or reject. Written once: a
// training database that has them already is left as it is.

interface TrainingPosition {
  readonly org: 'RZZ' | 'RZZ01' | 'Y99901';
  readonly title: string;
  readonly jobRole: string;
  readonly assignable: boolean;
  readonly closed?: true;
}

export const TRAINING_POSITIONS: readonly TrainingPosition[] = [
  { org: 'RZZ01', title: 'Healthcare Assistant', jobRole: 'Admin/Clinical Support Access Role', assignable: true },
  { org: 'RZZ01', title: 'Ward Clerk', jobRole: 'Admin/Clinical Support Access Role', assignable: true },
  { org: 'RZZ01', title: 'Bank Staff Nurse', jobRole: 'Nurse Access Role', assignable: true },
  { org: 'RZZ01', title: 'Discharge Coordinator', jobRole: 'Nurse Access Role', assignable: true },
  { org: 'RZZ01', title: 'Pharmacist', jobRole: 'Clinical Practitioner Access Role', assignable: false },
  { org: 'RZZ01', title: 'Theatre Practitioner', jobRole: 'Clinical Practitioner Access Role', assignable: false },
  { org: 'RZZ01', title: 'Foundation Doctor', jobRole: 'Clinical Practitioner Access Role', assignable: false },
  { org: 'RZZ01', title: 'Night Sister (old rota)', jobRole: 'Nurse Access Role', assignable: true, closed: true },
  { org: 'RZZ', title: 'Medical Records Clerk', jobRole: 'Admin/Clinical Support Access Role', assignable: true },
  { org: 'RZZ', title: 'Information Governance Lead', jobRole: 'Admin/Clinical Support Access Role', assignable: false },
  { org: 'Y99901', title: 'Practice Receptionist', jobRole: 'Admin/Clinical Support Access Role', assignable: true },
  { org: 'Y99901', title: 'GP Partner', jobRole: 'Clinical Practitioner Access Role', assignable: false },
];

/** Waiting requests: who asks, for whom, which position, starting how many days after seeding. */
const TRAINING_REQUESTS: readonly { by: PersonaKey; for: PersonaKey; title: string; inDays: number }[] = [
  { by: 'clinician', for: 'clinician', title: 'Bank Staff Nurse', inDays: 7 },
  { by: 'clinician', for: 'clinician', title: 'Pharmacist', inDays: 14 },
  { by: 'sponsor', for: 'locked-card', title: 'Ward Clerk', inDays: 3 },
  { by: 'sponsor', for: 'card-near-expiry', title: 'Theatre Practitioner', inDays: 10 },
  { by: 'card-expired', for: 'card-expired', title: 'Healthcare Assistant', inDays: 1 },
];

/** Writes the training positions and waiting requests, unless they are there already. */
export async function seedTrainingPositions(db: Db, now = new Date()): Promise<void> {
  await inTransaction(db, async (trx) => {
    const orgs = await trx.selectFrom('organisations').select(['id', 'code']).where('code', 'in', ['RZZ', 'RZZ01', 'Y99901']).execute();
    const orgId = new Map(orgs.map((o) => [o.code, o.id]));
    const marker = TRAINING_POSITIONS[0] as TrainingPosition;
    const present = await trx.selectFrom('positions').select('id').where('org_id', '=', orgId.get(marker.org) ?? -1).where('title', '=', marker.title).executeTakeFirst();
    if (present || orgId.size < 3) return;
    const ids = new Map<string, number>();
    for (const p of TRAINING_POSITIONS) {
      const { id } = await trx
        .insertInto('positions')
        .values({ org_id: orgId.get(p.org) as number, title: p.title, job_role: p.jobRole, roles: '', assignable: p.assignable ? 1 : 0, closed: p.closed ? 1 : 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(p.title, id);
    }
    const people = await trx.selectFrom('users').select(['id', 'uuid']).where('uuid', 'in', TRAINING_REQUESTS.flatMap((r) => [personaByKey(r.by).uuid, personaByKey(r.for).uuid])).execute();
    const userId = new Map(people.map((u) => [u.uuid, u.id]));
    const today = utcDate(now);
    for (const [i, r] of TRAINING_REQUESTS.entries()) {
      const start = addDays(today, r.inDays) as string;
      await trx
        .insertInto('position_requests')
        .values({
          user_id: userId.get(personaByKey(r.for).uuid) as number,
          position_id: ids.get(r.title) as number,
          start_date: start,
          end_date: addDays(start, POSITION_TERM_DAYS) as string,
          requested_by: userId.get(personaByKey(r.by).uuid) as number,
          // A few minutes apart, oldest first, as the list shows them.
          requested_at: new Date(now.getTime() - (TRAINING_REQUESTS.length - i) * 600_000).toISOString(),
        })
        .execute();
    }
  });
}
