import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchReport, BatchResult, BatchResultFile } from '../../../../src-shared/api/cim-batch.js';
import { verifyAuditLog } from '../../../../src-service/audit/audit-log.js';
import { readAuditChainKey, type AuditChainKey } from '../../../../src-service/crypto/machine-secret.js';
import { actor, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs, type Reply } from './cim-harness.js';

// Batch position management: a CSV file of assignments to add, change or remove is checked
// whole (every row, nothing changed), then its good rows are applied together, and the result
// (each row with its outcome) can be downloaded.

let h: Harness;
let orgs: Orgs;
let ram: Awaited<ReturnType<typeof actor>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
  h.resetClock();
  ram = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
});

const HEADER = 'action,user_uuid,ni_number,position_id,ods_code,position_title,start_date,end_date';
const csvOf = (...rows: string[]): string => [HEADER, ...rows].join('\r\n') + '\r\n';

const upload = (csv: string, token = ram.token): Promise<Reply> => h.call('POST', '/v1/assignment-batches', { token, json: { csv, fileName: 'july.csv' } });
const apply = (batchId: string, token = ram.token): Promise<Reply> => h.call('POST', `/v1/assignment-batches/${batchId}/apply`, { token });
const result = (batchId: string, token = ram.token): Promise<Reply> => h.call('GET', `/v1/assignment-batches/${batchId}/result`, { token });

async function checked(csv: string): Promise<BatchReport> {
  const res = await upload(csv);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return BatchReport.parse(res.body);
}

/** The user's assignments to the position, as the directory holds them. */
const assignmentsOf = (userId: number, positionId: number) =>
  h.db.selectFrom('position_assignments').select(['start_date', 'end_date', 'removed_at']).where('user_id', '=', userId).where('position_id', '=', positionId).orderBy('id').execute();

const person = (given: string, family: string, orgId = orgs.siteA1.id) => addUser(h.db, { given, family, homeOrgId: orgId, ni: uniqueNi() });
const niOf = async (userId: number): Promise<string> => (await h.db.selectFrom('users').select('ni_number').where('id', '=', userId).executeTakeFirstOrThrow()).ni_number as string;
const messages = (report: BatchReport): string[] => report.errors.map((e) => `Row ${e.row}: ${e.message}`);

describe('one bad row among good ones', () => {
  it('rule: checking changes nothing; Apply then adds exactly the good rows, in one go, and the result says what happened to each row', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const jane = await person('Jane', 'Smith');
    const omar = await person('Omar', 'Khan');
    const csv = csvOf(
      `add,,${await niOf(jane.id)},${nurse},,,01/07/2025,`,
      `add,,JX123456C,${nurse},,,01/07/2025,`,
      `add,${omar.uuid},,,${orgs.siteA1.code},staff nurse,2025-07-01,31/12/2025`,
    );
    const before = await tableCounts(h.db);
    const report = await checked(csv);
    expect(report).toMatchObject({ rows: 3, valid: 2, adds: 2, changes: 0, removals: 0 });
    expect(messages(report)).toEqual(['Row 3: no user has National Insurance number JX123456C']);
    // Only the stored batch is new: no assignment, no audit entry.
    expect(await tableCounts(h.db)).toEqual({ ...before, assignment_batches: before.assignment_batches! + 1 });

    const applied = await apply(report.batchId);
    expect(applied.status).toBe(200);
    expect(BatchResult.parse(applied.body)).toMatchObject({ applied: 2, skipped: 1, notApplied: 0 });
    // No end date: the fixed term (365 days) from the start.
    expect(await assignmentsOf(jane.id, nurse)).toEqual([{ start_date: '2025-07-01', end_date: '2026-07-01', removed_at: null }]);
    expect(await assignmentsOf(omar.id, nurse)).toEqual([{ start_date: '2025-07-01', end_date: '2025-12-31', removed_at: null }]);

    const file = BatchResultFile.parse((await result(report.batchId)).body);
    expect(file.fileName).toBe('july-result.csv');
    const rows: string[][] = parse(file.csv);
    expect(rows[0]).toEqual([...HEADER.split(','), 'outcome', 'detail']);
    expect(rows.slice(1).map((r) => [r[8], r[9]])).toEqual([
      ['added', 'Jane Smith assigned from 01/07/2025 to 01/07/2026'],
      ['skipped', 'no user has National Insurance number JX123456C'],
      ['added', 'Omar Khan assigned from 01/07/2025 to 31/12/2025'],
    ]);
  });

  it('rule: a batch is applied once; a second Apply is refused and changes nothing', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const jane = await person('Jane', 'Smith');
    const report = await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`));
    expect((await apply(report.batchId)).status).toBe(200);
    const before = await tableCounts(h.db);
    const again = await apply(report.batchId);
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'conflict' });
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await assignmentsOf(jane.id, nurse)).toHaveLength(1);
  });

  it('rule: a file checked more than 24 hours ago is not applied (check it again), and is deleted at its author\'s next upload', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const jane = await person('Jane', 'Smith');
    const report = await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`));
    h.setNow(new Date(Date.parse(report.checkedAt) + 24 * 3_600_000 + 1000));
    const late = await apply(report.batchId);
    expect({ status: late.status, code: late.body.code }).toEqual({ status: 409, code: 'conflict' });
    expect(late.body.message).toBe('This file was checked more than 24 hours ago. Upload it again to check it afresh.');
    expect(await assignmentsOf(jane.id, nurse)).toEqual([]);
    await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`));
    expect(await h.db.selectFrom('assignment_batches').select('id').where('id', '=', report.batchId).executeTakeFirst()).toBeUndefined();
  });

  it('rule: there is no result to download before Apply', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const jane = await person('Jane', 'Smith');
    const report = await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`));
    const res = await result(report.batchId);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'conflict' });
  });

  it("rule: nobody applies or downloads another person's batch (404), even with the same role and organisation", async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const jane = await person('Jane', 'Smith');
    const report = await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`));
    const other = await actor(h.db, orgs.trustA.id, ['RAM'], 'Other Manager');
    const before = await tableCounts(h.db);
    expect((await apply(report.batchId, other.token)).status).toBe(404);
    expect((await result(report.batchId, other.token)).status).toBe(404);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe('a large batch', () => {
  it('rule: 600 adds (more than one statement holds) are all applied, each audited in row order, and the audit chain still verifies', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const people = await h.db
      .insertInto('users')
      .values(
        Array.from({ length: 600 }, (_, i) => ({
          uuid: crypto.randomUUID(),
          given_name: 'Bulk',
          family_name: `Person ${i}`,
          family_name_norm: `person ${i}`,
          given_name_norm: 'bulk',
          home_org_id: orgs.siteA1.id,
          created_at: '2025-01-01T00:00:00.000Z',
        })),
      )
      .returning(['id', 'uuid'])
      .execute();
    const report = await checked(csvOf(...people.map((p) => `add,${p.uuid},,${nurse},,,01/07/2025,`)));
    expect(report).toMatchObject({ rows: 600, valid: 600, errors: [] });
    expect(BatchResult.parse((await apply(report.batchId)).body)).toMatchObject({ applied: 600 });
    const held = await h.db.selectFrom('position_assignments').select('user_id').where('position_id', '=', nurse).execute();
    expect(new Set(held.map((a) => a.user_id))).toEqual(new Set(people.map((p) => p.id)));
    const audit = (await h.db.selectFrom('audit_log').select(['subject', 'details']).orderBy('seq').execute()).filter((a) => a.details.includes(report.batchId));
    expect(audit.map((a) => a.subject)).toEqual([...people.map((p) => p.uuid), null]);
    const key = readAuditChainKey(h.service.ctx.config.secretFile as string) as AuditChainKey;
    expect((await verifyAuditLog(h.db, key)).ok).toBe(true);
  });
});

describe('every row checked, each problem said for its row', () => {
  it('rule: problems are reported in the user words, row by row (spreadsheet row numbers: the heading is row 1)', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const closed = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Old Ward Clerk' });
    await h.db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    const elsewhere = await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Porter' });
    const jane = await person('Jane', 'Smith');
    const outsider = await person('Olu', 'Outside', orgs.trustB.id);
    const held = await person('Harriet', 'Held');
    await assign(h.db, held.id, nurse, '2025-01-01', '2025-12-31');
    // One person per row about the nurse position: the same user and position twice is a problem of its own.
    const [p8, p9, p10, p13, p14] = await Promise.all(['Eight', 'Nine', 'Ten', 'Thirteen', 'Fourteen'].map((family) => person('Row', family)));
    const report = await checked(
      csvOf(
        `add,${jane.uuid},,${nurse},,,31/02/2025,`, // 2
        `add,${outsider.uuid},,${nurse},,,01/07/2025,`, // 3
        `add,${jane.uuid},,${closed},,,01/07/2025,`, // 4
        `add,${jane.uuid},,${elsewhere},,,01/07/2025,`, // 5
        `add,${held.uuid},,${nurse},,,01/07/2025,`, // 6
        `add,${jane.uuid},,,${orgs.siteA1.code},Consultant,01/07/2025,`, // 7
        `add,${p8!.uuid},,${nurse},,,01/06/2025,`, // 8
        `add,${p9!.uuid},,${nurse},,,01/08/2025,01/07/2025`, // 9
        `promote,${p10!.uuid},,${nurse},,,01/07/2025,`, // 10
        `add,,,${nurse},,,01/07/2025,`, // 11
        `add,${ram.uuid},,${nurse},,,01/07/2025,`, // 12
        `change,${p13!.uuid},,${nurse},,,,01/09/2025`, // 13
        `remove,${p14!.uuid},,${nurse},,,,`, // 14
        `add,${jane.uuid},,999999999,,,01/07/2025,`, // 15
      ),
    );
    expect(messages(report)).toEqual([
      'Row 2: the start date "31/02/2025" is not a date (write it as DD/MM/YYYY)',
      'Row 3: Olu Outside is outside your organisations',
      'Row 4: the position is closed',
      `Row 5: the position "Porter" at ${orgs.trustB.code} is outside your organisations`,
      'Row 6: Harriet Held already has this position (until 31/12/2025)',
      `Row 7: ${orgs.siteA1.code} has no position titled "Consultant"`,
      'Row 8: the start date 01/06/2025 is in the past',
      'Row 9: the end date 01/07/2025 is before the start date 01/08/2025',
      'Row 10: the action "promote" is not add, change or remove',
      "Row 11: give the user's UUID or National Insurance number",
      'Row 12: you cannot change your own position assignments',
      'Row 13: Row Thirteen has no current assignment to this position to change',
      'Row 14: Row Fourteen has no current assignment to this position to remove',
      'Row 15: no position has id 999999999',
    ]);
    expect(report.valid).toBe(0);
  });

  it('rule: the same user and position twice in a file is refused on the later row, however the user is named', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const jane = await person('Jane', 'Smith');
    const report = await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`, `add,,${await niOf(jane.id)},,${orgs.siteA1.code},Staff Nurse,01/07/2025,`));
    expect(messages(report)).toEqual(['Row 3: it repeats row 2: the same user and position may appear only once in a file']);
    expect(report.valid).toBe(1);
  });

  it('rule: a row whose UUID and NI number name different people is refused', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const jane = await person('Jane', 'Smith');
    const omar = await person('Omar', 'Khan');
    const report = await checked(csvOf(`add,${jane.uuid},${await niOf(omar.id)},${nurse},,,01/07/2025,`));
    expect(messages(report)).toEqual(['Row 2: the UUID and the National Insurance number belong to different people']);
  });
});

describe('changing and removing assignments', () => {
  it('rule: change sets the new dates, remove ends the assignment; one audit entry per change and one for the batch with its counts', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const clerk = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Ward Clerk' });
    const jane = await person('Jane', 'Smith');
    const omar = await person('Omar', 'Khan');
    await assign(h.db, jane.id, nurse, '2025-01-01', '2025-12-31');
    await assign(h.db, omar.id, clerk, '2025-01-01', null);
    const report = await checked(csvOf(`change,${jane.uuid},,${nurse},,,,31/03/2026`, `remove,${omar.uuid},,,${orgs.trustA.code},Ward Clerk,,`));
    expect(report).toMatchObject({ valid: 2, changes: 1, removals: 1, errors: [] });
    expect(BatchResult.parse((await apply(report.batchId)).body)).toMatchObject({ applied: 2, skipped: 0, notApplied: 0 });

    expect(await assignmentsOf(jane.id, nurse)).toEqual([{ start_date: '2025-01-01', end_date: '2026-03-31', removed_at: null }]);
    expect((await assignmentsOf(omar.id, clerk))[0]?.removed_at).toBe('2025-06-15T10:00:00.000Z');

    const audit = (await h.db.selectFrom('audit_log').select(['action', 'actor', 'subject', 'details']).orderBy('seq').execute()).filter((a) => a.details.includes(report.batchId));
    expect(audit.map((a) => [a.action, a.actor, a.subject])).toEqual([
      ['position-assignment.changed', ram.uuid, jane.uuid],
      ['position-assignment.removed', ram.uuid, omar.uuid],
      ['assignment-batch.applied', ram.uuid, null],
    ]);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ batchId: report.batchId, row: 2, positionId: nurse, startDate: '2025-01-01', endDate: '2026-03-31' });
    expect(JSON.parse(audit[2]?.details ?? '{}')).toMatchObject({ batchId: report.batchId, applied: 2, adds: 0, changes: 1, removals: 1, skipped: 0, notApplied: 0, rows: 2 });
  });

  it('rule: a row good when checked but not when applied (the position closed meanwhile) is not applied, and the result says why', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const clerk = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Ward Clerk' });
    const jane = await person('Jane', 'Smith');
    const report = await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`, `add,${jane.uuid},,${clerk},,,01/07/2025,`));
    expect(report.valid).toBe(2);
    await h.db.updateTable('positions').set({ closed: 1 }).where('id', '=', clerk).execute();
    expect(BatchResult.parse((await apply(report.batchId)).body)).toMatchObject({ applied: 1, skipped: 0, notApplied: 1 });
    expect(await assignmentsOf(jane.id, clerk)).toEqual([]);
    const rows: string[][] = parse(BatchResultFile.parse((await result(report.batchId)).body).csv);
    expect(rows[2]?.slice(8)).toEqual(['not applied', 'the position is closed']);
  });

  it('rule: a row refused when checked stays out even if it would pass when applied', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    await h.db.updateTable('positions').set({ closed: 1 }).where('id', '=', nurse).execute();
    const jane = await person('Jane', 'Smith');
    const report = await checked(csvOf(`add,${jane.uuid},,${nurse},,,01/07/2025,`));
    await h.db.updateTable('positions').set({ closed: 0 }).where('id', '=', nurse).execute();
    expect(BatchResult.parse((await apply(report.batchId)).body)).toMatchObject({ applied: 0, skipped: 1 });
    expect(await assignmentsOf(jane.id, nurse)).toEqual([]);
  });
});

describe('files refused whole: a clear 400 and nothing changed', () => {
  async function expectRefusedFile(csv: string, message: RegExp): Promise<void> {
    const before = await tableCounts(h.db);
    const res = await upload(csv);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'bad-request' });
    expect(res.body.message).toMatch(message);
    expect(res.body.message).toMatch(/Nothing has been changed\.$/);
    expect(await tableCounts(h.db)).toEqual(before);
  }

  it('rule: a cell a spreadsheet would run as a formula refuses the file, naming the cell', async () => {
    const jane = await person('Jane', 'Smith');
    for (const bad of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)']) {
      await expectRefusedFile(csvOf(`add,${jane.uuid},,1,,"${bad.replace(/"/g, '""')}",01/07/2025,`), /spreadsheet formula/);
    }
    const res = await upload(csvOf(`add,${jane.uuid},,1,,=1+1,01/07/2025,`));
    expect(res.body.fields).toEqual([{ path: 'csv.row2.position_title', message: 'row 2, column position_title: a cell may not start with "="' }]);
  });

  it('rule: a file without its heading row, or with a column it cannot have, is refused', async () => {
    const jane = await person('Jane', 'Smith');
    await expectRefusedFile(`add,${jane.uuid},,1,,,01/07/2025,\r\n`, /first row must name the columns/);
    await expectRefusedFile(`${HEADER},notes\r\nadd,${jane.uuid},,1,,,01/07/2025,,hello\r\n`, /columns this file cannot have/);
    await expectRefusedFile(`action,user_uuid,user_uuid,position_id\r\nadd,${jane.uuid},${jane.uuid},1\r\n`, /columns this file cannot have/);
    await expectRefusedFile(`action,start_date\r\nadd,01/07/2025\r\n`, /user_uuid or a ni_number column/);
    await expectRefusedFile(`action,user_uuid,ods_code\r\nadd,${jane.uuid},RZZ\r\n`, /position_id column, or ods_code and position_title/);
  });

  it('rule: an empty file, a heading with no rows, broken quoting, non-UTF-8 text and binary content are refused', async () => {
    await expectRefusedFile('', /file is empty/);
    await expectRefusedFile(`${HEADER}\r\n\r\n`, /no rows below the heading/);
    await expectRefusedFile(`${HEADER}\r\nadd,"unclosed,,,,,,\r\n`, /could not be read as CSV: a quoted cell is not closed/);
    await expectRefusedFile(`${HEADER}\r\nadd,,AB123456C,1,,Ward "A",01/07/2025,\r\n`, /a quote mark is inside a cell/);
    await expectRefusedFile(`${HEADER}\r\nadd,,AB123456C,1,,Caf\uFFFD,01/07/2025,\r\n`, /not UTF-8 text/);
    await expectRefusedFile(`${HEADER}\r\nadd,\u0000\u0001,,,,,,\r\n`, /not a CSV file/);
  });

  it('rule: more than 10,000 rows is refused whole, with the limit', async () => {
    const row = 'add,,AB123456C,1,,,01/07/2025,';
    await expectRefusedFile(csvOf(...Array.from({ length: 10_001 }, () => row)), /10,001 rows; one file may have at most 10,000/);
  });

  it('rule: a 50 MB body is refused before it is read (413) and nothing changes', async () => {
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/assignment-batches', { token: ram.token, raw: JSON.stringify({ csv: 'x'.repeat(50 * 1024 * 1024) }) });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 413, code: 'payload-too-large' });
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a body that is not the upload shape names the fields at fault', async () => {
    const before = await tableCounts(h.db);
    for (const json of [{}, { csv: 5 }, { csv: HEADER, extra: 1 }, { csv: HEADER, fileName: '../../etc/passwd' }]) {
      const res = await h.call('POST', '/v1/assignment-batches', { token: ram.token, json });
      expect(res.status).toBe(400);
      expect(res.body.fields?.length).toBeGreaterThan(0);
    }
    const res = await h.call('POST', '/v1/assignment-batches', { token: ram.token, json: { csv: 'x'.repeat(3_000_001) } });
    expect(res.body.fields).toEqual([{ path: 'body.csv', message: 'the file is larger than 3 MB: split it into smaller files' }]);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a batch id that is not a UUID is a 400 on apply and result', async () => {
    for (const res of [await apply('not-a-uuid'), await result('not-a-uuid')]) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'bad-request' });
    }
  });
});
