import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClosePositionResponse, OrganisationPositions, POSITION_CLOSED_REASON, PositionDetail } from '../../../../src-shared/api/cim-positions.js';
import { actor, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { lastAudit, startHarness, tableCounts, type Harness, type Orgs } from './cim-harness.js';

// An organisation's positions: find and view, create, copy, edit, choose the assignable ones,
// and close one (its assignments end today, its waiting requests are rejected).

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

async function workgroup(orgId: number, name: string, createdBy: number, closed = false): Promise<number> {
  const { id } = await h.db
    .insertInto('workgroups')
    .values({ org_id: orgId, name, name_norm: name.toLowerCase(), description: name, created_at: '2025-01-01T00:00:00.000Z', created_by: createdBy, closed_at: closed ? '2025-02-01T00:00:00.000Z' : null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

describe('finding positions', () => {
  it("rule: the list is of the chosen organisation in scope (the session's own by default), open and closed, with holders and workgroups", async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const open = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Nurse' });
    const closed = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Old' });
    await db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    await assign(db, (await addUser(db, { given: 'A', family: 'B', homeOrgId: orgs.siteA1.id })).id, open);
    const own = OrganisationPositions.parse((await h.call('GET', '/v1/positions', { token: ra.token })).body);
    expect(own.organisation.code).toBe(orgs.trustA.code);
    expect(own.organisations.map((o) => o.code)).toEqual([orgs.trustA.code, orgs.siteA1.code]);
    const site = OrganisationPositions.parse((await h.call('GET', `/v1/positions?organisation=${orgs.siteA1.code}`, { token: ra.token })).body);
    expect(site.positions.map((p) => [p.title, p.closed, p.currentHolders])).toEqual([
      ['Nurse', false, 1],
      ['Old', true, 0],
    ]);
    const onlyOpen = await h.call('GET', `/v1/positions?organisation=${orgs.siteA1.code}&status=open`, { token: ra.token });
    expect(onlyOpen.body.positions.map((p: { id: number }) => p.id)).toEqual([open]);
    const outside = await h.call('GET', `/v1/positions?organisation=${orgs.trustB.code}`, { token: ra.token });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('out-of-scope');
    const unknown = await h.call('GET', '/v1/positions?organisation=NOPE1', { token: ra.token });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ path: 'query.organisation', message: 'no such organisation' }]);
  });
});

describe('creating, copying and editing', () => {
  it('rule: a position is created with its title, job role, roles, assignable and workgroups, and copied with a new title and the same rest; both audited', async () => {
    const { db } = h;
    const ram = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const wg = await workgroup(orgs.siteA1.id, 'Theatres', ram.userId);
    const made = await h.call('POST', '/v1/positions', {
      token: ram.token,
      json: { organisation: orgs.siteA1.code, title: 'Theatre Lead', jobRole: 'R8000', roles: ['S'], assignable: false, workgroupIds: [wg] },
    });
    expect(made.status).toBe(201);
    const created = PositionDetail.parse(made.body);
    expect(created).toMatchObject({ title: 'Theatre Lead', jobRole: 'R8000', roles: ['S'], assignable: false, closed: false, workgroups: [{ id: wg, name: 'Theatres' }], currentHolders: 0 });
    expect(await lastAudit(db)).toMatchObject({ action: 'position.created', actor: ram.uuid });
    const copy = await h.call('POST', `/v1/positions/${created.id}/copy`, { token: ram.token, json: { title: 'Theatre Lead (nights)' } });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ title: 'Theatre Lead (nights)', jobRole: 'R8000', roles: ['S'], assignable: false, workgroups: [{ id: wg, name: 'Theatres' }] });
    expect(copy.body.id).not.toBe(created.id);
    expect(await lastAudit(db)).toMatchObject({ action: 'position.copied', actor: ram.uuid });
    const edited = await h.call('PATCH', `/v1/positions/${created.id}`, { token: ram.token, json: { title: 'Theatre Manager', workgroupIds: [] } });
    expect(edited.body).toMatchObject({ title: 'Theatre Manager', workgroups: [] });
    expect(await lastAudit(db)).toMatchObject({ action: 'position.changed', actor: ram.uuid });
  });

  it('rule: bad input (empty title, unknown role, a workgroup of another organisation or closed, a taken title) is refused and nothing changes', async () => {
    const { db } = h;
    const ram = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const elsewhere = await workgroup(orgs.trustB.id, 'Elsewhere', ram.userId);
    const shut = await workgroup(orgs.trustA.id, 'Shut', ram.userId, true);
    await addPosition(db, { orgId: orgs.trustA.id, title: 'Taken' });
    const base = { organisation: orgs.trustA.code, title: 'New', jobRole: 'R1', roles: [], assignable: true, workgroupIds: [] };
    const before = await tableCounts(db);
    const cases: [unknown, number, string | undefined][] = [
      [{ ...base, title: '  ' }, 400, 'body.title'],
      [{ ...base, roles: ['BOSS'] }, 400, 'body.roles.0'],
      [{ ...base, workgroupIds: [elsewhere] }, 400, 'body.workgroupIds.0'],
      [{ ...base, workgroupIds: [shut] }, 400, 'body.workgroupIds.0'],
      [{ ...base, title: 'Bell\u0007' }, 400, 'body.title'],
      [{ ...base, organisation: 'NOPE1' }, 400, 'body.organisation'],
      [{ ...base, assignable: 'yes' }, 400, 'body.assignable'],
      [{ ...base, title: 'Taken' }, 409, undefined],
    ];
    for (const [json, status, path] of cases) {
      const res = await h.call('POST', '/v1/positions', { token: ram.token, json });
      expect(res.status).toBe(status);
      if (path) expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    expect(await tableCounts(db)).toEqual(before);
  });

  it('rule: nobody gives a position a role above their own: an RAA(A) cannot create or copy a position carrying RAM', async () => {
    const { db } = h;
    const advanced = await actor(db, orgs.trustA.id, ['RAA(A)'], 'Advanced');
    const ramPost = await addPosition(db, { orgId: orgs.trustA.id, title: 'RA Manager', roles: ['RAM'] });
    const before = await tableCounts(db);
    const res = await h.call('POST', '/v1/positions', { token: advanced.token, json: { organisation: orgs.trustA.code, title: 'X', jobRole: 'R', roles: ['RAM'], assignable: false, workgroupIds: [] } });
    expect(res.status).toBe(403);
    expect((await h.call('POST', `/v1/positions/${ramPost}/copy`, { token: advanced.token, json: { title: 'Y' } })).status).toBe(403);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('rule: several positions are made assignable or not in one call, all or none', async () => {
    const { db } = h;
    const ram = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const a = await addPosition(db, { orgId: orgs.trustA.id, title: 'A', assignable: false });
    const b = await addPosition(db, { orgId: orgs.trustA.id, title: 'B' });
    const outside = await addPosition(db, { orgId: orgs.trustB.id, title: 'C' });
    const refused = await h.call('POST', '/v1/positions/assignable', { token: ram.token, json: { changes: [{ id: a, assignable: true }, { id: outside, assignable: false }] } });
    expect(refused.status).toBe(403);
    expect((await db.selectFrom('positions').select('assignable').where('id', '=', a).executeTakeFirstOrThrow()).assignable).toBe(0);
    const res = await h.call('POST', '/v1/positions/assignable', { token: ram.token, json: { changes: [{ id: a, assignable: true }, { id: b, assignable: false }] } });
    expect(res.status).toBe(200);
    expect(res.body.positions.map((p: { id: number; assignable: boolean }) => [p.id, p.assignable])).toEqual([
      [a, true],
      [b, false],
    ]);
  });
});

describe('closing a position', () => {
  it('rule: closing ends its current assignments today, removes upcoming ones, rejects its waiting requests with the reason, in one go, audited', async () => {
    const { db } = h;
    const ram = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Closing' });
    const holders = await Promise.all([1, 2, 3].map((i) => addUser(db, { given: 'Holder', family: `${i}`, homeOrgId: orgs.trustA.id })));
    const [a1, a2] = [await assign(db, holders[0]!.id, p, '2025-01-01'), await assign(db, holders[1]!.id, p, '2025-01-01', '2025-12-31')];
    const upcoming = await assign(db, holders[2]!.id, p, '2025-09-01');
    const past = await assign(db, holders[2]!.id, p, '2024-01-01', '2024-06-01');
    const requester = await actor(db, orgs.trustA.id, [], 'Requester');
    const req = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [p], startDate: '2025-07-01' } });
    expect((await h.call('GET', `/v1/positions/${p}`, { token: ram.token })).body.currentHolders).toBe(3);

    const res = await h.call('POST', `/v1/positions/${p}/close`, { token: ram.token });
    expect(res.status).toBe(200);
    expect(ClosePositionResponse.parse(res.body)).toMatchObject({ endedAssignments: 3, rejectedRequests: 1, position: { closed: true, currentHolders: 0 } });
    const rows = await db.selectFrom('position_assignments').select(['id', 'end_date', 'removed_at']).where('position_id', '=', p).orderBy('id').execute();
    expect(rows).toEqual([
      { id: a1, end_date: '2025-06-15', removed_at: null },
      { id: a2, end_date: '2025-06-15', removed_at: null },
      { id: upcoming, end_date: null, removed_at: '2025-06-15T10:00:00.000Z' },
      { id: past, end_date: '2024-06-01', removed_at: null },
    ]);
    const request = await db.selectFrom('position_requests').select(['status', 'reason', 'decided_by']).where('id', '=', req.body.requests[0].id as number).executeTakeFirstOrThrow();
    expect(request).toEqual({ status: 'rejected', reason: POSITION_CLOSED_REASON, decided_by: ram.userId });
    expect(await lastAudit(db)).toMatchObject({ action: 'position.closed', actor: ram.uuid });
    expect((await h.call('POST', `/v1/positions/${p}/close`, { token: ram.token })).status).toBe(409);
    expect((await h.call('PATCH', `/v1/positions/${p}`, { token: ram.token, json: { title: 'Again' } })).status).toBe(409);
    // A closed position is no longer offered or assignable.
    expect((await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [p], startDate: '2025-07-01' } })).status).toBe(400);
  });
});
