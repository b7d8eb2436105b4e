import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, addPosition, addUser, TEST_KEY } from '../../../support/service-fixtures.js';
import { startHarness, uniqueNi, type Harness, type Orgs } from '../cim/cim-harness.js';

// The permission matrix at the HTTP boundary: for each CIM endpoint, the roles that may call it
// succeed, the others get 403 'forbidden', a target outside the session's subtree gets 403
// 'out-of-scope' and a call without a live session gets 401. The expected statuses are written
// by hand from domain.md, not derived from the matrix.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];

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
});

const staff = (orgId: number, role: RoleOrNone) => actor(h.db, orgId, role === 'none' ? [] : [role]);
const userAt = (orgId: number) => addUser(h.db, { given: 'Target', family: 'User', homeOrgId: orgId, ni: uniqueNi() });

/** A pending request by a fresh user for an assignable position at `orgId`; returns its id. */
async function pendingRequestAt(orgId: number): Promise<number> {
  const requester = await actor(h.db, orgId, [], 'Requester');
  const position = await addPosition(h.db, { orgId, title: 'Healthcare Assistant' });
  const res = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [position], startDate: '2025-07-01' } });
  expect(res.status).toBe(201);
  return res.body.requests[0].id as number;
}

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

describe('GET /v1/users/:uuid (view-profile: everyone; the full profile within scope)', () => {
  // view-profile is open to every role, so no role is refused it: the 'forbidden' case does not
  // arise here. Outside the scope a found user's profile is the directory part only.
  it.each(ROLES)('rule: %s views the full profile of a user in its organisation subtree', async (role) => {
    const res = await h.call('GET', `/v1/users/${(await userAt(orgs.siteA1.id)).uuid}`, { token: (await staff(orgs.trustA.id, role)).token });
    expect(res.status).toBe(200);
    expect(res.body.access).toBe('full');
  });

  it.each(ROLES)('rule: %s sees only the directory part of a profile in a sibling trust or the parent organisation, never a refusal', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const res = await h.call('GET', `/v1/users/${(await userAt(org.id)).uuid}`, { token: me.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ access: 'directory', niNumber: null });
    }
  });

  it('rule: without a live session a profile is 401', async () => {
    const res = await h.call('GET', `/v1/users/${(await userAt(orgs.siteA1.id)).uuid}`);
    expect(res.status).toBe(401);
  });
});

describe('PATCH /v1/users/:uuid/details (change-user-details)', () => {
  const EXPECTED: Record<RoleOrNone, number> = { RAM: 200, 'RAA(A)': 200, RAA: 200, IDC: 200, S: 202, LSA: 403, none: 403 };

  it.each(ROLES)('rule: %s gets the outcome domain.md gives (direct, by request, or refused)', async (role) => {
    const res = await h.call('PATCH', `/v1/users/${(await userAt(orgs.siteA1.id)).uuid}/details`, { token: (await staff(orgs.trustA.id, role)).token, json: { familyName: 'Changed' } });
    if (EXPECTED[role] === 403) expectRefused(res, 403, 'forbidden');
    else {
      expect(res.status).toBe(EXPECTED[role]);
      expect(res.body.outcome).toBe(EXPECTED[role] === 202 ? 'requested' : 'changed');
    }
  });

  it.each(['RAM', 'S'] as const)('rule: %s cannot change (or request changes to) a user in a sibling trust or the parent organisation', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const res = await h.call('PATCH', `/v1/users/${(await userAt(org.id)).uuid}/details`, { token: me.token, json: { familyName: 'Changed' } });
      expectRefused(res, 403, 'out-of-scope');
    }
  });
});

describe('GET /v1/position-requests (manage-requests)', () => {
  const ALLOWED = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA', 'S']);

  it.each(ROLES)('rule: %s may read the Position Request List only with manage-requests', async (role) => {
    const res = await h.call('GET', '/v1/position-requests', { token: (await staff(orgs.trustA.id, role)).token });
    if (ALLOWED.has(role)) expect(res.status).toBe(200);
    else expectRefused(res, 403, 'forbidden');
  });

  it('rule: requests outside the subtree (sibling trust, parent organisation) are not in the list', async () => {
    const inside = await pendingRequestAt(orgs.siteA1.id);
    await pendingRequestAt(orgs.trustB.id);
    await pendingRequestAt(orgs.region.id);
    const res = await h.call('GET', '/v1/position-requests', { token: (await staff(orgs.trustA.id, 'RAA')).token });
    expect(res.body.requests.map((r: { id: number }) => r.id)).toEqual([inside]);
  });
});

describe.each(['grant', 'reject'] as const)('POST /v1/position-requests/:id/%s (manage-requests)', (action) => {
  const ALLOWED = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA', 'S']);
  const json = action === 'reject' ? { json: { reason: 'Not this one' } } : {};

  it.each(ROLES)(`rule: %s may ${action} a request only with manage-requests`, async (role) => {
    const id = await pendingRequestAt(orgs.siteA1.id);
    const res = await h.call('POST', `/v1/position-requests/${id}/${action}`, { token: (await staff(orgs.trustA.id, role)).token, ...json });
    if (ALLOWED.has(role)) {
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(action === 'grant' ? 'granted' : 'rejected');
    } else expectRefused(res, 403, 'forbidden');
  });

  it(`rule: a request for a position in a sibling trust or the parent organisation cannot be ${action}ed`, async () => {
    const me = await staff(orgs.trustA.id, 'RAM');
    for (const org of [orgs.trustB, orgs.region]) {
      const id = await pendingRequestAt(org.id);
      expectRefused(await h.call('POST', `/v1/position-requests/${id}/${action}`, { token: me.token, ...json }), 403, 'out-of-scope');
      expect((await h.db.selectFrom('position_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('pending');
    }
  });
});

describe('POST /v1/me/position-requests and /v1/me/contact/challenge (everyone, on themselves)', () => {
  // Open to every role and done to oneself: there is no refused role and no target to be out of
  // scope; the boundary is the session itself.
  it.each(ROLES)('rule: %s requests positions for themselves', async (role) => {
    const position = await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Anywhere' });
    const res = await h.call('POST', '/v1/me/position-requests', { token: (await staff(orgs.trustA.id, role)).token, json: { positionIds: [position], startDate: '2025-07-01' } });
    expect(res.status).toBe(201);
  });

  // The change itself is then approved by the card (cim-contact.test.ts).
  it.each(ROLES)('rule: %s may start changing their own contact details', async (role) => {
    const res = await h.call('POST', '/v1/me/contact/challenge', { token: (await staff(orgs.trustA.id, role)).token, json: { mobile: '07700900321' } });
    expect(res.status).toBe(200);
  });
});

describe('no session', () => {
  const ENDPOINTS: [string, string, unknown?][] = [
    ['GET', '/v1/users/0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f'],
    ['PATCH', '/v1/users/0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f/details', { familyName: 'X' }],
    ['POST', '/v1/me/contact/challenge', { email: 'x@nhs.net' }],
    ['PUT', '/v1/me/contact', { email: 'x@nhs.net', nonce: 'abc', signature: 'AAAA' }],
    ['POST', '/v1/me/position-requests', { positionIds: [1], startDate: '2025-07-01' }],
    ['GET', '/v1/position-requests'],
    ['POST', '/v1/position-requests/1/grant'],
    ['POST', '/v1/position-requests/1/reject', { reason: 'x' }],
  ];

  it.each(ENDPOINTS)('rule: %s %s needs a live session (none, a malformed or unknown token, an ended session: 401)', async (method, path, json) => {
    const body = json === undefined ? {} : { json };
    const ended = await staff(orgs.trustA.id, 'RAM');
    await endSession(h.db, (await resolveSession(h.db, ended.token, TEST_KEY.thumbprint) as { sessionId: number }).sessionId, 'test');
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      const res = await h.call(method, path, { ...body, ...(token ? { token } : {}) });
      expectRefused(res, 401, 'unauthenticated');
    }
  });

  it('rule: a session whose user profile has been closed no longer works', async () => {
    const me = await staff(orgs.trustA.id, 'RAM');
    await h.db.updateTable('users').set({ status: 'closed' }).where('id', '=', me.userId).execute();
    expectRefused(await h.call('GET', '/v1/position-requests', { token: me.token }), 401, 'unauthenticated');
  });
});
