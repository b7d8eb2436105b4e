import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';

// Bad input on every access position endpoint: a 400 naming the field at fault, in words, and
// nothing changed. (Each area's own tests cover the rules about dates, scope and closed positions.)

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('access position endpoints refuse bad input', () => {
  it('rule: each bad part is a 400 naming its field, and nothing changes', async () => {
    const orgs = await h.tree();
    const ram = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const user = await addUser(h.db, { given: 'Bad', family: 'Input', homeOrgId: orgs.trustA.id });
    const position = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Porter' });
    const held = await assign(h.db, user.id, position, '2025-01-01');
    const u = `/v1/users/${user.uuid}`;
    const cases: [string, string, unknown, string][] = [
      ['GET', '/v1/me/requestable-positions?organisation=', undefined, 'query.organisation'],
      ['GET', `${u}/requestable-positions?colour=blue`, undefined, 'query'],
      ['GET', '/v1/users/not-a-uuid/requestable-positions', undefined, 'params.uuid'],
      ['POST', `${u}/position-requests`, { positionIds: ['one'], startDate: '2025-07-01' }, 'body.positionIds.0'],
      ['GET', `${u}/assignments?include=everything`, undefined, 'query.include'],
      ['POST', `${u}/assignments`, { positionId: position, startDate: '2025-07-01', endDate: '2025-06-30' }, 'body.endDate'],
      ['POST', `${u}/assignments`, { positionId: 0, startDate: '2025-07-01' }, 'body.positionId'],
      ['PATCH', `${u}/assignments/${held}`, { endDate: '2025-13-01' }, 'body.endDate'],
      ['PATCH', `${u}/assignments/abc`, { endDate: '2025-12-01' }, 'params.id'],
      ['POST', `${u}/assignments/-1/remove`, undefined, 'params.id'],
      ['POST', `${u}/assignments/changes`, { changes: [{ id: held, action: 'explode' }] }, 'body.changes.0'],
      ['POST', `${u}/assignments/changes`, { changes: [{ id: held, action: 'redate' }] }, 'body.changes.0.startDate'],
      ['GET', '/v1/positions?status=gone', undefined, 'query.status'],
      ['GET', '/v1/positions/abc', undefined, 'params.id'],
      ['POST', '/v1/positions', { organisation: orgs.trustA.code, title: 'x'.repeat(101), jobRole: 'R', roles: [], assignable: true, workgroupIds: [] }, 'body.title'],
      ['POST', '/v1/positions', { organisation: orgs.trustA.code, title: 'New', jobRole: 'R', roles: [], assignable: true }, 'body.workgroupIds'],
      ['POST', `/v1/positions/${position}/copy`, { title: '' }, 'body.title'],
      ['PATCH', `/v1/positions/${position}`, {}, 'body.title'],
      ['PATCH', `/v1/positions/${position}`, { roles: ['RAM', 'KING'] }, 'body.roles.1'],
      ['POST', '/v1/positions/assignable', { changes: [] }, 'body.changes'],
      ['POST', '/v1/positions/assignable', { changes: [{ id: position, assignable: true }, { id: position, assignable: false }] }, 'body.changes.1.id'],
      ['POST', `/v1/positions/0/close`, undefined, 'params.id'],
    ];
    const before = await tableCounts(h.db);
    for (const [method, path, json, field] of cases) {
      const res = await h.call(method, path, { token: ram.token, ...(json === undefined ? {} : { json }) });
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'bad-request' });
      expect(typeof res.body.message).toBe('string');
      expect(res.body.fields.map((f: { path: string }) => f.path), `${method} ${path}`).toContainEqual(expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}`)));
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
