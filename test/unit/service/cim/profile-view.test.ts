import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OrganisationDetail, ProfileView, UserHistory } from '../../../../src-shared/api/cim-profile.js';
import { actor, addOrg, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness, type Orgs, uniqueNi } from './cim-harness.js';

// The profile as each viewer sees it (what they may do, what waits for approval, requests,
// workgroups), a user's history and one organisation of the directory.

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

const targetAt = (orgId: number) => addUser(h.db, { given: 'Target', family: 'Person', homeOrgId: orgId, ni: uniqueNi(), email: 'target.person@nhs.net' });

async function profileOf(uuid: string, token: string): Promise<ProfileView> {
  const res = await h.call('GET', `/v1/users/${uuid}`, { token });
  expect(res.status).toBe(200);
  return ProfileView.parse(res.body);
}

describe('what the viewer may do', () => {
  it('rule: `may` follows the role matrix for a user in scope (direct, by request, assignable-only, or not at all)', async () => {
    const target = await targetAt(orgs.siteA1.id);
    const expected = {
      RAM: { changeDetails: 'direct', closeReopen: 'direct', addPositions: true, assignPositions: 'direct', manageMultiple: true, viewEnded: true, manageWorkgroups: true, viewHistory: true },
      'RAA(A)': { changeDetails: 'direct', closeReopen: 'direct', addPositions: true, assignPositions: 'direct', manageMultiple: true, viewEnded: true, manageWorkgroups: true, viewHistory: true },
      RAA: { changeDetails: 'direct', closeReopen: 'direct', addPositions: true, assignPositions: 'direct', manageMultiple: false, viewEnded: true, manageWorkgroups: false, viewHistory: true },
      S: { changeDetails: 'by-request', closeReopen: 'by-request', addPositions: true, assignPositions: 'assignable-only', manageMultiple: false, viewEnded: true, manageWorkgroups: false, viewHistory: true },
      IDC: { changeDetails: 'direct', closeReopen: null, addPositions: false, assignPositions: null, manageMultiple: false, viewEnded: false, manageWorkgroups: false, viewHistory: true },
      LSA: { changeDetails: null, closeReopen: null, addPositions: false, assignPositions: null, manageMultiple: false, viewEnded: false, manageWorkgroups: false, viewHistory: false },
      none: { changeDetails: null, closeReopen: null, addPositions: false, assignPositions: null, manageMultiple: false, viewEnded: false, manageWorkgroups: false, viewHistory: false },
    } as const;
    for (const [role, may] of Object.entries(expected)) {
      const viewer = await actor(h.db, orgs.trustA.id, role === 'none' ? [] : [role as 'RAM']);
      expect({ role, may: (await profileOf(target.uuid, viewer.token)).may }).toEqual({ role, may });
    }
  });

  it('rule: on your own profile you may request positions and see your history, but not close it, assign yourself or (RA staff) change your own details', async () => {
    const me = await actor(h.db, orgs.trustA.id, ['RAM']);
    expect((await profileOf(me.uuid, me.token)).may).toEqual({
      changeDetails: null,
      closeReopen: null,
      addPositions: true,
      assignPositions: null,
      manageMultiple: true,
      viewEnded: true,
      manageWorkgroups: true,
      viewHistory: true,
    });
  });
});

describe('positions, requests and changes waiting', () => {
  it('rule: each assignment is marked current, future, expired or removed', async () => {
    const { db } = h;
    const target = await targetAt(orgs.siteA1.id);
    const p = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Physiotherapist' });
    const current = await assign(db, target.id, p, '2024-01-01', null);
    const future = await assign(db, target.id, p, '2025-09-01', null);
    const expired = await assign(db, target.id, p, '2023-01-01', '2024-01-01');
    const removed = await assign(db, target.id, p, '2024-02-01', null);
    await db.updateTable('position_assignments').set({ removed_at: '2025-03-01T00:00:00.000Z' }).where('id', '=', removed).execute();
    const viewer = await actor(db, orgs.trustA.id, ['RAA']);
    const states = Object.fromEntries((await profileOf(target.uuid, viewer.token)).assignments.map((a) => [a.id, a.state]));
    expect(states).toEqual({ [current]: 'current', [future]: 'future', [expired]: 'expired', [removed]: 'removed' });
  });

  it("rule: a sponsor's change of details waits for RA approval and the profile says so", async () => {
    const target = await targetAt(orgs.siteA1.id);
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const res = await h.call('PATCH', `/v1/users/${target.uuid}/details`, { token: sponsor.token, json: { familyName: 'Newname' } });
    expect(res.status).toBe(202);
    const profile = await profileOf(target.uuid, sponsor.token);
    expect(profile.familyName).toBe('Person');
    expect(profile.pendingChanges).toEqual([{ kind: 'details', fields: ['familyName'], requestedAt: expect.any(String) }]);
  });

  it('rule: the profile shows the outcome of position requests, a rejection with its reason', async () => {
    const { db } = h;
    const requester = await actor(db, orgs.siteA1.id, [], 'Requester');
    const nurse = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const clerk = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Ward Clerk' });
    const asked = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [nurse, clerk], startDate: '2025-07-01' } });
    expect(asked.status).toBe(201);
    const [first, second] = asked.body.requests as { id: number }[];
    const ram = await actor(db, orgs.trustA.id, ['RAM']);
    expect((await h.call('POST', `/v1/position-requests/${first?.id}/grant`, { token: ram.token })).status).toBe(200);
    expect((await h.call('POST', `/v1/position-requests/${second?.id}/reject`, { token: ram.token, json: { reason: 'Not on this ward' } })).status).toBe(200);
    const outcomes = (await profileOf(requester.uuid, requester.token)).positionRequests.map((r) => [r.position.title, r.status, r.reason]);
    expect(outcomes.sort()).toEqual([
      ['Staff Nurse', 'granted', null],
      ['Ward Clerk', 'rejected', 'Not on this ward'],
    ]);
  });

  it('rule: the Workgroups tab lists the workgroups the user is in today, not removed, ended or closed ones', async () => {
    const { db } = h;
    const target = await targetAt(orgs.siteA1.id);
    const ram = await actor(db, orgs.trustA.id, ['RAM']);
    const group = async (name: string, closed = false) =>
      (
        await db
          .insertInto('workgroups')
          .values({ org_id: orgs.siteA1.id, name, name_norm: name.toLowerCase(), description: '', created_at: '2025-01-01T00:00:00.000Z', created_by: ram.userId, closed_at: closed ? '2025-02-01T00:00:00.000Z' : null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const put = (workgroupId: number, end: string | null, removed: string | null = null) =>
      db.insertInto('workgroup_assignments').values({ workgroup_id: workgroupId, user_id: target.id, start_date: '2025-01-01', end_date: end, assigned_by: ram.userId, assigned_at: '2025-01-01T00:00:00.000Z', removed_at: removed }).execute();
    await put(await group('Ward 7 Nurses'), null);
    await put(await group('Ended Group'), '2025-05-01');
    await put(await group('Removed Group'), null, '2025-03-01T00:00:00.000Z');
    await put(await group('Closed Group', true), null);
    const profile = await profileOf(target.uuid, ram.token);
    expect(profile.workgroups.map((w) => [w.name, w.organisation.code])).toEqual([['Ward 7 Nurses', orgs.siteA1.code]]);
  });
});

describe('history', () => {
  it('rule: the History tab shows the audit entries about the user, newest first, with who did each', async () => {
    const target = await targetAt(orgs.siteA1.id);
    const raa = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');
    expect((await h.call('PATCH', `/v1/users/${target.uuid}/details`, { token: raa.token, json: { givenName: 'Renamed' } })).status).toBe(200);
    const res = await h.call('GET', `/v1/users/${target.uuid}/history`, { token: raa.token });
    expect(res.status).toBe(200);
    const history = UserHistory.parse(res.body);
    expect(history.entries[0]).toEqual({ at: expect.any(String), action: 'user-details.changed', actor: { uuid: raa.uuid, name: 'Test Agent' } });
    // The details stay in the audit log: no changed value in the answer.
    expect(JSON.stringify(res.body)).not.toContain('Renamed');
  });

  it('rule: a user sees their own history whatever their role', async () => {
    const me = await actor(h.db, orgs.trustA.id, []);
    expect((await h.call('GET', `/v1/users/${me.uuid}/history`, { token: me.token })).status).toBe(200);
  });
});

describe('one organisation', () => {
  it('rule: an organisation shows its ancestors top first, its children and its open positions with how many hold each today', async () => {
    const { db } = h;
    await addOrg(db, { code: `W${orgs.siteA1.code}`, name: 'Ward 7', kind: 'directorate', parentId: orgs.siteA1.id });
    const nurse = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Staff Nurse', jobRole: 'R8000', roles: [] });
    await addPosition(db, { orgId: orgs.siteA1.id, title: 'Sponsor', roles: ['S'] });
    const closed = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Old Post' });
    await db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    for (const [start, end] of [['2024-01-01', null], ['2024-01-01', '2025-01-01'], ['2025-09-01', null]] as const) {
      await assign(db, (await targetAt(orgs.siteA1.id)).id, nurse, start, end);
    }
    const viewer = await actor(db, orgs.trustB.id, []);
    // Codes are matched as ODS writes them: lower case finds the same organisation.
    const res = await h.call('GET', `/v1/organisations/${orgs.siteA1.code.toLowerCase()}`, { token: viewer.token });
    expect(res.status).toBe(200);
    const detail = OrganisationDetail.parse(res.body);
    expect(detail.organisation).toEqual({ code: orgs.siteA1.code, name: orgs.siteA1.name, kind: 'site', parentCode: orgs.trustA.code });
    expect(detail.ancestors.map((o) => o.code)).toEqual([orgs.region.code, orgs.trustA.code]);
    expect(detail.children).toEqual([{ code: `W${orgs.siteA1.code}`, name: 'Ward 7', kind: 'directorate' }]);
    expect(detail.positions.map((p) => [p.title, p.holders, p.roles])).toEqual([
      ['Sponsor', 0, ['S']],
      ['Staff Nurse', 1, []],
    ]);
  });

  it('rule: an unknown organisation code is 404 and a code too long is a 400 naming it, changing nothing', async () => {
    const viewer = await actor(h.db, orgs.trustA.id, []);
    const unknown = await h.call('GET', '/v1/organisations/ZZZ999', { token: viewer.token });
    expect(unknown.status).toBe(404);
    const before = await tableCounts(h.db);
    const bad = await h.call('GET', `/v1/organisations/${'X'.repeat(30)}`, { token: viewer.token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('code');
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a history for a malformed user id is a 400 naming it, an unknown one 404', async () => {
    const viewer = await actor(h.db, orgs.trustA.id, ['RAM']);
    const bad = await h.call('GET', '/v1/users/not-a-uuid/history', { token: viewer.token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('uuid');
    expect((await h.call('GET', '/v1/users/0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f/history', { token: viewer.token })).status).toBe(404);
  });
});
