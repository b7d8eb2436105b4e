import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addPosition, assign } from '../../../support/service-fixtures.js';
import { lastAudit, NOW, startHarness, tableCounts, type Harness, type Orgs } from './cim-harness.js';
import { makeAssignment, makeWorkgroup, manager, personAt } from './workgroups-support.js';

// Workgroups: create, list, view with members and history, assign, edit dates, remove, close.
// The harness clock says 2025-06-15.

let h: Harness;
let orgs: Orgs;
let ram: Awaited<ReturnType<typeof manager>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
  ram = await manager(h, orgs.trustA.id);
});
afterEach(() => {
  h.resetClock();
});

const detail = async (id: number) => (await h.call('GET', `/v1/workgroups/${id}`, { token: ram.token })).body;
const members = async (id: number) => (await detail(id)).members as { id: number; user: { uuid: string }; startDate: string; endDate: string | null }[];

describe('creating a workgroup', () => {
  it('rule: a workgroup is created open at an organisation in scope, and the creation is audited', async () => {
    const res = await h.call('POST', '/v1/workgroups', { token: ram.token, json: { organisationCode: orgs.siteA1.code.toLowerCase(), name: ' Ward 7 nurses ', description: 'Nurses on ward 7' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Ward 7 nurses', description: 'Nurses on ward 7', status: 'open', closedAt: null, liveAssignments: 0, organisation: { code: orgs.siteA1.code } });
    expect(await lastAudit(h.db)).toMatchObject({ action: 'workgroup.created', actor: ram.uuid, subject: `workgroup:${res.body.id}` });
  });

  it('rule: a name is unique among the open workgroups of an organisation (ignoring case and spaces), and nothing is written', async () => {
    await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Ward 7 nurses');
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/workgroups', { token: ram.token, json: { organisationCode: orgs.trustA.code, name: 'WARD  7 Nurses', description: 'Again' } });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('already has an open workgroup called');
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: the same name may be used at another organisation, or again once the first is closed', async () => {
    const first = await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Pharmacists');
    await makeWorkgroup(h, ram.token, orgs.siteA1.code, 'Pharmacists');
    expect((await h.call('POST', `/v1/workgroups/${first}/close`, { token: ram.token, json: { endingAssignments: 0 } })).status).toBe(200);
    await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Pharmacists');
  });

  it('rule: an unknown organisation code is a 400 naming the field', async () => {
    const res = await h.call('POST', '/v1/workgroups', { token: ram.token, json: { organisationCode: 'NOPE1', name: 'X', description: 'Y' } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.organisationCode', message: 'no such organisation' }]);
  });
});

describe('listing workgroups', () => {
  it("rule: the list shows an organisation's open workgroups by name; closed ones only when asked; the session's own organisation by default", async () => {
    const zeta = await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Zeta team');
    const alpha = await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Alpha team');
    await makeWorkgroup(h, ram.token, orgs.siteA1.code, 'Site team');
    await h.call('POST', `/v1/workgroups/${zeta}/close`, { token: ram.token, json: { endingAssignments: 0 } });
    const open = await h.call('GET', '/v1/workgroups', { token: ram.token });
    expect(open.body.organisation.code).toBe(orgs.trustA.code);
    expect(open.body.workgroups.map((w: { id: number }) => w.id)).toEqual([alpha]);
    const all = await h.call('GET', `/v1/workgroups?organisationCode=${orgs.trustA.code}&includeClosed=true`, { token: ram.token });
    expect(all.body.workgroups.map((w: { name: string; status: string }) => [w.name, w.status])).toEqual([
      ['Alpha team', 'open'],
      ['Zeta team', 'closed'],
    ]);
  });

  it('rule: a name filter finds workgroups whose name contains it, whatever the case; % and _ are plain characters', async () => {
    await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Ward 7 nurses');
    await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Pharmacy');
    const res = await h.call('GET', '/v1/workgroups?name=NURSE', { token: ram.token });
    expect(res.body.workgroups.map((w: { name: string }) => w.name)).toEqual(['Ward 7 nurses']);
    expect((await h.call('GET', '/v1/workgroups?name=%25', { token: ram.token })).body.workgroups).toEqual([]);
  });
});

describe('assigning a workgroup', () => {
  it('rule: a workgroup is assigned to a user in scope from a start date; they show among its members and the assignment is audited', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.siteA1.id);
    const res = await h.call('POST', `/v1/workgroups/${id}/assignments`, { token: ram.token, json: { userUuid: user.uuid, startDate: '2025-06-15', endDate: '2025-12-31' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ user: { uuid: user.uuid, name: 'Wendy Member' }, startDate: '2025-06-15', endDate: '2025-12-31' });
    expect(await members(id)).toEqual([res.body]);
    expect((await detail(id)).workgroup.liveAssignments).toBe(1);
    expect(await lastAudit(h.db)).toMatchObject({ action: 'workgroup.assigned', subject: `workgroup:${id}` });
  });

  it('rule: a user cannot hold two live assignments of the same workgroup whose dates overlap; nothing is written', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    await makeAssignment(h, ram.token, id, user.uuid, '2025-07-01', '2025-07-31');
    const before = await tableCounts(h.db);
    for (const [startDate, endDate] of [
      ['2025-06-15', null],
      ['2025-07-31', '2025-08-31'],
      ['2025-06-15', '2025-07-01'],
    ] as const) {
      const res = await h.call('POST', `/v1/workgroups/${id}/assignments`, { token: ram.token, json: { userUuid: user.uuid, startDate, endDate } });
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('overlap');
    }
    expect(await tableCounts(h.db)).toEqual(before);
    // Dates that do not meet it are fine.
    await makeAssignment(h, ram.token, id, user.uuid, '2025-08-01', null);
  });

  it('rule: assigning needs the user in scope too: a workgroup in scope cannot be given to a user in a sibling trust', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const outsider = await personAt(h, orgs.trustB.id);
    const res = await h.call('POST', `/v1/workgroups/${id}/assignments`, { token: ram.token, json: { userUuid: outsider.uuid, startDate: '2025-06-15' } });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'out-of-scope' });
  });

  it('rule: a user from another trust holding a position in scope may be assigned', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const visitor = await personAt(h, orgs.trustB.id);
    await assign(h.db, visitor.id, await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Locum' }));
    await makeAssignment(h, ram.token, id, visitor.uuid);
  });

  it('rule: the start date cannot be in the past and the end date cannot be before the start', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    const past = await h.call('POST', `/v1/workgroups/${id}/assignments`, { token: ram.token, json: { userUuid: user.uuid, startDate: '2025-06-14' } });
    expect(past.status).toBe(400);
    expect(past.body.fields).toEqual([{ path: 'body.startDate', message: 'the start date must be today or later' }]);
    const backwards = await h.call('POST', `/v1/workgroups/${id}/assignments`, { token: ram.token, json: { userUuid: user.uuid, startDate: '2025-07-01', endDate: '2025-06-30' } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.fields).toEqual([{ path: 'body.endDate', message: 'the end date must be the same as or after the start date' }]);
    expect(await members(id)).toEqual([]);
  });

  it('rule: a closed user profile cannot be given a workgroup', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    await h.db.updateTable('users').set({ status: 'closed' }).where('id', '=', user.id).execute();
    expect((await h.call('POST', `/v1/workgroups/${id}/assignments`, { token: ram.token, json: { userUuid: user.uuid, startDate: '2025-06-15' } })).status).toBe(409);
  });
});

describe('editing the dates of an assignment', () => {
  it('rule: the dates of a live assignment are changed and the change is audited with the old dates', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    const assignmentId = await makeAssignment(h, ram.token, id, user.uuid, '2025-07-01', null);
    const res = await h.call('PATCH', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token, json: { startDate: '2025-07-02', endDate: '2025-09-30' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: assignmentId, startDate: '2025-07-02', endDate: '2025-09-30' });
    const audit = await lastAudit(h.db);
    expect(audit?.action).toBe('workgroup.dates-edited');
    expect(JSON.parse(audit?.details ?? '{}')).toMatchObject({ from: { startDate: '2025-07-01', endDate: null }, startDate: '2025-07-02', endDate: '2025-09-30' });
  });

  it('rule: a start date already in the past may be kept when only the end date changes, but not moved to another past day', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    const assignmentId = await makeAssignment(h, ram.token, id, user.uuid, '2025-06-15', null);
    h.setNow(new Date(NOW.getTime() + 10 * 86_400_000));
    const kept = await h.call('PATCH', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token, json: { startDate: '2025-06-15', endDate: '2025-06-30' } });
    expect(kept.status).toBe(200);
    const moved = await h.call('PATCH', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token, json: { startDate: '2025-06-16', endDate: '2025-06-30' } });
    expect(moved.status).toBe(400);
    expect(moved.body.fields).toEqual([{ path: 'body.startDate', message: 'the start date must be today or later' }]);
  });

  it("rule: new dates cannot overlap the user's other live assignment of the workgroup", async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    const first = await makeAssignment(h, ram.token, id, user.uuid, '2025-06-15', '2025-06-30');
    await makeAssignment(h, ram.token, id, user.uuid, '2025-07-01', null);
    const res = await h.call('PATCH', `/v1/workgroups/${id}/assignments/${first}`, { token: ram.token, json: { startDate: '2025-06-15', endDate: '2025-07-01' } });
    expect(res.status).toBe(409);
    expect((await members(id)).find((m) => m.id === first)?.endDate).toBe('2025-06-30');
  });

  it('rule: an assignment of another workgroup is not found through this one', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code, 'One');
    const other = await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Two');
    const assignmentId = await makeAssignment(h, ram.token, other, (await personAt(h, orgs.trustA.id)).uuid);
    expect((await h.call('PATCH', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token, json: { startDate: '2025-06-20' } })).status).toBe(404);
    expect((await h.call('DELETE', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token })).status).toBe(404);
  });
});

describe('removing an assignment', () => {
  it('rule: a removed assignment leaves the members, stays in the history, and cannot be removed or edited again', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    const assignmentId = await makeAssignment(h, ram.token, id, user.uuid);
    const res = await h.call('DELETE', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token });
    expect(res.status).toBe(200);
    expect(res.body.removed.id).toBe(assignmentId);
    expect(await members(id)).toEqual([]);
    expect((await lastAudit(h.db))?.action).toBe('workgroup.assignment-removed');
    expect((await h.call('DELETE', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token })).status).toBe(409);
    expect((await h.call('PATCH', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token, json: { startDate: '2025-06-20' } })).status).toBe(409);
  });
});

describe('closing a workgroup', () => {
  it('rule: closing ends the live assignments today (those not yet started are removed), and a closed workgroup cannot be assigned', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const started = await personAt(h, orgs.trustA.id, 'Started');
    const later = await personAt(h, orgs.trustA.id, 'Later');
    await makeAssignment(h, ram.token, id, started.uuid, '2025-06-15', '2026-01-01');
    await makeAssignment(h, ram.token, id, later.uuid, '2025-08-01', null);
    const res = await h.call('POST', `/v1/workgroups/${id}/close`, { token: ram.token, json: { endingAssignments: 2 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', closedAt: NOW.toISOString() });
    expect((await members(id)).map((m) => [m.user.uuid, m.endDate])).toEqual([[started.uuid, '2025-06-15']]);
    expect(JSON.parse((await lastAudit(h.db))?.details ?? '{}')).toMatchObject({ endedAssignments: 2 });
    const assign = await h.call('POST', `/v1/workgroups/${id}/assignments`, { token: ram.token, json: { userUuid: later.uuid, startDate: '2025-09-01' } });
    expect(assign.status).toBe(409);
    expect(assign.body.message).toContain('closed workgroups cannot be assigned');
    expect((await h.call('POST', `/v1/workgroups/${id}/close`, { token: ram.token, json: { endingAssignments: 0 } })).status).toBe(409);
  });

  it('rule: closing is refused when the count of assignments it would end is not the count the user was warned of; nothing changes', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    await makeAssignment(h, ram.token, id, (await personAt(h, orgs.trustA.id)).uuid);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/workgroups/${id}/close`, { token: ram.token, json: { endingAssignments: 0 } });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('now has 1 current assignment, not 0');
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await detail(id)).workgroup.status).toBe('open');
  });
});

describe('history and a user’s workgroups', () => {
  it('rule: the history lists created, assigned, dates edited, removed and closed, oldest first, with who did it and to whom', async () => {
    const id = await makeWorkgroup(h, ram.token, orgs.trustA.code);
    const user = await personAt(h, orgs.trustA.id);
    const assignmentId = await makeAssignment(h, ram.token, id, user.uuid, '2025-06-20', null);
    await h.call('PATCH', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token, json: { startDate: '2025-06-21', endDate: '2025-07-21' } });
    await h.call('DELETE', `/v1/workgroups/${id}/assignments/${assignmentId}`, { token: ram.token });
    await h.call('POST', `/v1/workgroups/${id}/close`, { token: ram.token, json: { endingAssignments: 0 } });
    const by = { uuid: ram.uuid, name: 'Test Manager' };
    const member = { uuid: user.uuid, name: 'Wendy Member' };
    const at = NOW.toISOString();
    expect((await detail(id)).history).toEqual([
      { at, kind: 'created', by, user: null, startDate: null, endDate: null, endedAssignments: null },
      { at, kind: 'assigned', by, user: member, startDate: '2025-06-20', endDate: null, endedAssignments: null },
      { at, kind: 'dates-edited', by, user: member, startDate: '2025-06-21', endDate: '2025-07-21', endedAssignments: null },
      { at, kind: 'removed', by, user: member, startDate: '2025-06-21', endDate: '2025-07-21', endedAssignments: null },
      { at, kind: 'closed', by, user: null, startDate: null, endDate: null, endedAssignments: 0 },
    ]);
  });

  it("rule: a user's workgroups are their live assignments; one at an organisation outside the subtree is shown but not manageable", async () => {
    const user = await personAt(h, orgs.trustA.id);
    const mine = await makeWorkgroup(h, ram.token, orgs.siteA1.code, 'Mine');
    const otherRam = await manager(h, orgs.region.id);
    const theirs = await makeWorkgroup(h, otherRam.token, orgs.trustB.code, 'Theirs');
    const ended = await makeWorkgroup(h, ram.token, orgs.trustA.code, 'Removed one');
    await makeAssignment(h, ram.token, mine, user.uuid, '2025-06-15', null);
    await makeAssignment(h, otherRam.token, theirs, user.uuid, '2025-06-16', null);
    const removed = await makeAssignment(h, ram.token, ended, user.uuid);
    await h.call('DELETE', `/v1/workgroups/${ended}/assignments/${removed}`, { token: ram.token });
    const res = await h.call('GET', `/v1/users/${user.uuid}/workgroups`, { token: ram.token });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ uuid: user.uuid, name: 'Wendy Member' });
    expect(res.body.assignments.map((a: { workgroup: { name: string }; manageable: boolean }) => [a.workgroup.name, a.manageable])).toEqual([
      ['Mine', true],
      ['Theirs', false],
    ]);
  });
});
