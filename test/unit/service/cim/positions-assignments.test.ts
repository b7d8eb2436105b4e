import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Assignment, UserAssignments } from '../../../../src-shared/api/cim-positions.js';
import { actor, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { lastAudit, startHarness, tableCounts, TODAY, type Harness, type Orgs } from './cim-harness.js';

// Managing a user's position assignments directly (seed 004 "Manage position assignments").

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

const userAt = (orgId: number) => addUser(h.db, { given: 'Col', family: 'League', homeOrgId: orgId });
const assignmentRow = (id: number) => h.db.selectFrom('position_assignments').select(['start_date', 'end_date', 'removed_at']).where('id', '=', id).executeTakeFirstOrThrow();

describe('assigning a position', () => {
  it('rule: RA staff assign any open position directly, for the fixed term unless an end date is given; audited', async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const user = await userAt(orgs.siteA1.id);
    const p = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Consultant', assignable: false });
    const res = await h.call('POST', `/v1/users/${user.uuid}/assignments`, { token: ra.token, json: { positionId: p, startDate: TODAY } });
    expect(res.status).toBe(201);
    expect(Assignment.parse(res.body)).toMatchObject({ startDate: TODAY, endDate: '2026-06-15', state: 'current', position: { id: p } });
    expect(await lastAudit(db)).toMatchObject({ actor: ra.uuid, action: 'position-assignment.created', subject: user.uuid });
    const q = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Locum' });
    const dated = await h.call('POST', `/v1/users/${user.uuid}/assignments`, { token: ra.token, json: { positionId: q, startDate: '2025-07-01', endDate: '2025-07-31' } });
    expect(dated.body).toMatchObject({ endDate: '2025-07-31', state: 'upcoming' });
    const profile = await h.call('GET', `/v1/users/${user.uuid}`, { token: ra.token });
    expect(profile.body.assignments.map((a: { position: { id: number } }) => a.position.id).sort()).toEqual([p, q].sort());
  });

  it('rule: a sponsor assigns only assignable positions; any other is refused with a message saying to request it, and nothing changes', async () => {
    const { db } = h;
    const sponsor = await actor(db, orgs.trustA.id, ['S'], 'Sponsor');
    const user = await userAt(orgs.trustA.id);
    const assignable = await addPosition(db, { orgId: orgs.trustA.id, title: 'HCA' });
    const restricted = await addPosition(db, { orgId: orgs.trustA.id, title: 'Consultant', assignable: false });
    expect((await h.call('POST', `/v1/users/${user.uuid}/assignments`, { token: sponsor.token, json: { positionId: assignable, startDate: TODAY } })).status).toBe(201);
    const before = await tableCounts(db);
    const refused = await h.call('POST', `/v1/users/${user.uuid}/assignments`, { token: sponsor.token, json: { positionId: restricted, startDate: TODAY } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('That position is not assignable: request it for the user with Add access positions instead.');
    expect(await tableCounts(db)).toEqual(before);
  });

  it('rule: a closed or unknown position, a past start, an end before the start, or a position already held is refused and nothing changes', async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const user = await userAt(orgs.trustA.id);
    const closed = await addPosition(db, { orgId: orgs.trustA.id, title: 'Closed' });
    await db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    const held = await addPosition(db, { orgId: orgs.trustA.id, title: 'Held' });
    await assign(db, user.id, held);
    const before = await tableCounts(db);
    const cases: [unknown, number, string | undefined][] = [
      [{ positionId: closed, startDate: TODAY }, 400, 'body.positionId'],
      [{ positionId: 999999, startDate: TODAY }, 400, 'body.positionId'],
      [{ positionId: held, startDate: '2025-06-14' }, 400, 'body.startDate'],
      [{ positionId: held, startDate: TODAY, endDate: '2025-06-01' }, 400, 'body.endDate'],
      [{ positionId: held, startDate: 'soon' }, 400, 'body.startDate'],
      [{ positionId: held, startDate: TODAY }, 409, undefined],
    ];
    for (const [json, status, path] of cases) {
      const res = await h.call('POST', `/v1/users/${user.uuid}/assignments`, { token: ra.token, json });
      expect(res.status).toBe(status);
      if (path) expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    expect(await tableCounts(db)).toEqual(before);
  });

  it('rule: nobody assigns positions to themselves', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const p = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'More power' });
    const res = await h.call('POST', `/v1/users/${ra.uuid}/assignments`, { token: ra.token, json: { positionId: p, startDate: TODAY } });
    expect(res.status).toBe(403);
  });
});

describe('changing and removing assignments', () => {
  it("rule: an assignment's dates can be changed and it can be removed (kept, marked removed); both audited", async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const user = await userAt(orgs.trustA.id);
    const id = await assign(db, user.id, await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' }), '2025-01-01', '2025-12-31');
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/assignments/${id}`, { token: ra.token, json: { endDate: '2026-03-31' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ startDate: '2025-01-01', endDate: '2026-03-31', state: 'current' });
    expect(await lastAudit(db)).toMatchObject({ action: 'position-assignment.changed', actor: ra.uuid, subject: user.uuid });
    const removed = await h.call('POST', `/v1/users/${user.uuid}/assignments/${id}/remove`, { token: ra.token });
    expect(removed.body).toMatchObject({ state: 'removed', removedAt: '2025-06-15T10:00:00.000Z' });
    expect(await assignmentRow(id)).toEqual({ start_date: '2025-01-01', end_date: '2026-03-31', removed_at: '2025-06-15T10:00:00.000Z' });
    expect(await lastAudit(db)).toMatchObject({ action: 'position-assignment.removed', actor: ra.uuid, subject: user.uuid });
    expect((await h.call('POST', `/v1/users/${user.uuid}/assignments/${id}/remove`, { token: ra.token })).status).toBe(409);
  });

  it('rule: bad dates are a 400 naming the field and change nothing; an assignment of another user is 404', async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const user = await userAt(orgs.trustA.id);
    const other = await userAt(orgs.trustA.id);
    const id = await assign(db, user.id, await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' }), '2025-01-01', '2025-12-31');
    const before = await tableCounts(db);
    for (const [json, path] of [
      [{}, 'body.startDate'],
      [{ endDate: '2025-06-14' }, 'body.endDate'],
      [{ endDate: '2024-12-01', startDate: '2025-01-01' }, 'body.endDate'],
      [{ startDate: '2025-06-01' }, 'body.startDate'],
      [{ endDate: 'tomorrow' }, 'body.endDate'],
    ] as const) {
      const res = await h.call('PATCH', `/v1/users/${user.uuid}/assignments/${id}`, { token: ra.token, json });
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    expect((await h.call('PATCH', `/v1/users/${other.uuid}/assignments/${id}`, { token: ra.token, json: { endDate: '2026-01-01' } })).status).toBe(404);
    expect(await tableCounts(db)).toEqual(before);
    expect(await assignmentRow(id)).toEqual({ start_date: '2025-01-01', end_date: '2025-12-31', removed_at: null });
  });

  it('rule: ended and removed assignments are listed only with include=all, for those who may view ended assignments', async () => {
    const { db } = h;
    const sponsor = await actor(db, orgs.trustA.id, ['S'], 'Sponsor');
    const user = await userAt(orgs.trustA.id);
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' });
    const current = await assign(db, user.id, p, '2025-01-01');
    const ended = await assign(db, user.id, p, '2024-01-01', '2024-12-31');
    const removed = await assign(db, user.id, p, '2024-06-01');
    await db.updateTable('position_assignments').set({ removed_at: '2025-01-01T00:00:00.000Z' }).where('id', '=', removed).execute();
    const active = UserAssignments.parse((await h.call('GET', `/v1/users/${user.uuid}/assignments`, { token: sponsor.token })).body);
    expect(active.assignments.map((a) => [a.id, a.state])).toEqual([[current, 'current']]);
    const all = UserAssignments.parse((await h.call('GET', `/v1/users/${user.uuid}/assignments?include=all`, { token: sponsor.token })).body);
    expect(all.assignments.map((a) => [a.id, a.state])).toEqual([
      [ended, 'ended'],
      [removed, 'removed'],
      [current, 'current'],
    ]);
  });
});

describe('several assignments at once', () => {
  it('rule: one call removes and re-dates several assignments of a profile together', async () => {
    const { db } = h;
    const ram = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const user = await userAt(orgs.trustA.id);
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' });
    const a = await assign(db, user.id, p, '2025-01-01');
    const b = await assign(db, user.id, await addPosition(db, { orgId: orgs.trustA.id, title: 'Clerk' }), '2025-01-01');
    const res = await h.call('POST', `/v1/users/${user.uuid}/assignments/changes`, {
      token: ram.token,
      json: { changes: [{ id: a, action: 'remove' }, { id: b, action: 'redate', endDate: '2025-09-30' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.assignments.map((x: { id: number; endDate: string }) => [x.id, x.endDate])).toEqual([[b, '2025-09-30']]);
    expect((await assignmentRow(a)).removed_at).toBe('2025-06-15T10:00:00.000Z');
  });

  it('rule: when any change is refused, none is made', async () => {
    const { db } = h;
    const ram = await actor(db, orgs.trustA.id, ['RAA(A)'], 'Advanced');
    const user = await userAt(orgs.trustA.id);
    const a = await assign(db, user.id, await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' }), '2025-01-01');
    const b = await assign(db, user.id, await addPosition(db, { orgId: orgs.trustA.id, title: 'Clerk' }), '2025-01-01', '2025-12-31');
    const before = await tableCounts(db);
    const res = await h.call('POST', `/v1/users/${user.uuid}/assignments/changes`, {
      token: ram.token,
      json: { changes: [{ id: a, action: 'remove' }, { id: b, action: 'redate', endDate: '2024-01-01' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toContain('body.changes.1.endDate');
    expect(await tableCounts(db)).toEqual(before);
    expect((await assignmentRow(a)).removed_at).toBeNull();
    const twice = await h.call('POST', `/v1/users/${user.uuid}/assignments/changes`, { token: ram.token, json: { changes: [{ id: a, action: 'remove' }, { id: a, action: 'remove' }] } });
    expect(twice.status).toBe(400);
    expect(twice.body.fields).toEqual([{ path: 'body.changes.1.id', message: 'assignment listed twice' }]);
    expect((await h.call('POST', `/v1/users/${user.uuid}/assignments/changes`, { token: ram.token, json: { changes: [] } })).status).toBe(400);
    expect(await tableCounts(db)).toEqual(before);
  });
});
