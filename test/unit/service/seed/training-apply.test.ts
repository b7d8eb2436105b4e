import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardTab } from '../../../../src-shared/api/apply.js';
import { tabOf } from '../../../../src-service/apply/tabs.js';
import { personaByKey, seedPersonas } from '../../../../src-service/seed/personas.js';
import { TRAINING_APPROVED_APPLICANT } from '../../../../src-service/seed/training-apply.js';
import { seedTrainingContent } from '../../../../src-service/seed/training-content.js';
import { startHarness, type Harness } from '../cim/cim-harness.js';

// Training's Apply for Care ID: the sponsor persona's dashboard shows something in every tab
// before the trainee raises their own application.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await seedPersonas(h.db);
  await seedTrainingContent(h.db, h.service.ctx.now());
});
afterAll(async () => {
  await h.close();
});

async function sponsorsApplications() {
  return h.db
    .selectFrom('applications as a')
    .innerJoin('users as u', 'u.id', 'a.raised_by')
    .leftJoin('users as c', 'c.id', 'a.created_user_id')
    .select(['a.reference', 'a.status', 'a.last_activity_at', 'a.details_confirmed_at', 'a.identity_submitted_at', 'a.done_from', 'a.rejection_reason', 'c.uuid as createdUuid'])
    .where('u.uuid', '=', personaByKey('sponsor').uuid)
    .orderBy('a.reference')
    .execute();
}

describe('training applications', () => {
  it('rule: the training sponsor has an application in each dashboard tab: resend required, in progress, approved, duplicates, rejected (with its reason), cancelled, marked as done', async () => {
    const rows = await sponsorsApplications();
    const now = h.service.ctx.now();
    expect(rows.map((r) => tabOf(r, now)).sort()).toEqual([...DashboardTab.options].sort());
    expect(rows.find((r) => r.status === 'rejected')?.rejection_reason).toMatch(/photograph/);
    expect(rows.find((r) => r.status === 'approved')?.createdUuid).toBe(TRAINING_APPROVED_APPLICANT.uuid);
    expect(rows.find((r) => r.status === 'done')?.done_from).toBe('rejected');
  });

  it('rule: no training application waits for the ID check or holds documents, so the check list is the trainee\u2019s own', async () => {
    const rows = await sponsorsApplications();
    expect(rows.filter((r) => r.status === 'in-progress' && r.details_confirmed_at !== null && r.identity_submitted_at !== null)).toEqual([]);
    const documents = await h.db.selectFrom('application_documents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(documents.n)).toBe(0);
  });

  it('rule: the approved applicant has a profile in the requested position and no smartcard yet, so the RA finds them in Cards to issue', async () => {
    const row = await h.db
      .selectFrom('users as u')
      .innerJoin('position_assignments as pa', 'pa.user_id', 'u.id')
      .innerJoin('positions as p', 'p.id', 'pa.position_id')
      .innerJoin('organisations as o', 'o.id', 'p.org_id')
      .select(['p.title', 'o.code', 'u.ni_number', 'u.date_of_birth'])
      .where('u.uuid', '=', TRAINING_APPROVED_APPLICANT.uuid)
      .execute();
    expect(row).toEqual([{ title: 'Staff Nurse', code: 'RZZ01', ni_number: TRAINING_APPROVED_APPLICANT.niNumber, date_of_birth: TRAINING_APPROVED_APPLICANT.dateOfBirth }]);
    const cards = await h.db.selectFrom('cards as c').innerJoin('users as u', 'u.id', 'c.user_id').select('c.id').where('u.uuid', '=', TRAINING_APPROVED_APPLICANT.uuid).execute();
    expect(cards).toEqual([]);
  });

  it('rule: a second start writes no more applications', async () => {
    const before = await sponsorsApplications();
    await seedTrainingContent(h.db, h.service.ctx.now());
    expect(await sponsorsApplications()).toEqual(before);
  });
});
