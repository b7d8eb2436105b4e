import type { Db } from '../store/database.js';

// Training for batch position management: two open, assignable positions at the training
// hospital that the example file on the batch page (src-renderer/cim/batch/batch-example.ts)
// assigns to personas, so a trainee's first upload checks and applies as it would at work.
// Written once; a later start finds them.

const TRAINING_BATCH_POSITIONS = [
  { orgCode: 'RZZ01', title: 'Healthcare Assistant', jobRole: 'Admin/Clinical Support Access Role' },
  { orgCode: 'RZZ01', title: 'Ward Clerk', jobRole: 'Admin/Clinical Support Access Role' },
] as const;

export async function seedTrainingBatch(db: Db): Promise<void> {
  for (const p of TRAINING_BATCH_POSITIONS) {
    const org = await db.selectFrom('organisations').select('id').where('code', '=', p.orgCode).executeTakeFirst();
    if (!org) continue;
    const there = await db.selectFrom('positions').select('id').where('org_id', '=', org.id).where('title', '=', p.title).executeTakeFirst();
    if (!there) await db.insertInto('positions').values({ org_id: org.id, title: p.title, job_role: p.jobRole }).execute();
  }
}
