import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actor } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness, type Orgs } from './cim-harness.js';
import { createRecord } from './requests-fixtures.js';

// Bad input on every Requests endpoint: a 400 naming the fields, and nothing changed.

let h: Harness;
let orgs: Orgs;
let token: string;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
  token = (await actor(h.db, orgs.trustA.id, ['RAM'])).token;
});

const CASES: [string, string, string, unknown, string[]][] = [
  ['an unknown status', 'GET', '/v1/requests?status=lost', undefined, ['query.status']],
  ['an unknown kind', 'GET', '/v1/requests?kind=holiday', undefined, ['query.kind']],
  ['an unknown query parameter', 'GET', '/v1/requests?colour=red', undefined, ['query']],
  ['a request of an unknown kind', 'GET', '/v1/requests/holiday/1', undefined, ['params.kind']],
  ['a request id that is not a number', 'GET', '/v1/requests/esr/abc', undefined, ['params.id']],
  ['a detail-change id that is not a number', 'POST', '/v1/detail-change-requests/x/accept', undefined, ['params.id']],
  ['a rejection without a reason', 'POST', '/v1/detail-change-requests/1/reject', {}, ['body.reason']],
  ['a rejection reason too long', 'POST', '/v1/profile-status-requests/1/reject', { reason: 'x'.repeat(501) }, ['body.reason']],
  ['a rejection reason with control characters', 'POST', '/v1/esr-requests/1/reject', { reason: 'no\u0007pe' }, ['body.reason']],
  ['an ESR id that is not a number', 'POST', '/v1/esr-requests/0/accept', undefined, ['params.id']],
  ['an unknown file format', 'POST', '/v1/esr-requests/import', { format: 'xml', content: '<x/>' }, ['body.format']],
  ['an empty file', 'POST', '/v1/esr-requests/import', { format: 'json', content: '' }, ['body.content']],
  ['a file that is not JSON', 'POST', '/v1/esr-requests/import', { format: 'json', content: '{"esrId":' }, ['file']],
  ['a JSON file that is not an array', 'POST', '/v1/esr-requests/import', { format: 'json', content: '{"esrId":"E1"}' }, ['file']],
  ['an empty array', 'POST', '/v1/esr-requests/import', { format: 'json', content: '[]' }, ['file']],
  ['a CSV header with an unknown field', 'POST', '/v1/esr-requests/import', { format: 'csv', content: 'esrId,kind,shoeSize\nE1,create,9' }, ['header.shoeSize']],
  ['a CSV row with too many cells', 'POST', '/v1/esr-requests/import', { format: 'csv', content: 'esrId,kind\nE1,create,extra' }, ['file']],
  ['a record with an unknown field', 'POST', '/v1/esr-requests/import', { format: 'json', content: JSON.stringify([{ ...createRecord('RA1'), shoeSize: 9 }]) }, ['records.0']],
  ['a name with control characters', 'POST', '/v1/esr-requests/import', { format: 'json', content: JSON.stringify([createRecord('RA1', { givenName: 'A\u001bB' })]) }, ['records.0.givenName']],
  ['a modify record changing nothing', 'POST', '/v1/esr-requests/import', { format: 'json', content: JSON.stringify([{ esrId: 'E2', kind: 'modify', userNiNumber: 'AB123456C' }]) }, ['records.0.kind']],
];

describe('bad input', () => {
  it.each(CASES)('rule: %s is refused with 400 naming the field, and nothing changes', async (_what, method, path, json, fields) => {
    const before = await tableCounts(h.db);
    const res = await h.call(method, path, { token, ...(json !== undefined ? { json } : {}) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad-request');
    expect(res.body.message).toMatch(/\w/);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(fields));
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
