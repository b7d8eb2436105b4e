import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, addUser, TEST_KEY } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from '../cim/cim-harness.js';

// The permission matrix for managing user profiles, at the HTTP boundary. Expected outcomes are
// written by hand from domain.md: create-user RA staff and IDC; close-reopen-profile RA staff
// directly, sponsors by request; everyone else 403. A target outside the subtree (sibling trust,
// parent organisation) is 403 'out-of-scope'; no live session is 401.

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
const userAt = (orgId: number, status: 'open' | 'closed' = 'open') => addUser(h.db, { given: 'Target', family: 'User', homeOrgId: orgId, ni: uniqueNi(), status });
const newUser = (code: string) => ({ givenName: 'New', familyName: 'Starter', dateOfBirth: '1990-05-05', niNumber: uniqueNi(), homeOrganisationCode: code });

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

describe('POST /v1/users (create-user)', () => {
  const EXPECTED: Record<RoleOrNone, 201 | 403> = { RAM: 201, 'RAA(A)': 201, RAA: 201, IDC: 201, S: 403, LSA: 403, none: 403 };

  it.each(ROLES)('rule: %s creating a user with a home organisation in its subtree gets what domain.md gives', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/users', { token: me.token, json: newUser(orgs.siteA1.code) });
    if (EXPECTED[role] === 201) expect(res.status).toBe(201);
    else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(['RAM', 'RAA(A)', 'RAA', 'IDC'] as const)('rule: %s cannot create a user whose home is a sibling trust or the parent organisation', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    for (const org of [orgs.trustB, orgs.region]) expectRefused(await h.call('POST', '/v1/users', { token: me.token, json: newUser(org.code) }), 403, 'out-of-scope');
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe.each(['close', 'reopen'] as const)('POST /v1/users/:uuid/%s (close-reopen-profile)', (action) => {
  const EXPECTED: Record<RoleOrNone, 200 | 202 | 403> = { RAM: 200, 'RAA(A)': 200, RAA: 200, S: 202, IDC: 403, LSA: 403, none: 403 };
  const startingStatus = action === 'close' ? 'open' : 'closed';

  it.each(ROLES)(`rule: %s asked to ${action} a profile in its subtree gets what domain.md gives (direct, by request, or refused)`, async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const target = await userAt(orgs.siteA1.id, startingStatus);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/users/${target.uuid}/${action}`, { token: me.token, json: { reason: 'Permission check' } });
    const status = (await h.db.selectFrom('users').select('status').where('id', '=', target.id).executeTakeFirstOrThrow()).status;
    if (EXPECTED[role] === 403) {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
      expect(status).toBe(startingStatus);
    } else {
      expect(res.status).toBe(EXPECTED[role]);
      expect(res.body.outcome).toBe(EXPECTED[role] === 202 ? 'requested' : action === 'close' ? 'closed' : 'reopened');
      expect(status).toBe(EXPECTED[role] === 202 ? startingStatus : action === 'close' ? 'closed' : 'open');
    }
  });

  it.each(['RAM', 'RAA(A)', 'RAA', 'S'] as const)(`rule: %s cannot ${action} (or ask to) a profile in a sibling trust or the parent organisation`, async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    for (const org of [orgs.trustB, orgs.region]) {
      const target = await userAt(org.id, startingStatus);
      expectRefused(await h.call('POST', `/v1/users/${target.uuid}/${action}`, { token: me.token, json: { reason: 'Permission check' } }), 403, 'out-of-scope');
    }
    // Only the two targets were added.
    expect(await tableCounts(h.db)).toEqual({ ...before, users: (before.users ?? 0) + 2 });
  });
});

describe('GET /v1/users/:uuid/status-request (view-profile: everyone, within scope)', () => {
  it.each(ROLES)('rule: %s sees the pending request of a profile in its subtree', async (role) => {
    const res = await h.call('GET', `/v1/users/${(await userAt(orgs.siteA1.id)).uuid}/status-request`, { token: (await staff(orgs.trustA.id, role)).token });
    expect(res.status).toBe(200);
  });

  it.each(ROLES)('rule: %s cannot see it for a profile in a sibling trust or the parent organisation', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      expectRefused(await h.call('GET', `/v1/users/${(await userAt(org.id)).uuid}/status-request`, { token: me.token }), 403, 'out-of-scope');
    }
  });
});

describe('no session', () => {
  const UUID = '0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f';
  const ENDPOINTS: [string, string, unknown?][] = [
    ['POST', '/v1/users', { givenName: 'A', familyName: 'B', dateOfBirth: '1990-01-01', niNumber: 'AB123456C', homeOrganisationCode: 'X' }],
    ['POST', `/v1/users/${UUID}/close`, { reason: 'x' }],
    ['POST', `/v1/users/${UUID}/reopen`, { reason: 'x' }],
    ['GET', `/v1/users/${UUID}/status-request`],
  ];

  it.each(ENDPOINTS)('rule: %s %s needs a live session (none, a malformed or unknown token, an ended session: 401)', async (method, path, json) => {
    const body = json === undefined ? {} : { json };
    const ended = await staff(orgs.trustA.id, 'RAM');
    await endSession(h.db, ((await resolveSession(h.db, ended.token, TEST_KEY.thumbprint)) as { sessionId: number }).sessionId, 'test');
    const before = await tableCounts(h.db);
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      expectRefused(await h.call(method, path, { ...body, ...(token ? { token } : {}) }), 401, 'unauthenticated');
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
