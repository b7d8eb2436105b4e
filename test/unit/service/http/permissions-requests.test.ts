import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, TEST_KEY } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness, type Orgs } from '../cim/cim-harness.js';
import { closeRequestAt, createRecord, detailChangeRequestAt, esrCreateAt } from '../cim/requests-fixtures.js';

// The Requests endpoints at the HTTP boundary: every role in and out of scope, and 401 without a
// live session. The expected outcomes are written by hand from domain.md: "manage requests (incl.
// accept/reject create/modify user requests from ESR) | RAM, RAA(A), RAA, S"; a sponsor's own
// detail-change and close/reopen requests (the S* of those activities) are decided by RA staff
// only; importing an ESR file is RA staff's.

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

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

const MANAGERS = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA', 'S']);
const RA_STAFF = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA']);

describe('GET /v1/requests and GET /v1/requests/:kind/:id (manage-requests)', () => {
  it.each(ROLES)('rule: %s may list requests only with RAM, RAA(A), RAA or S', async (role) => {
    const detail = await detailChangeRequestAt(h, orgs.siteA1.id);
    const me = await staff(orgs.trustA.id, role);
    const listed = await h.call('GET', '/v1/requests', { token: me.token });
    const one = await h.call('GET', `/v1/requests/detail-change/${detail.id}`, { token: me.token });
    if (MANAGERS.has(role)) {
      expect(listed.status).toBe(200);
      expect(listed.body.counts['detail-change']).toBe(1);
      expect(one.status).toBe(200);
    } else {
      expectRefused(listed, 403, 'forbidden');
      expectRefused(one, 403, 'forbidden');
    }
  });

  it.each(['RAM', 'S'] as const)('rule: %s does not see requests from a sibling trust or the parent organisation (not listed, not found)', async (role) => {
    const sibling = await detailChangeRequestAt(h, orgs.trustB.id);
    const parent = await closeRequestAt(h, orgs.region.id);
    const me = await staff(orgs.trustA.id, role);
    const listed = await h.call('GET', '/v1/requests', { token: me.token });
    expect(listed.body.counts).toEqual({ position: 0, 'detail-change': 0, 'profile-status': 0, esr: 0 });
    expect((await h.call('GET', `/v1/requests/detail-change/${sibling.id}`, { token: me.token })).status).toBe(404);
    expect((await h.call('GET', `/v1/requests/profile-status/${parent.id}`, { token: me.token })).status).toBe(404);
  });
});

const DECISIONS = [
  ['detail-change', 'accept'],
  ['detail-change', 'reject'],
  ['profile-status', 'accept'],
  ['profile-status', 'reject'],
] as const;

const makeRequest = (kind: 'detail-change' | 'profile-status', orgId: number) => (kind === 'detail-change' ? detailChangeRequestAt(h, orgId) : closeRequestAt(h, orgId));
const decide = (kind: string, action: string, id: number, token: string) =>
  h.call('POST', `/v1/${kind}-requests/${id}/${action}`, { token, ...(action === 'reject' ? { json: { reason: 'Not needed' } } : {}) });

describe("deciding sponsors' detail-change and close/reopen requests (RA staff only)", () => {
  const cases = DECISIONS.flatMap(([kind, action]) => ROLES.map((role) => [kind, action, role] as const));
  it.each(cases)('rule: a %s request: %s by %s succeeds only for RAM, RAA(A) and RAA, and a refusal changes nothing', async (kind, action, role) => {
    const request = await makeRequest(kind, orgs.siteA1.id);
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    const res = await decide(kind, action, request.id, me.token);
    if (RA_STAFF.has(role)) {
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(action === 'accept' ? 'accepted' : 'rejected');
    } else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(DECISIONS)('rule: a %s request in a sibling trust or the parent organisation: %s is refused as out of scope', async (kind, action) => {
    const me = await staff(orgs.trustA.id, 'RAM');
    for (const org of [orgs.trustB, orgs.region]) {
      const request = await makeRequest(kind, org.id);
      expectRefused(await decide(kind, action, request.id, me.token), 403, 'out-of-scope');
    }
  });
});

describe('deciding ESR requests (RAM, RAA(A), RAA, S)', () => {
  const cases = (['accept', 'reject'] as const).flatMap((action) => ROLES.map((role) => [action, role] as const));
  it.each(cases)('rule: an ESR request: %s by %s succeeds for RAM, RAA(A), RAA and S', async (action, role) => {
    const esr = await esrCreateAt(h, orgs.trustA.id, orgs.siteA1.code);
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    const res = await decide('esr', action, esr.id, me.token);
    if (MANAGERS.has(role)) expect(res.status).toBe(200);
    else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(['accept', 'reject'] as const)('rule: an ESR request for a sibling trust or the parent organisation: %s is refused as out of scope', async (action) => {
    const me = await staff(orgs.trustA.id, 'S');
    for (const org of [orgs.trustB, orgs.region]) {
      const esr = await esrCreateAt(h, org.id, org.code);
      expectRefused(await decide('esr', action, esr.id, me.token), 403, 'out-of-scope');
    }
  });
});

describe('POST /v1/esr-requests/import (RA staff)', () => {
  it.each(ROLES)('rule: %s may import an ESR file only with RAM, RAA(A) or RAA', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/esr-requests/import', { token: me.token, json: { format: 'json', content: JSON.stringify([createRecord(orgs.siteA1.code)]) } });
    if (RA_STAFF.has(role)) expect(res.body).toEqual({ imported: 1, duplicates: 0, duplicateEsrIds: [] });
    else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: records for a sibling trust or the parent organisation are refused, naming each record, and nothing is stored', async () => {
    const me = await staff(orgs.trustA.id, 'RAM');
    const before = await tableCounts(h.db);
    const records = [createRecord(orgs.trustB.code), createRecord(orgs.region.code)];
    const res = await h.call('POST', '/v1/esr-requests/import', { token: me.token, json: { format: 'json', content: JSON.stringify(records) } });
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toEqual(['records.0.odsCode', 'records.1.odsCode']);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe('no session', () => {
  const ENDPOINTS: [string, string, unknown?][] = [
    ['GET', '/v1/requests'],
    ['GET', '/v1/requests/esr/1'],
    ['POST', '/v1/detail-change-requests/1/accept'],
    ['POST', '/v1/detail-change-requests/1/reject', { reason: 'x' }],
    ['POST', '/v1/profile-status-requests/1/accept'],
    ['POST', '/v1/profile-status-requests/1/reject', { reason: 'x' }],
    ['POST', '/v1/esr-requests/import', { format: 'json', content: '[]' }],
    ['POST', '/v1/esr-requests/1/accept'],
    ['POST', '/v1/esr-requests/1/reject', { reason: 'x' }],
  ];

  it.each(ENDPOINTS)('rule: %s %s needs a live session (none, a malformed or unknown token, an ended session: 401)', async (method, path, json) => {
    const body = json === undefined ? {} : { json };
    const ended = await staff(orgs.trustA.id, 'RAM');
    await endSession(h.db, ((await resolveSession(h.db, ended.token, TEST_KEY.thumbprint)) as { sessionId: number }).sessionId, 'test');
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      expectRefused(await h.call(method, path, { ...body, ...(token ? { token } : {}) }), 401, 'unauthenticated');
    }
  });
});
