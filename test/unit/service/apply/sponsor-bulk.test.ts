import { describe, expect, it } from 'vitest';
import { BULK_COLUMNS, MAX_BULK_ROWS } from '../../../../src-shared/api/apply.js';
import { tableCounts, uniqueNi } from '../cim/cim-harness.js';
import { harnessPerFile } from './harness-per-file.js';
import { applicationBody, outboxMark, outboxSince, positionAt, sponsorAt } from './sponsor-support.js';

// Bulk invitations: every row of a CSV checked as a single application is, before anything is
// sent; then one application per valid row, once.

const { h, orgs } = harnessPerFile({ resetClock: true });

const HEADER = BULK_COLUMNS.join(',');
let n = 0;
/** The position every row asks for unless it says otherwise (set by each test). */
let ownPosition = 0;
function row(cells: Partial<Record<(typeof BULK_COLUMNS)[number], string>> = {}): string {
  n++;
  const values: Record<string, string> = {
    given_name: 'Sam',
    family_name: `Bulkrow${n}`,
    date_of_birth: '1988-07-09',
    ni_number: uniqueNi(),
    email: `sam.bulkrow${n}@example.nhs.net`,
    mobile: '07700900456',
    position_id: String(ownPosition),
    notes: 'Ward clerk access',
    ...cells,
  };
  return BULK_COLUMNS.map((c) => values[c]).join(',');
}
const check = (token: string, csv: string) => h.call('POST', '/v1/apply/bulk', { token, json: { fileName: 'starters.csv', csv } });

describe('bulk invitations', () => {
  it('rule: every row is checked as a single application is, with each problem against its line in words; only valid rows are sent, once', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const own = await positionAt(h, orgs.trustA.id);
    ownPosition = own;
    const elsewhere = await positionAt(h, orgs.trustB.id);
    const inProgress = applicationBody(own);
    expect((await h.call('POST', '/v1/apply/applications', { token: me.token, json: inProgress })).status).toBe(201);
    const twiceNi = uniqueNi();
    const lines = [
      HEADER,
      row({ position_id: String(own) }), // 2: valid
      row({ position_id: String(elsewhere) }), // 3: the ODS limit
      row({ email: 'not-an-email', mobile: '123' }), // 4: two cells
      row({ ni_number: inProgress.applicant.niNumber, date_of_birth: inProgress.applicant.dateOfBirth }), // 5: in progress already
      row({ ni_number: twiceNi }), // 6: valid
      row({ ni_number: twiceNi }), // 7: same person as line 6
      row({ position_id: '' }), // 8: no position
      '',
      row(), // 10: valid
    ];
    const before = await tableCounts(h.db);
    const res = await check(me.token, lines.join('\n'));
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(3);
    expect(res.body.invalid).toBe(5);
    const problems = Object.fromEntries(res.body.rows.map((r: { line: number; problems: string[] }) => [r.line, r.problems]));
    expect(problems).toEqual({
      2: [],
      3: [`The position can only be at ${orgs.trustA.code}, the organisation you work under now. Request access at other sites in Care Identity Management once the smartcard has been created.`],
      4: ['email: enter an email address, like name@example.nhs.net.', 'mobile: enter a UK mobile number, like 07700 900123.'],
      5: [expect.stringMatching(/^An application for this person is already in progress \(ACI-[0-9A-Z]{8}\)\.$/)],
      6: [],
      7: ['The same person (National Insurance number and date of birth) is on line 6 too.'],
      8: ['position_id: enter the ID of the position the applicant needs, at the organisation you work under now.'],
      10: [],
    });
    // The check stores the batch and nothing else: no application yet, no message.
    const after = await tableCounts(h.db);
    expect(after['applications']).toBe(before['applications']);
    expect(after['outbox']).toBe(before['outbox']);
    expect(after['application_batches']).toBe((before['application_batches'] ?? 0) + 1);

    const mark = await outboxMark(h);
    const sent = await h.call('POST', `/v1/apply/bulk/${res.body.batchId}/send`, { token: me.token });
    expect(sent.status).toBe(200);
    expect(sent.body.created).toHaveLength(3);
    expect(sent.body.duplicates).toEqual([]);
    const messages = await outboxSince(h, mark);
    expect(messages.filter((m) => m.channel === 'email')).toHaveLength(3);
    expect(messages.filter((m) => m.channel === 'sms')).toHaveLength(3);
    const stored = await h.db.selectFrom('applications').select(['reference', 'batch_id', 'position_id', 'notes']).where('batch_id', '=', res.body.batchId).execute();
    expect(stored.map((a) => a.reference).sort()).toEqual([...sent.body.created].sort());

    const again = await h.call('POST', `/v1/apply/bulk/${res.body.batchId}/send`, { token: me.token });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('These invitations have already been sent.');
    expect(await h.db.selectFrom('applications').select('id').where('batch_id', '=', res.body.batchId).execute()).toHaveLength(3);
  });

  it('rule: a file without the right header, over the row limit, or not CSV is refused whole in words, and nothing is stored', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const before = await tableCounts(h.db);
    const noHeader = await check(me.token, [row(), row()].join('\n'));
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.message).toBe(`The first row must name the columns, in this order: ${HEADER}. Nothing has been changed.`);
    const wrongHeader = await check(me.token, ['name,dob', row()].join('\n'));
    expect(wrongHeader.status).toBe(400);
    const tooMany = await check(me.token, [HEADER, ...Array.from({ length: MAX_BULK_ROWS + 1 }, () => row())].join('\n'));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/at most 1,000\. Split it into smaller files\./);
    const binary = await check(me.token, `${HEADER}\n\u0000\u0001PK\u0003\u0004`);
    expect(binary.status).toBe(400);
    expect(binary.body.message).toMatch(/not a CSV file/);
    const unclosed = await check(me.token, `${HEADER}\n"Sam,Smith`);
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.message).toMatch(/could not be read as CSV/);
    const empty = await check(me.token, `${HEADER}\n`);
    expect(empty.status).toBe(400);
    const notJson = await h.call('POST', '/v1/apply/bulk', { token: me.token, raw: HEADER, contentType: 'text/csv' });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: only the sponsor who checked a file may send it, and a row whose person has started an application since stops the send', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const other = await sponsorAt(h, orgs.trustA.id);
    const own = await positionAt(h, orgs.trustA.id);
    ownPosition = own;
    const ni = uniqueNi();
    const res = await check(me.token, [HEADER, row({ ni_number: ni, position_id: String(own) }), row()].join('\n'));
    expect(res.body.valid).toBe(2);
    expect((await h.call('POST', `/v1/apply/bulk/${res.body.batchId}/send`, { token: other.token })).status).toBe(404);
    const started = await h.call('POST', '/v1/apply/applications', { token: other.token, json: applicationBody(own, { niNumber: ni, dateOfBirth: '1988-07-09' }) });
    expect(started.status).toBe(201);
    const before = await tableCounts(h.db);
    const send = await h.call('POST', `/v1/apply/bulk/${res.body.batchId}/send`, { token: me.token });
    expect(send.status).toBe(409);
    expect(send.body.message).toMatch(/no longer do/);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
