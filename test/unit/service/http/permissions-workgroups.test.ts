import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, TEST_KEY } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness, type Orgs } from '../cim/cim-harness.js';
import { makeAssignment, makeWorkgroup, manager, personAt } from '../cim/workgroups-support.js';

// The workgroup endpoints against the permission matrix (domain.md: "workgroups: create, view,
// assign, edit dates, history, remove, close | RAM, RAA(A)"): those two roles succeed within
// their subtree, every other role (and none) gets 403 'forbidden' and changes nothing, a
// workgroup or user in a sibling trust or the parent organisation gets 403 'out-of-scope', and a
// call without a live session gets 401. The outcomes are written by hand, not read from the matrix.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const ALLOWED: ReadonlySet<RoleOrNone> = new Set(['RAM', 'RAA(A)']);

let h: Harness;
let orgs: Orgs;
/** A RAM over the whole region: sets up workgroups and assignments anywhere in the tree. */
let regionRam: Awaited<ReturnType<typeof manager>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
  regionRam = await manager(h, orgs.region.id);
});

interface Org {
  readonly id: number;
  readonly code: string;
}
interface Request {
  readonly method: string;
  readonly path: string;
  readonly json?: unknown;
}
interface Case {
  readonly endpoint: string;
  readonly success: number;
  /** Whether a refusal must leave every table as it was (the reads change nothing anyway). */
  readonly changes: boolean;
  /** The call, aimed at a workgroup (or user, or organisation) at `org`. */
  prepare(org: Org): Promise<Request>;
}

let names = 0;
const workgroupAt = (org: Org) => makeWorkgroup(h, regionRam.token, org.code, `Team ${++names}`);
async function assignmentAt(org: Org): Promise<{ workgroup: number; assignment: number }> {
  const workgroup = await workgroupAt(org);
  return { workgroup, assignment: await makeAssignment(h, regionRam.token, workgroup, (await personAt(h, org.id)).uuid, '2025-06-20') };
}

const CASES: Case[] = [
  {
    endpoint: 'POST /v1/workgroups (create)',
    success: 201,
    changes: true,
    prepare: async (org) => ({ method: 'POST', path: '/v1/workgroups', json: { organisationCode: org.code, name: `New ${++names}`, description: 'A team' } }),
  },
  {
    endpoint: 'GET /v1/workgroups (list)',
    success: 200,
    changes: false,
    prepare: async (org) => ({ method: 'GET', path: `/v1/workgroups?organisationCode=${org.code}&includeClosed=true` }),
  },
  {
    endpoint: 'GET /v1/workgroups/:id (view, members, history)',
    success: 200,
    changes: false,
    prepare: async (org) => ({ method: 'GET', path: `/v1/workgroups/${await workgroupAt(org)}` }),
  },
  {
    endpoint: 'POST /v1/workgroups/:id/assignments (assign)',
    success: 201,
    changes: true,
    prepare: async (org) => ({
      method: 'POST',
      path: `/v1/workgroups/${await workgroupAt(org)}/assignments`,
      json: { userUuid: (await personAt(h, org.id)).uuid, startDate: '2025-06-20' },
    }),
  },
  {
    endpoint: 'PATCH /v1/workgroups/:id/assignments/:assignmentId (edit dates)',
    success: 200,
    changes: true,
    prepare: async (org) => {
      const { workgroup, assignment } = await assignmentAt(org);
      return { method: 'PATCH', path: `/v1/workgroups/${workgroup}/assignments/${assignment}`, json: { startDate: '2025-06-21', endDate: '2025-12-31' } };
    },
  },
  {
    endpoint: 'DELETE /v1/workgroups/:id/assignments/:assignmentId (remove)',
    success: 200,
    changes: true,
    prepare: async (org) => {
      const { workgroup, assignment } = await assignmentAt(org);
      return { method: 'DELETE', path: `/v1/workgroups/${workgroup}/assignments/${assignment}` };
    },
  },
  {
    endpoint: 'POST /v1/workgroups/:id/close (close)',
    success: 200,
    changes: true,
    prepare: async (org) => ({ method: 'POST', path: `/v1/workgroups/${(await assignmentAt(org)).workgroup}/close`, json: { endingAssignments: 1 } }),
  },
  {
    endpoint: "GET /v1/users/:uuid/workgroups (a user's workgroups)",
    success: 200,
    changes: false,
    prepare: async (org) => ({ method: 'GET', path: `/v1/users/${(await personAt(h, org.id)).uuid}/workgroups` }),
  },
];

const staff = (orgId: number, role: RoleOrNone) => actor(h.db, orgId, role === 'none' ? [] : [role]);

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

describe.each(CASES)('$endpoint', ({ success, changes, prepare }) => {
  it.each(ROLES)('rule: %s may do it within its subtree only if it is RAM or RAA(A) (manage-workgroups); others are refused and nothing changes', async (role) => {
    const request = await prepare(orgs.siteA1);
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    const res = await h.call(request.method, request.path, { token: me.token, ...(request.json === undefined ? {} : { json: request.json }) });
    if (ALLOWED.has(role)) expect(res.status).toBe(success);
    else {
      expectRefused(res, 403, 'forbidden');
      if (changes) expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(['RAM', 'RAA(A)'] as const)('rule: %s cannot reach a sibling trust or the parent organisation, and nothing changes', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const request = await prepare(org);
      const before = await tableCounts(h.db);
      const res = await h.call(request.method, request.path, { token: me.token, ...(request.json === undefined ? {} : { json: request.json }) });
      expectRefused(res, 403, 'out-of-scope');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: it needs a live session (none, a malformed or unknown token, an ended session: 401)', async () => {
    const request = await prepare(orgs.siteA1);
    const ended = await staff(orgs.trustA.id, 'RAM');
    await endSession(h.db, ((await resolveSession(h.db, ended.token, TEST_KEY.thumbprint)) as { sessionId: number }).sessionId, 'test');
    const before = await tableCounts(h.db);
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      const res = await h.call(request.method, request.path, { ...(request.json === undefined ? {} : { json: request.json }), ...(token ? { token } : {}) });
      expectRefused(res, 401, 'unauthenticated');
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe('assigning: the user must be in scope as well as the workgroup', () => {
  it.each(['RAM', 'RAA(A)'] as const)('rule: %s cannot assign a workgroup in its subtree to a user in a sibling trust or the parent organisation', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const workgroup = await workgroupAt(orgs.siteA1);
    for (const org of [orgs.trustB, orgs.region]) {
      const user = await personAt(h, org.id);
      const before = await tableCounts(h.db);
      const res = await h.call('POST', `/v1/workgroups/${workgroup}/assignments`, { token: me.token, json: { userUuid: user.uuid, startDate: '2025-06-20' } });
      expectRefused(res, 403, 'out-of-scope');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });
});
