import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PositionRequestPage, RequestablePositions } from '../../../../src-shared/api/cim-positions.js';
import { PositionRequestList } from '../../../../src-shared/api/service-cim.js';
import { actor, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { lastAudit, startHarness, tableCounts, type Harness, type Orgs } from './cim-harness.js';

// "Add access positions" for yourself and, by sponsors and RA staff, for another user: the open
// positions of one of the user's organisations, requested from a start date; and the Position
// Request List a page at a time.

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

describe('what may be requested', () => {
  it("rule: only the open positions of the chosen organisation are offered, and a sponsor chooses among the user's organisations in their scope", async () => {
    const { db } = h;
    const sponsor = await actor(db, orgs.trustA.id, ['S'], 'Sponsor');
    const user = await addUser(db, { given: 'Col', family: 'League', homeOrgId: orgs.siteA1.id });
    // The user also holds a position in trust B, outside the sponsor's scope.
    await assign(db, user.id, await addPosition(db, { orgId: orgs.trustB.id, title: 'Trust B bank' }));
    await assign(db, user.id, await addPosition(db, { orgId: orgs.trustA.id, title: 'Trust A bank' }));
    const open = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Ward Clerk' });
    const closed = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Old Post' });
    await db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();

    const first = RequestablePositions.parse((await h.call('GET', `/v1/users/${user.uuid}/requestable-positions`, { token: sponsor.token })).body);
    expect(first.organisations.map((o) => o.code)).toEqual([orgs.siteA1.code, orgs.trustA.code]);
    expect(first.organisation?.code).toBe(orgs.siteA1.code);
    expect(first.positions.map((p) => p.id)).toEqual([open]);

    const chosen = await h.call('GET', `/v1/users/${user.uuid}/requestable-positions?organisation=${orgs.trustA.code}`, { token: sponsor.token });
    expect(chosen.body.positions.map((p: { title: string }) => p.title)).toContain('Trust A bank');

    const outside = await h.call('GET', `/v1/users/${user.uuid}/requestable-positions?organisation=${orgs.trustB.code}`, { token: sponsor.token });
    expect(outside.status).toBe(400);
    expect(outside.body.fields).toEqual([{ path: 'query.organisation', message: 'not one of the organisations offered' }]);
  });

  it('rule: for yourself, every one of your organisations is offered', async () => {
    const me = await actor(h.db, orgs.trustA.id, [], 'Self');
    await assign(h.db, me.userId, await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Elsewhere' }));
    const res = await h.call('GET', '/v1/me/requestable-positions', { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body.organisations.map((o: { code: string }) => o.code)).toEqual([orgs.trustA.code, orgs.trustB.code]);
  });
});

describe('requesting for another user', () => {
  it('rule: a sponsor requests positions for a colleague; the requests wait with the sponsor as requester, the end date fixed, no email sent, audited', async () => {
    const { db } = h;
    const sponsor = await actor(db, orgs.trustA.id, ['S'], 'Sponsor');
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const user = await addUser(db, { given: 'Col', family: 'League', homeOrgId: orgs.siteA1.id, email: 'col@nhs.net' });
    const p = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Ward Clerk' });
    const outboxBefore = (await tableCounts(db))['outbox'];
    const res = await h.call('POST', `/v1/users/${user.uuid}/position-requests`, { token: sponsor.token, json: { positionIds: [p], startDate: '2025-07-01' } });
    expect(res.status).toBe(201);
    const made = PositionRequestList.parse(res.body).requests[0];
    expect(made).toMatchObject({ user: { uuid: user.uuid, name: 'Col League' }, requestedBy: { uuid: sponsor.uuid }, startDate: '2025-07-01', endDate: '2026-07-01', status: 'pending' });
    expect((await tableCounts(db))['outbox']).toBe(outboxBefore);
    expect(await lastAudit(db)).toMatchObject({ actor: sponsor.uuid, action: 'position-request.created', subject: user.uuid });

    const list = PositionRequestPage.parse((await h.call('GET', '/v1/position-requests', { token: ra.token })).body);
    expect(list.requests.map((r) => [r.id, r.requestedBy.name, r.user.name, r.position.title])).toEqual([[made?.id, 'Test Sponsor', 'Col League', 'Ward Clerk']]);
  });

  it("rule: a position at an organisation that is not one of the user's in scope is refused, and nothing is requested", async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAM'], 'Manager');
    const user = await addUser(db, { given: 'Col', family: 'League', homeOrgId: orgs.siteA1.id });
    const here = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Here' });
    const otherOrg = await addPosition(db, { orgId: orgs.trustA.id, title: 'Trust post' });
    const before = await tableCounts(db);
    const res = await h.call('POST', `/v1/users/${user.uuid}/position-requests`, { token: ra.token, json: { positionIds: [here, otherOrg], startDate: '2025-07-01' } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.positionIds.1', message: "the position is not at one of the user's organisations in your scope" }]);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('rule: bad input (no positions, a bad date, a closed position) is a 400 naming the field and changes nothing', async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const user = await addUser(db, { given: 'Col', family: 'League', homeOrgId: orgs.trustA.id });
    const closed = await addPosition(db, { orgId: orgs.trustA.id, title: 'Closed' });
    await db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    const before = await tableCounts(db);
    const cases: [unknown, string][] = [
      [{ positionIds: [], startDate: '2025-07-01' }, 'body.positionIds'],
      [{ positionIds: [closed], startDate: '2025-02-30' }, 'body.startDate'],
      [{ positionIds: [closed], startDate: '2025-07-01' }, 'body.positionIds.0'],
      [{ positionIds: [closed], startDate: '2025-07-01', endDate: '2026-01-01' }, 'body'],
    ];
    for (const [json, path] of cases) {
      const res = await h.call('POST', `/v1/users/${user.uuid}/position-requests`, { token: ra.token, json });
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    expect(await tableCounts(db)).toEqual(before);
  });
});

describe('the Position Request List, a page at a time', () => {
  it('rule: pages follow one another oldest first with no request missed or repeated, and every page gives the whole count', async () => {
    const { db } = h;
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' });
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const user = await addUser(db, { given: 'Waiting', family: `User ${i}`, homeOrgId: orgs.trustA.id });
      // Two share a moment: the id orders them.
      const at = `2025-06-1${i < 2 ? 0 : i}T09:00:00.000Z`;
      const { id } = await db
        .insertInto('position_requests')
        .values({ user_id: user.id, position_id: p, start_date: '2025-07-01', end_date: '2026-07-01', requested_by: user.id, requested_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(id);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = PositionRequestPage.parse((await h.call('GET', `/v1/position-requests${q}`, { token: ra.token })).body);
      expect(page.total).toBe(7);
      seen.push(...page.requests.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('rule: a cursor that is not from the list, or a limit out of range, is a 400 naming the field', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');
    for (const [q, path] of [
      ['?cursor=bm9wZQ', 'query.cursor'],
      ['?cursor=a%20b', 'query.cursor'],
      ['?limit=0', 'query.limit'],
      ['?limit=101', 'query.limit'],
    ] as const) {
      const res = await h.call('GET', `/v1/position-requests${q}`, { token: ra.token });
      expect(res.status).toBe(400);
      expect(res.body.fields[0].path).toBe(path);
    }
  });

  it("rule: a granted request shows on the user's profile as an assignment, and leaves the list", async () => {
    const { db } = h;
    const sponsor = await actor(db, orgs.trustA.id, ['S'], 'Sponsor');
    const ra = await actor(db, orgs.trustA.id, ['RAA'], 'Agent');
    const user = await addUser(db, { given: 'Col', family: 'League', homeOrgId: orgs.trustA.id });
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Theatre Nurse', assignable: false });
    const made = await h.call('POST', `/v1/users/${user.uuid}/position-requests`, { token: sponsor.token, json: { positionIds: [p], startDate: '2025-06-15' } });
    const id = made.body.requests[0].id as number;
    expect((await h.call('POST', `/v1/position-requests/${id}/grant`, { token: ra.token })).status).toBe(200);
    const profile = await h.call('GET', `/v1/users/${user.uuid}`, { token: ra.token });
    expect(profile.body.assignments.map((a: { position: { title: string } }) => a.position.title)).toContain('Theatre Nurse');
    const row = await db.selectFrom('position_requests').select(['status', 'decided_by', 'requested_by']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'granted', decided_by: ra.userId, requested_by: sponsor.userId });
    expect((await h.call('GET', '/v1/position-requests', { token: ra.token })).body).toMatchObject({ requests: [], total: 0, nextCursor: null });
  });
});
