import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_CATALOGUE, ReportPage, reportDefinition, type ReportId } from '../../../../src-shared/api/cim-reports.js';
import { appendAudit } from '../../../../src-service/audit/audit-log.js';
import { resolveSession } from '../../../../src-service/auth/session-store.js';
import { exportReport, EXPORT_CHUNK } from '../../../../src-service/cim/reports-run.js';
import { actor, addCard, addPosition, addUser, assign, TEST_KEY } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from './cim-harness.js';
import { cardExpiring, certificate, renewed, unlocked } from './reports-fixtures.js';

// View and export reports: each report shows what its title says for the session's organisation
// subtree (or one organisation of it), sorted and paged as asked, and exports as CSV that parses
// back to the same rows, written as it is read.

let h: Harness;
let orgs: Orgs;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
  h.resetClock();
});

const ram = () => actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
const person = (orgId: number, family: string, given = 'Pat', status: 'open' | 'closed' = 'open') => addUser(h.db, { given, family, homeOrgId: orgId, ni: uniqueNi(), status });

async function run(token: string, report: ReportId, query: Record<string, string | number> = {}) {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await h.call('GET', `/v1/reports/${report}${search ? `?${search}` : ''}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ReportPage.parse(res.body);
}

async function exportCsv(token: string, report: ReportId, query: Record<string, string> = {}) {
  const search = new URLSearchParams(query).toString();
  return h.call('GET', `/v1/reports/${report}/export${search ? `?${search}` : ''}`, { token });
}

const csvRows = (text: string): string[][] => parse(text);

/** Every row of a report, page by page. */
async function allRows(token: string, report: ReportId, query: Record<string, string | number> = {}) {
  const rows = [];
  for (let page = 1; ; page++) {
    const got = await run(token, report, { ...query, page, pageSize: 100 });
    rows.push(...got.rows);
    if (page * 100 >= got.total) return rows;
  }
}

describe('the catalogue', () => {
  it('rule: the frequently used reports come first, then the others; each names its filters, columns and default sort', async () => {
    const res = await h.call('GET', '/v1/reports', { token: (await ram()).token });
    expect(res.status).toBe(200);
    const reports = res.body.reports as { id: string; pinned: boolean; columns: unknown[]; filters: unknown[] }[];
    expect(reports.map((r) => r.id)).toEqual(REPORT_CATALOGUE.map((r) => r.id));
    const pinned = reports.filter((r) => r.pinned).map((r) => r.id);
    expect(pinned).toEqual(['cards-expiring', 'users-positions', 'card-unlocks-renewals']);
    expect(reports.slice(0, pinned.length).every((r) => r.pinned)).toBe(true);
    expect(reports).toHaveLength(7);
    for (const r of reports) expect(r.columns.length).toBeGreaterThan(0);
  });
});

describe('users in my organisations with their positions', () => {
  it('rule: people based in the subtree appear with their positions there, visitors with their positions here only, nobody from outside', async () => {
    const me = await ram();
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse', roles: [] });
    const elsewhere = await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Porter' });
    const based = await person(orgs.siteA1.id, 'Based');
    await assign(h.db, based.id, nurse);
    await assign(h.db, based.id, elsewhere);
    const visitor = await person(orgs.trustB.id, 'Visitor');
    await assign(h.db, visitor.id, nurse);
    const ended = await person(orgs.trustB.id, 'Ended');
    await assign(h.db, ended.id, nurse, '2020-01-01', '2025-01-01');
    await person(orgs.trustB.id, 'Outside');
    await person(orgs.region.id, 'Parent');
    const rows = await allRows(me.token, 'users-positions');
    const seen = rows.map((r) => [r.familyName, r.position, r.homeOrganisation]);
    expect(seen).toEqual([
      ['Based', 'Staff Nurse', orgs.siteA1.code],
      ['Manager', 'Manager position', orgs.trustA.code],
      ['Visitor', 'Staff Nurse', orgs.trustB.code],
    ]);
  });

  it('rule: the organisation filter narrows the report to that organisation and its children', async () => {
    const me = await ram();
    await person(orgs.siteA1.id, 'AtSite');
    const page = await run(me.token, 'users-positions', { organisation: orgs.siteA1.code.toLowerCase() });
    expect(page.rows.map((r) => r.familyName)).toEqual(['AtSite']);
  });

  it('rule: rows are sorted by the chosen column and direction, paged, with the total of all pages', async () => {
    const me = await ram();
    for (const family of ['Cole', 'Adams', 'Evans', 'Baker', 'Dixon']) await person(orgs.siteA1.id, family);
    const first = await run(me.token, 'users-positions', { sort: 'familyName', direction: 'descending', pageSize: 2 });
    expect(first.total).toBe(6);
    expect(first.rows.map((r) => r.familyName)).toEqual(['Manager', 'Evans']);
    const second = await run(me.token, 'users-positions', { sort: 'familyName', direction: 'descending', pageSize: 2, page: 2 });
    expect(second.rows.map((r) => r.familyName)).toEqual(['Dixon', 'Cole']);
    const third = await run(me.token, 'users-positions', { sort: 'familyName', direction: 'ascending', pageSize: 2, page: 3 });
    expect(third.rows.map((r) => r.familyName)).toEqual(['Evans', 'Manager']);
    expect(third.sort).toEqual({ column: 'familyName', direction: 'ascending' });
  });

  it('rule: the status filter keeps only open or only closed profiles', async () => {
    const me = await ram();
    await person(orgs.siteA1.id, 'Shut', 'Pat', 'closed');
    const closed = await run(me.token, 'users-positions', { status: 'closed' });
    expect(closed.rows.map((r) => [r.familyName, r.status])).toEqual([['Shut', 'Closed']]);
  });
});

describe('positions and how many hold each', () => {
  it('rule: each position in the subtree with the number holding it today; closed ones only when asked', async () => {
    const me = await ram();
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const closed = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Old Post' });
    await h.db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Elsewhere' });
    for (const family of ['One', 'Two']) await assign(h.db, (await person(orgs.siteA1.id, family)).id, nurse);
    await assign(h.db, (await person(orgs.siteA1.id, 'Gone')).id, nurse, '2020-01-01', '2025-01-01');
    const open = await run(me.token, 'positions-holders');
    expect(open.rows.map((r) => [r.position, r.holders, r.state])).toEqual([
      ['Manager position', 1, 'Open'],
      ['Staff Nurse', 2, 'Open'],
    ]);
    const all = await run(me.token, 'positions-holders', { closed: 'include', sort: 'holders', direction: 'descending' });
    expect(all.rows.map((r) => r.position)).toEqual(['Staff Nurse', 'Manager position', 'Old Post']);
  });
});

describe('smartcards', () => {
  it('rule: smartcards expiring within N days are those whose live certificate ends between today and today + N', async () => {
    const me = await ram();
    const soon = await person(orgs.siteA1.id, 'Soon');
    await cardExpiring(h.db, soon.id, '2025-06-20T12:00:00.000Z');
    const later = await person(orgs.siteA1.id, 'Later');
    await cardExpiring(h.db, later.id, '2025-08-01T12:00:00.000Z');
    const renewedCard = await person(orgs.siteA1.id, 'Renewed');
    const card = await cardExpiring(h.db, renewedCard.id, '2025-06-18T12:00:00.000Z');
    await certificate(h.db, card, '2028-06-18T12:00:00.000Z');
    const expired = await person(orgs.siteA1.id, 'Expired');
    await cardExpiring(h.db, expired.id, '2025-06-10T12:00:00.000Z');
    await cardExpiring(h.db, (await person(orgs.trustB.id, 'Outside')).id, '2025-06-20T12:00:00.000Z');
    const week = await run(me.token, 'cards-expiring', { days: 7 });
    expect(week.rows.map((r) => [r.familyName, r.expires, r.cardStatus])).toEqual([['Soon', '2025-06-20T12:00:00.000Z', 'Active']]);
    const twoMonths = await run(me.token, 'cards-expiring', { days: 60 });
    expect(twoMonths.rows.map((r) => r.familyName)).toEqual(['Soon', 'Later']);
  });

  it('rule: locked smartcards are the locked cards of people in the subtree', async () => {
    const me = await ram();
    const locked = await person(orgs.siteA1.id, 'Locked');
    await addCard(h.db, locked.id, { status: 'locked' });
    await addCard(h.db, (await person(orgs.siteA1.id, 'Fine')).id, { status: 'active' });
    await addCard(h.db, (await person(orgs.trustB.id, 'Outside')).id, { status: 'locked' });
    const page = await run(me.token, 'cards-locked');
    expect(page.rows.map((r) => r.familyName)).toEqual(['Locked']);
  });

  it('rule: unlocks and renewals in a period, each marked self-service or by a sponsor, newest first', async () => {
    const me = await ram();
    const sponsor = await person(orgs.trustA.id, 'Okafor', 'Grace');
    const holder = await person(orgs.siteA1.id, 'Holder');
    const card = (await addCard(h.db, holder.id)).id;
    await unlocked(h.db, card, new Date('2025-06-01T09:00:00.000Z'), 'self');
    await unlocked(h.db, card, new Date('2025-06-02T09:00:00.000Z'), 'sponsor', sponsor.id);
    await renewed(h.db, card, new Date('2025-06-03T09:00:00.000Z'), 'self');
    await unlocked(h.db, card, new Date('2025-04-01T09:00:00.000Z'), 'self');
    await unlocked(h.db, (await addCard(h.db, (await person(orgs.trustB.id, 'Outside')).id)).id, new Date('2025-06-01T10:00:00.000Z'), 'self');
    const june = await run(me.token, 'card-unlocks-renewals', { from: '2025-06-01', to: '2025-06-30' });
    expect(june.rows.map((r) => [r.at, r.event, r.by, r.sponsor])).toEqual([
      ['2025-06-03T09:00:00.000Z', 'Renewed', 'Self-service', null],
      ['2025-06-02T09:00:00.000Z', 'Unlocked', 'Sponsor', 'Grace Okafor'],
      ['2025-06-01T09:00:00.000Z', 'Unlocked', 'Self-service', null],
    ]);
    const bySponsor = await run(me.token, 'card-unlocks-renewals', { from: '2025-06-01', by: 'sponsor' });
    expect(bySponsor.rows.map((r) => r.event)).toEqual(['Unlocked']);
    const renewals = await run(me.token, 'card-unlocks-renewals', { event: 'renewed' });
    expect(renewals.rows.map((r) => r.at)).toEqual(['2025-06-03T09:00:00.000Z']);
  });
});

describe('position requests and profiles', () => {
  it('rule: position requests for positions in the subtree, by state', async () => {
    const me = await ram();
    const requester = await actor(h.db, orgs.siteA1.id, [], 'Requester');
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const clerk = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Ward Clerk' });
    const outside = await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Porter' });
    const made = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [nurse, clerk, outside], startDate: '2025-07-01' } });
    expect(made.status).toBe(201);
    const granted = await h.call('POST', `/v1/position-requests/${made.body.requests[0].id}/grant`, { token: me.token });
    expect(granted.status).toBe(200);
    const pending = await run(me.token, 'position-requests', { state: 'pending' });
    expect(pending.rows.map((r) => [r.position, r.state])).toEqual([['Ward Clerk', 'Pending']]);
    const any = await run(me.token, 'position-requests', { sort: 'position', direction: 'ascending' });
    expect(any.rows.map((r) => [r.position, r.state, r.decidedAt === null])).toEqual([
      ['Staff Nurse', 'Granted', false],
      ['Ward Clerk', 'Pending', true],
    ]);
  });

  it('rule: profiles created and closed in a period, for people in the subtree', async () => {
    const me = await ram();
    const created = await person(orgs.siteA1.id, 'Created');
    await h.db.updateTable('users').set({ created_at: '2025-05-10T08:00:00.000Z' }).where('id', '=', created.id).execute();
    const closed = await person(orgs.siteA1.id, 'Closed', 'Pat', 'closed');
    await h.db.updateTable('users').set({ created_at: '2024-01-10T08:00:00.000Z' }).where('id', '=', closed.id).execute();
    await appendAudit(h.db, { action: 'profile.closed', actor: me.uuid, subject: closed.uuid, details: {} }, new Date('2025-05-20T08:00:00.000Z'));
    const outside = await person(orgs.trustB.id, 'Outside');
    await h.db.updateTable('users').set({ created_at: '2025-05-11T08:00:00.000Z' }).where('id', '=', outside.id).execute();
    const may = await run(me.token, 'profiles-created-closed', { from: '2025-05-01', to: '2025-05-31' });
    expect(may.rows.map((r) => [r.event, r.familyName, r.at])).toEqual([
      ['Closed', 'Closed', '2025-05-20T08:00:00.000Z'],
      ['Created', 'Created', '2025-05-10T08:00:00.000Z'],
    ]);
    const onlyClosed = await run(me.token, 'profiles-created-closed', { event: 'closed' });
    expect(onlyClosed.rows.map((r) => r.familyName)).toEqual(['Closed']);
  });
});

describe('bad input', () => {
  const CASES: [ReportId, Record<string, string>, string][] = [
    ['cards-expiring', { days: '0' }, 'query.days'],
    ['cards-expiring', { days: 'soon' }, 'query.days'],
    ['cards-expiring', { days: '366' }, 'query.days'],
    ['card-unlocks-renewals', { from: '2025-13-01' }, 'query.from'],
    ['card-unlocks-renewals', { from: '2025-06-10', to: '2025-06-01' }, 'query.to'],
    ['position-requests', { state: 'lost' }, 'query.state'],
    ['cards-locked', { days: '5' }, 'query.days'],
    ['users-positions', { organisation: 'R$1' }, 'query.organisation'],
    ['users-positions', { organisation: 'NOSUCH9' }, 'query.organisation'],
    ['users-positions', { sort: 'uuid' }, 'query.sort'],
    ['users-positions', { sort: 'password' }, 'query.sort'],
    ['users-positions', { direction: 'sideways' }, 'query.direction'],
  ];

  it.each(CASES)('rule: %s with %o is refused with 400 naming %s, on view and export, and nothing changes', async (report, query, field) => {
    const me = await ram();
    const before = await tableCounts(h.db);
    const search = new URLSearchParams(query).toString();
    for (const path of [`/v1/reports/${report}?${search}`, `/v1/reports/${report}/export?${search}`]) {
      const res = await h.call('GET', path, { token: me.token });
      expect(res.status, path).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path), path).toContain(field);
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a page size over the limit, a page of 0 and an unknown report are refused with 400 naming the field', async () => {
    const me = await ram();
    for (const [path, field] of [
      ['/v1/reports/users-positions?pageSize=101', 'query.pageSize'],
      ['/v1/reports/users-positions?page=0', 'query.page'],
      ['/v1/reports/no-such-report', 'params.reportId'],
      ['/v1/reports/no-such-report/export', 'params.reportId'],
    ] as const) {
      const res = await h.call('GET', path, { token: me.token });
      expect(res.status, path).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path), path).toContain(field);
    }
  });
});

describe('export as CSV', () => {
  it('rule: the CSV has a header of the column labels and parses back to the report rows; it is audited', async () => {
    const me = await ram();
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse, Ward "7"' });
    for (let i = 0; i < 30; i++) await assign(h.db, (await person(orgs.siteA1.id, `Family${String(i).padStart(2, '0')}`)).id, nurse);
    const res = await exportCsv(me.token, 'users-positions');
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/csv; charset=utf-8');
    const records = csvRows(res.body as string);
    const columns = reportDefinition('users-positions').columns;
    expect(records[0]).toEqual(columns.map((c) => c.label));
    const viewed = (await allRows(me.token, 'users-positions')).map((r) => columns.map((c) => (r[c.key] === null ? '' : String(r[c.key]))));
    const sortRows = (rows: string[][]) => [...rows].sort((a, b) => a.join('|').localeCompare(b.join('|')));
    expect(sortRows(records.slice(1))).toEqual(sortRows(viewed));
    const audit = await h.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'report.exported').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit.actor).toBe(me.uuid);
    expect(JSON.parse(audit.details).report).toBe('users-positions');
  });

  it('rule: a cell that starts with = + - or @ is written so a spreadsheet takes it as text', async () => {
    const me = await ram();
    for (const family of ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)']) await person(orgs.siteA1.id, family);
    const res = await exportCsv(me.token, 'users-positions');
    const families = csvRows(res.body as string).slice(1).map((r) => r[0]);
    expect(families.sort()).toEqual(["'+1", "'-2", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)", 'Manager'].sort());
  });

  it('rule: the export streams: its first bytes come before the report has been read, and rows added meanwhile are still written', async () => {
    const me = await ram();
    const rows = EXPORT_CHUNK * 3;
    const values = Array.from({ length: rows }, (_, i) => ({
      uuid: crypto.randomUUID(),
      given_name: 'Bulk',
      family_name: `Person${i}`,
      family_name_norm: `person${i}`,
      given_name_norm: 'bulk',
      home_org_id: orgs.siteA1.id,
      created_at: '2025-01-01T00:00:00.000Z',
    }));
    for (let i = 0; i < values.length; i += 500) await h.db.insertInto('users').values(values.slice(i, i + 500)).execute();
    const session = await resolveSession(h.db, me.token, TEST_KEY.thumbprint);
    if (!session) throw new Error('The test session is not live.');
    const csv = await exportReport(h.service.ctx, session, 'users-positions', {});
    const reader = csv.body[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(String(first.value)).toContain('Family name');
    // Added after the first bytes went out: the export has not read that far yet, so it is in the file.
    await person(orgs.siteA1.id, 'LateArrival');
    let rest = '';
    for (let next = await reader.next(); !next.done; next = await reader.next()) rest += String(next.value);
    const records = csvRows(String(first.value) + rest);
    expect(records).toHaveLength(1 + rows + 2);
    expect(records.some((r) => r[0] === 'LateArrival')).toBe(true);
  });
});
