import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, tableCounts, type Harness, type Orgs } from './cim-harness.js';
import { makeAssignment, makeWorkgroup, manager, personAt } from './workgroups-support.js';

// Bad input to every workgroup endpoint, sent by a RAM who may otherwise do it: a 400 that names
// each field at fault, and nothing written.

let h: Harness;
let orgs: Orgs;
let ram: Awaited<ReturnType<typeof manager>>;
let workgroup: number;
let assignment: number;
let userUuid: string;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
  ram = await manager(h, orgs.trustA.id);
  workgroup = await makeWorkgroup(h, ram.token, orgs.trustA.code);
  userUuid = (await personAt(h, orgs.trustA.id)).uuid;
  assignment = await makeAssignment(h, ram.token, workgroup, (await personAt(h, orgs.trustA.id, 'Other')).uuid, '2025-06-20');
});

interface BadCase {
  readonly what: string;
  readonly method: string;
  path(): string;
  readonly json?: unknown;
  readonly raw?: string;
  /** The field paths the answer must name. */
  readonly fields: string[];
}

const CASES: BadCase[] = [
  { what: 'create with no name, description or organisation', method: 'POST', path: () => '/v1/workgroups', json: {}, fields: ['body.organisationCode', 'body.name', 'body.description'] },
  { what: 'create with blank text', method: 'POST', path: () => '/v1/workgroups', json: { organisationCode: ' ', name: '  ', description: '' }, fields: ['body.organisationCode', 'body.name', 'body.description'] },
  { what: 'create with a name too long', method: 'POST', path: () => '/v1/workgroups', json: { organisationCode: 'X', name: 'n'.repeat(101), description: 'd' }, fields: ['body.name'] },
  { what: 'create with control characters in the name', method: 'POST', path: () => '/v1/workgroups', json: { organisationCode: 'X', name: 'Ward\u001b[31m', description: 'd' }, fields: ['body.name'] },
  { what: 'create with an unknown field', method: 'POST', path: () => '/v1/workgroups', json: { organisationCode: 'X', name: 'n', description: 'd', closed: true }, fields: ['body'] },
  { what: 'create with a body that is not JSON', method: 'POST', path: () => '/v1/workgroups', raw: '{"name":', fields: [] },
  { what: 'list with includeClosed not true or false', method: 'GET', path: () => '/v1/workgroups?includeClosed=maybe', fields: ['query.includeClosed'] },
  { what: 'list with an unknown query parameter', method: 'GET', path: () => '/v1/workgroups?org=RA1', fields: ['query'] },
  { what: 'list at an unknown organisation', method: 'GET', path: () => '/v1/workgroups?organisationCode=NOSUCH', fields: ['query.organisationCode'] },
  { what: 'view with an id that is not a number', method: 'GET', path: () => '/v1/workgroups/abc', fields: ['params.id'] },
  { what: 'assign with no user or start date', method: 'POST', path: () => `/v1/workgroups/${workgroup}/assignments`, json: {}, fields: ['body.userUuid', 'body.startDate'] },
  {
    what: 'assign with dates that are not dates',
    method: 'POST',
    path: () => `/v1/workgroups/${workgroup}/assignments`,
    json: { userUuid: 'not-a-uuid', startDate: '2025-02-30', endDate: '15/06/2025' },
    fields: ['body.userUuid', 'body.startDate', 'body.endDate'],
  },
  { what: 'assign ending before it starts', method: 'POST', path: () => `/v1/workgroups/${workgroup}/assignments`, json: { userUuid: '0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f', startDate: '2025-07-02', endDate: '2025-07-01' }, fields: ['body.endDate'] },
  { what: 'assign from a past start date', method: 'POST', path: () => `/v1/workgroups/${workgroup}/assignments`, json: { userUuid: '', startDate: '2025-06-14' }, fields: ['body.userUuid'] },
  { what: 'edit dates with no start date', method: 'PATCH', path: () => `/v1/workgroups/${workgroup}/assignments/${assignment}`, json: { endDate: '2025-07-01' }, fields: ['body.startDate'] },
  { what: 'edit dates ending in the past', method: 'PATCH', path: () => `/v1/workgroups/${workgroup}/assignments/${assignment}`, json: { startDate: '2025-06-10', endDate: '2025-06-14' }, fields: ['body.startDate', 'body.endDate'] },
  { what: 'edit dates of an assignment id that is not a number', method: 'PATCH', path: () => `/v1/workgroups/${workgroup}/assignments/x`, json: { startDate: '2025-06-20' }, fields: ['params.assignmentId'] },
  { what: 'remove with an id that is not a number', method: 'DELETE', path: () => `/v1/workgroups/0/assignments/${assignment}`, fields: ['params.id'] },
  { what: 'close without the count of assignments it ends', method: 'POST', path: () => `/v1/workgroups/${workgroup}/close`, json: {}, fields: ['body.endingAssignments'] },
  { what: 'close with a negative count', method: 'POST', path: () => `/v1/workgroups/${workgroup}/close`, json: { endingAssignments: -1 }, fields: ['body.endingAssignments'] },
  { what: "a user's workgroups with a uuid that is not one", method: 'GET', path: () => '/v1/users/not-a-uuid/workgroups', fields: ['params.uuid'] },
];

describe('bad input to the workgroup endpoints', () => {
  it.each(CASES)('rule: $what is a 400 naming the fields, and nothing changes', async ({ method, path, json, raw, fields }) => {
    const before = await tableCounts(h.db);
    const res = await h.call(method, path(), { token: ram.token, ...(json !== undefined ? { json } : {}), ...(raw !== undefined ? { raw } : {}) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad-request');
    expect(res.body.message).toEqual(expect.any(String));
    const named = ((res.body.fields ?? []) as { path: string }[]).map((f) => f.path);
    for (const field of fields) expect(named).toContain(field);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a past start date for a new assignment is a 400 on the start date, and nothing changes', async () => {
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/workgroups/${workgroup}/assignments`, { token: ram.token, json: { userUuid, startDate: '2025-06-14' } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.startDate', message: 'the start date must be today or later' }]);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
