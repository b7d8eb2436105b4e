import { importEsrFile } from '../cim/requests-esr-import.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import TRAINING_ESR from './training-esr.json' with { type: 'json' };
import { personaByKey } from './personas.js';

// Something waiting in Requests for a trainee RA agent: the sponsor Grace Okafor's request to
// change Nia Roberts's email address (her close request is seeded with the training users,
// training-users.ts), and the ESR file training-esr.json (also the example of the format in docs/esr-feed.md): two new starters
// to accept or reject, one person who already has a profile (Rhys Evans), and a new mobile
// number for Zoë Smith-Jones. Written once, after the personas (training start), into the
// service's own database (its audit key loaded); a later start finds them.

const REQUESTED_AT = '2024-05-01T09:00:00.000Z';

async function idOf(db: Db, uuid: string): Promise<number | undefined> {
  return (await db.selectFrom('users').select('id').where('uuid', '=', uuid).executeTakeFirst())?.id;
}

export async function seedTrainingRequests(db: Db): Promise<void> {
  const [sponsor, changed] = await Promise.all([personaByKey('sponsor'), personaByKey('card-expired')].map((p) => idOf(db, p.uuid)));
  if (sponsor === undefined || changed === undefined) return;
  const seeded = await db.selectFrom('esr_requests').select('id').where('esr_id', '=', TRAINING_ESR[0]?.esrId ?? '').executeTakeFirst();
  if (seeded) return;
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('detail_change_requests')
      .values({ user_id: changed, changes: JSON.stringify({ email: 'nia.roberts.physio@nhs.net' }), requested_by: sponsor, requested_at: REQUESTED_AT })
      .execute();
    await importEsrFile(trx, new Date(REQUESTED_AT), { commandLine: 'training seed' }, 'json', JSON.stringify(TRAINING_ESR));
  });
}
