import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POSITION_TERM_DAYS, PositionRequestList } from '../../../../src-shared/api/service-cim.js';
import { actor, addPosition, addUser, sessionFor, assign } from '../../../support/service-fixtures.js';
import { lastAudit, startHarness, TODAY, type Harness, type Orgs, type Reply } from './cim-harness.js';

// "Add access positions": a user requests positions from a start date, the end date fixed; RA
// staff grant or reject them from the Position Request List of their organisation's subtree.

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

async function requestCount(userId: number): Promise<number> {
  const row = await h.db.selectFrom('position_requests').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function assignmentCount(): Promise<number> {
  return Number((await h.db.selectFrom('position_assignments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

describe('requesting positions for yourself', () => {
  it('rule: the end date is fixed at start + the position term; each request starts pending and is audited', async () => {
    const { db } = h;
    const me = await actor(db, orgs.siteA1.id, [], 'Requester');
    const nurse = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const clerk = await addPosition(db, { orgId: orgs.trustA.id, title: 'Ward Clerk' });
    const res = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [nurse, clerk], startDate: '2025-07-01' } });
    expect(res.status).toBe(201);
    const list = PositionRequestList.parse(res.body);
    expect(POSITION_TERM_DAYS).toBe(365);
    expect(list.requests.map((r) => [r.position.id, r.startDate, r.endDate, r.status, r.user.uuid])).toEqual([
      [nurse, '2025-07-01', '2026-07-01', 'pending', me.uuid],
      [clerk, '2025-07-01', '2026-07-01', 'pending', me.uuid],
    ]);
    expect(list.requests[0]?.requestedAt).toBe('2025-06-15T10:00:00.000Z');
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor', 'subject', 'workstation_id', 'details'])
      .where('action', '=', 'position-request.created')
      .orderBy('seq')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor: me.uuid, subject: me.uuid, workstation_id: 'test-ws' });
    expect(JSON.parse(audit[0]?.details ?? '{}')).toEqual({ requestId: list.requests[0]?.id, positionId: nurse, startDate: '2025-07-01', endDate: '2026-07-01' });
  });

  it('rule: the end date crosses a leap day correctly (365 days, not "same date next year")', async () => {
    const me = await actor(h.db, orgs.trustA.id, []);
    const p = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Pharmacist' });
    const res = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2027-06-01' } });
    expect(res.status).toBe(201);
    expect(res.body.requests[0].endDate).toBe('2028-05-31');
  });

  it('rule: the start date may be today (UTC) but not in the past', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, []);
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' });
    // Just after midnight UTC on the 15th: the 14th is already the past.
    h.setNow(new Date(`${TODAY}T00:00:00.000Z`));
    const past = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2025-06-14' } });
    expect(past.status).toBe(400);
    expect(past.body.fields).toEqual([{ path: 'body.startDate', message: 'the start date must not be in the past' }]);
    const today = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: TODAY } });
    expect(today.status).toBe(201);
  });

  it('rule: a start date whose fixed end date cannot be written is refused, not a server error', async () => {
    const me = await actor(h.db, orgs.trustA.id, []);
    const p = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Porter' });
    const res = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '9999-06-01' } });
    expect(res.status).toBe(400);
    expect(res.body.fields[0].path).toBe('body.startDate');
  });

  it('rule: only open positions can be requested, and a request with any closed or unknown position creates nothing', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, []);
    const open = await addPosition(db, { orgId: orgs.trustA.id, title: 'Open' });
    const closed = await addPosition(db, { orgId: orgs.trustA.id, title: 'Closed' });
    await db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    const before = await requestCount(me.userId);
    const res = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [open, closed, 987654], startDate: '2025-07-01' } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([
      { path: 'body.positionIds.1', message: 'the position is closed' },
      { path: 'body.positionIds.2', message: 'no such position' },
    ]);
    expect(await requestCount(me.userId)).toBe(before);
  });

  it('rule: the same position listed twice in one request is refused', async () => {
    const me = await actor(h.db, orgs.trustA.id, []);
    const p = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Porter' });
    const res = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p, p], startDate: '2025-07-01' } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.positionIds.1', message: 'position listed twice' }]);
  });

  it('rule: a second pending request for the same position is a conflict; after a decision a new request is allowed', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' });
    const other = await addPosition(db, { orgId: orgs.trustA.id, title: 'Cleaner' });
    const first = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2025-07-01' } });
    expect(first.status).toBe(201);
    const again = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [other, p], startDate: '2025-08-01' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    // All or nothing: the other position was not requested either.
    expect(await requestCount(me.userId)).toBe(1);
    // Another user may request the same position.
    const colleague = await actor(db, orgs.trustA.id, [], 'Colleague');
    expect((await h.call('POST', '/v1/me/position-requests', { token: colleague.token, json: { positionIds: [p], startDate: '2025-07-01' } })).status).toBe(201);
    const reject = await h.call('POST', `/v1/position-requests/${first.body.requests[0].id}/reject`, { token: ra.token, json: { reason: 'Wrong ward' } });
    expect(reject.status).toBe(200);
    expect((await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2025-07-01' } })).status).toBe(201);
  });
});

describe('the Position Request List', () => {
  it("rule: the list holds only requests for positions in the session's organisation and its children", async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustB.id, [], 'Requester');
    const atSite = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Site A1 nurse' });
    const atTrustA = await addPosition(db, { orgId: orgs.trustA.id, title: 'Trust A clerk' });
    const atTrustB = await addPosition(db, { orgId: orgs.trustB.id, title: 'Trust B porter' });
    const atRegion = await addPosition(db, { orgId: orgs.region.id, title: 'Region analyst' });
    await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [atSite, atTrustA, atTrustB, atRegion], startDate: '2025-07-01' } });

    const trustAAgent = await actor(db, orgs.trustA.id, ['RAA']);
    const res = await h.call('GET', '/v1/position-requests', { token: trustAAgent.token });
    expect(res.status).toBe(200);
    expect(res.body.requests.map((r: { position: { id: number } }) => r.position.id)).toEqual([atSite, atTrustA]);

    const siteSponsor = await actor(db, orgs.siteA1.id, ['S']);
    const site = await h.call('GET', '/v1/position-requests?status=pending', { token: siteSponsor.token });
    expect(site.body.requests.map((r: { position: { id: number } }) => r.position.id)).toEqual([atSite]);

    const regionManager = await actor(db, orgs.region.id, ['RAM']);
    const region = await h.call('GET', '/v1/position-requests', { token: regionManager.token });
    expect(region.body.requests).toHaveLength(4);
  });

  it('rule: the list filters by status, pending by default', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const ra = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const [a, b, c] = [
      await addPosition(db, { orgId: orgs.trustA.id, title: 'A' }),
      await addPosition(db, { orgId: orgs.trustA.id, title: 'B' }),
      await addPosition(db, { orgId: orgs.trustA.id, title: 'C' }),
    ];
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [a, b, c], startDate: '2025-07-01' } });
    const [ra1, rb] = made.body.requests.map((r: { id: number }) => r.id) as [number, number];
    await h.call('POST', `/v1/position-requests/${ra1}/grant`, { token: ra.token });
    await h.call('POST', `/v1/position-requests/${rb}/reject`, { token: ra.token, json: { reason: 'Not needed' } });
    const ids = async (q: string): Promise<number[]> =>
      (await h.call('GET', `/v1/position-requests${q}`, { token: ra.token })).body.requests.map((r: { position: { id: number } }) => r.position.id);
    expect(await ids('')).toEqual([c]);
    expect(await ids('?status=pending')).toEqual([c]);
    expect(await ids('?status=granted')).toEqual([a]);
    expect(await ids('?status=rejected')).toEqual([b]);
    const rejected = await h.call('GET', '/v1/position-requests?status=rejected', { token: ra.token });
    expect(rejected.body.requests[0].reason).toBe('Not needed');
  });
});

describe('granting and rejecting', () => {
  it('rule: RA staff grant a pending request and the user then holds the position for the requested dates', async () => {
    const { db } = h;
    const me = await actor(db, orgs.siteA1.id, [], 'Requester');
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const p = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Theatre Nurse', jobRole: 'R8000' });
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: TODAY } });
    const id = made.body.requests[0].id as number;

    const queue = await h.call('GET', '/v1/position-requests', { token: ra.token });
    expect(queue.body.requests.map((r: { id: number }) => r.id)).toEqual([id]);

    const granted = await h.call('POST', `/v1/position-requests/${id}/grant`, { token: ra.token });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ id, status: 'granted', startDate: TODAY, endDate: '2026-06-15' });
    const row = await db.selectFrom('position_requests').select(['status', 'decided_by', 'decided_at']).where('id', '=', id).executeTakeFirst();
    expect(row).toEqual({ status: 'granted', decided_by: ra.userId, decided_at: '2025-06-15T10:00:00.000Z' });

    const profile = await h.call('GET', `/v1/users/${me.uuid}`, { token: ra.token });
    expect(profile.status).toBe(200);
    expect(profile.body.assignments).toContainEqual(
      expect.objectContaining({ position: expect.objectContaining({ id: p, title: 'Theatre Nurse' }), startDate: TODAY, endDate: '2026-06-15' }),
    );
    // And the user sees it on their own profile.
    const own = await h.call('GET', `/v1/users/${me.uuid}`, { token: me.token });
    expect(own.body.assignments.map((a: { position: { id: number } }) => a.position.id)).toContain(p);

    expect(await lastAudit(db)).toMatchObject({ actor: ra.uuid, action: 'position-request.granted', subject: me.uuid, workstation_id: 'test-ws' });
    expect((await h.call('GET', '/v1/position-requests', { token: ra.token })).body.requests).toEqual([]);
  });

  it('rule: a request starting in the future is granted as an upcoming assignment the profile shows', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const ra = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Bank Porter' });
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2025-09-01' } });
    expect((await h.call('POST', `/v1/position-requests/${made.body.requests[0].id}/grant`, { token: ra.token })).status).toBe(200);
    const profile = await h.call('GET', `/v1/users/${me.uuid}`, { token: me.token });
    expect(profile.body.assignments).toContainEqual(expect.objectContaining({ startDate: '2025-09-01', endDate: '2026-09-01' }));
  });

  it('rule: a rejection keeps the reason and who decided, and creates no assignment', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const sponsor = await actor(db, orgs.trustA.id, ['S'], 'Sponsor');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Ward Clerk' });
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2025-07-01' } });
    const id = made.body.requests[0].id as number;
    const before = await assignmentCount();
    const res = await h.call('POST', `/v1/position-requests/${id}/reject`, { token: sponsor.token, json: { reason: '  Please ask for the bank post instead  ' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'rejected', reason: 'Please ask for the bank post instead' });
    expect(await db.selectFrom('position_requests').select(['decided_by', 'decided_at']).where('id', '=', id).executeTakeFirst()).toEqual({
      decided_by: sponsor.userId,
      decided_at: '2025-06-15T10:00:00.000Z',
    });
    expect(await assignmentCount()).toBe(before);
    expect(await lastAudit(db)).toMatchObject({ actor: sponsor.uuid, action: 'position-request.rejected', subject: me.uuid, workstation_id: 'test-ws' });
  });

  it('rule: a request decided several times at the same moment is decided once: one decision stands, the others are conflicts', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const granter = await actor(db, orgs.trustA.id, ['RAA'], 'Granting agent');
    const rejecter = await actor(db, orgs.trustA.id, ['RAM'], 'Rejecting manager');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Contested' });
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2025-07-01' } });
    const id = made.body.requests[0].id as number;
    const before = await assignmentCount();
    const grant = (): Promise<Reply> => h.call('POST', `/v1/position-requests/${id}/grant`, { token: granter.token });
    const reject = (): Promise<Reply> => h.call('POST', `/v1/position-requests/${id}/reject`, { token: rejecter.token, json: { reason: 'Not this one' } });
    const replies = await Promise.all([grant(), grant(), grant(), grant(), reject(), reject()]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const granted = replies.findIndex((r) => r.status === 200) < 4;
    const row = await db.selectFrom('position_requests').select(['status', 'decided_by']).where('id', '=', id).executeTakeFirst();
    expect(row).toEqual(granted ? { status: 'granted', decided_by: granter.userId } : { status: 'rejected', decided_by: rejecter.userId });
    expect(await assignmentCount()).toBe(before + (granted ? 1 : 0));
    const decisions = await db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['position-request.granted', 'position-request.rejected'])
      .where('actor', 'in', [granter.uuid, rejecter.uuid])
      .execute();
    expect(decisions).toHaveLength(1);
  });

  it('rule: only a pending request can be decided; deciding it again is a conflict', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const ra = await actor(db, orgs.trustA.id, ['RAA(A)'], 'Agent');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'P' });
    const q = await addPosition(db, { orgId: orgs.trustA.id, title: 'Q' });
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p, q], startDate: '2025-07-01' } });
    const [granted, rejected] = made.body.requests.map((r: { id: number }) => r.id) as [number, number];
    expect((await h.call('POST', `/v1/position-requests/${granted}/grant`, { token: ra.token })).status).toBe(200);
    expect((await h.call('POST', `/v1/position-requests/${rejected}/reject`, { token: ra.token, json: { reason: 'No' } })).status).toBe(200);
    const assignments = await assignmentCount();
    for (const [id, action] of [
      [granted, 'grant'],
      [granted, 'reject'],
      [rejected, 'grant'],
      [rejected, 'reject'],
    ] as const) {
      const res = await h.call('POST', `/v1/position-requests/${id}/${action}`, { token: ra.token, ...(action === 'reject' ? { json: { reason: 'again' } } : {}) });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('conflict');
    }
    expect(await assignmentCount()).toBe(assignments);
  });

  it('rule: an unknown request is 404', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAA']);
    const res = await h.call('POST', '/v1/position-requests/424242/grant', { token: ra.token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not-found');
  });

  it('rule: nobody grants their own position request', async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Second job', roles: ['RAM'] });
    const made = await h.call('POST', '/v1/me/position-requests', { token: ra.token, json: { positionIds: [p], startDate: '2025-07-01' } });
    const res = await h.call('POST', `/v1/position-requests/${made.body.requests[0].id}/grant`, { token: ra.token });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    const row = await db.selectFrom('position_requests').select('status').where('id', '=', made.body.requests[0].id as number).executeTakeFirst();
    expect(row?.status).toBe('pending');
  });

  it('rule: a sponsor grants requests only for assignable positions; RA staff grant the others', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const sponsor = await actor(db, orgs.trustA.id, ['S'], 'Sponsor');
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const assignable = await addPosition(db, { orgId: orgs.trustA.id, title: 'Healthcare Assistant' });
    const restricted = await addPosition(db, { orgId: orgs.trustA.id, title: 'Consultant', assignable: false });
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [assignable, restricted], startDate: '2025-07-01' } });
    const [ok, notAssignable] = made.body.requests.map((r: { id: number }) => r.id) as [number, number];
    expect((await h.call('POST', `/v1/position-requests/${ok}/grant`, { token: sponsor.token })).status).toBe(200);
    const refused = await h.call('POST', `/v1/position-requests/${notAssignable}/grant`, { token: sponsor.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    expect((await h.call('POST', `/v1/position-requests/${notAssignable}/grant`, { token: ra.token })).status).toBe(200);
  });

  it('rule: a request for a position closed since it was made cannot be granted', async () => {
    const { db } = h;
    const me = await actor(db, orgs.trustA.id, [], 'Requester');
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Closing' });
    const made = await h.call('POST', '/v1/me/position-requests', { token: me.token, json: { positionIds: [p], startDate: '2025-07-01' } });
    await db.updateTable('positions').set({ closed: 1 }).where('id', '=', p).execute();
    const res = await h.call('POST', `/v1/position-requests/${made.body.requests[0].id}/grant`, { token: ra.token });
    expect(res.status).toBe(409);
    // It can still be rejected, to clear it from the list.
    expect((await h.call('POST', `/v1/position-requests/${made.body.requests[0].id}/reject`, { token: ra.token, json: { reason: 'Position closed' } })).status).toBe(200);
  });

  it("rule: a request is decided in the position's organisation subtree, not the requester's", async () => {
    const { db } = h;
    // A trust A user asks for a trust B position: trust B staff decide it, trust A staff cannot.
    const me = await addUser(db, { given: 'Cross', family: 'Border', homeOrgId: orgs.trustA.id });
    const home = await addPosition(db, { orgId: orgs.trustA.id, title: 'Home post' });
    await assign(db, me.id, home);
    const token = await sessionFor(db, me.id, home);
    const p = await addPosition(db, { orgId: orgs.trustB.id, title: 'Trust B post' });
    const made = await h.call('POST', '/v1/me/position-requests', { token, json: { positionIds: [p], startDate: '2025-07-01' } });
    const id = made.body.requests[0].id as number;
    const trustAAgent = await actor(db, orgs.trustA.id, ['RAA'], 'A agent');
    const trustBAgent = await actor(db, orgs.trustB.id, ['RAA'], 'B agent');
    const refused = await h.call('POST', `/v1/position-requests/${id}/grant`, { token: trustAAgent.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('out-of-scope');
    expect((await h.call('POST', `/v1/position-requests/${id}/grant`, { token: trustBAgent.token })).status).toBe(200);
  });
});
