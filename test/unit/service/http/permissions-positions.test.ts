import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { actor, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, TODAY, type Harness, type Orgs } from '../cim/cim-harness.js';

// The access position endpoints at the HTTP boundary: every role, a target in the session's
// subtree, in a sibling trust and in the parent organisation, and no session. The expected
// outcomes are written by hand from domain.md (seed 004):
//   requesting for another user, assign, edit, remove, view: RAM, RAA(A), RAA, S (S: assignable only)
//   several assignments at once: RAM, RAA(A)
//   find and view positions: RAM, RAA(A), RAA; create, copy, edit, assignable, close: RAM, RAA(A)

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

/** A user at `orgId` holding an assignable position there; and another open assignable position there. */
async function targetAt(orgId: number) {
  const user = await addUser(h.db, { given: 'Target', family: 'User', homeOrgId: orgId });
  const held = await addPosition(h.db, { orgId, title: 'Held' });
  const assignment = await assign(h.db, user.id, held, '2025-01-01');
  const spare = await addPosition(h.db, { orgId, title: 'Spare' });
  return { ...user, held, assignment, spare };
}

interface Case {
  readonly name: string;
  readonly allowed: readonly RoleOrNone[];
  readonly ok: number;
  /** The call on a target (user or position) at `orgId`. */
  readonly call: (orgId: number, orgCode: string) => Promise<{ method: string; path: string; json?: unknown }>;
}

const USER_CASES: Case[] = [
  { name: 'GET /v1/users/:uuid/requestable-positions', allowed: ['RAM', 'RAA(A)', 'RAA', 'S'], ok: 200, call: async (org) => ({ method: 'GET', path: `/v1/users/${(await targetAt(org)).uuid}/requestable-positions` }) },
  {
    name: 'POST /v1/users/:uuid/position-requests',
    allowed: ['RAM', 'RAA(A)', 'RAA', 'S'],
    ok: 201,
    call: async (org) => {
      const t = await targetAt(org);
      return { method: 'POST', path: `/v1/users/${t.uuid}/position-requests`, json: { positionIds: [t.spare], startDate: '2025-07-01' } };
    },
  },
  { name: 'GET /v1/users/:uuid/assignments', allowed: ['RAM', 'RAA(A)', 'RAA', 'S'], ok: 200, call: async (org) => ({ method: 'GET', path: `/v1/users/${(await targetAt(org)).uuid}/assignments` }) },
  { name: 'GET /v1/users/:uuid/assignments?include=all', allowed: ['RAM', 'RAA(A)', 'RAA', 'S'], ok: 200, call: async (org) => ({ method: 'GET', path: `/v1/users/${(await targetAt(org)).uuid}/assignments?include=all` }) },
  {
    name: 'POST /v1/users/:uuid/assignments',
    allowed: ['RAM', 'RAA(A)', 'RAA', 'S'],
    ok: 201,
    call: async (org) => {
      const t = await targetAt(org);
      return { method: 'POST', path: `/v1/users/${t.uuid}/assignments`, json: { positionId: t.spare, startDate: TODAY } };
    },
  },
  {
    name: 'PATCH /v1/users/:uuid/assignments/:id',
    allowed: ['RAM', 'RAA(A)', 'RAA', 'S'],
    ok: 200,
    call: async (org) => {
      const t = await targetAt(org);
      return { method: 'PATCH', path: `/v1/users/${t.uuid}/assignments/${t.assignment}`, json: { endDate: '2025-12-31' } };
    },
  },
  {
    name: 'POST /v1/users/:uuid/assignments/:id/remove',
    allowed: ['RAM', 'RAA(A)', 'RAA', 'S'],
    ok: 200,
    call: async (org) => {
      const t = await targetAt(org);
      return { method: 'POST', path: `/v1/users/${t.uuid}/assignments/${t.assignment}/remove` };
    },
  },
  {
    name: 'POST /v1/users/:uuid/assignments/changes',
    allowed: ['RAM', 'RAA(A)'],
    ok: 200,
    call: async (org) => {
      const t = await targetAt(org);
      return { method: 'POST', path: `/v1/users/${t.uuid}/assignments/changes`, json: { changes: [{ id: t.assignment, action: 'remove' }] } };
    },
  },
];

const positionAt = (orgId: number) => addPosition(h.db, { orgId, title: `Post ${Math.random()}` });
const POSITION_CASES: Case[] = [
  { name: 'GET /v1/positions?organisation=', allowed: ['RAM', 'RAA(A)', 'RAA'], ok: 200, call: (_org, code) => Promise.resolve({ method: 'GET', path: `/v1/positions?organisation=${code}` }) },
  { name: 'GET /v1/positions/:id', allowed: ['RAM', 'RAA(A)', 'RAA'], ok: 200, call: async (org) => ({ method: 'GET', path: `/v1/positions/${await positionAt(org)}` }) },
  {
    name: 'POST /v1/positions',
    allowed: ['RAM', 'RAA(A)'],
    ok: 201,
    call: (_org, code) => Promise.resolve({ method: 'POST', path: '/v1/positions', json: { organisation: code, title: 'New post', jobRole: 'R1', roles: [], assignable: true, workgroupIds: [] } }),
  },
  { name: 'POST /v1/positions/:id/copy', allowed: ['RAM', 'RAA(A)'], ok: 201, call: async (org) => ({ method: 'POST', path: `/v1/positions/${await positionAt(org)}/copy`, json: { title: 'Copied' } }) },
  { name: 'PATCH /v1/positions/:id', allowed: ['RAM', 'RAA(A)'], ok: 200, call: async (org) => ({ method: 'PATCH', path: `/v1/positions/${await positionAt(org)}`, json: { jobRole: 'R2' } }) },
  {
    name: 'POST /v1/positions/assignable',
    allowed: ['RAM', 'RAA(A)'],
    ok: 200,
    call: async (org) => ({ method: 'POST', path: '/v1/positions/assignable', json: { changes: [{ id: await positionAt(org), assignable: false }] } }),
  },
  { name: 'POST /v1/positions/:id/close', allowed: ['RAM', 'RAA(A)'], ok: 200, call: async (org) => ({ method: 'POST', path: `/v1/positions/${await positionAt(org)}/close` }) },
];

describe.each([...USER_CASES, ...POSITION_CASES])('$name', ({ allowed, ok, call }) => {
  it.each(ROLES)('rule: %s gets the outcome domain.md gives, on a target in its organisation subtree', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const { method, path, json } = await call(orgs.siteA1.id, orgs.siteA1.code);
    const before = await tableCounts(h.db);
    const res = await h.call(method, path, { token: me.token, ...(json === undefined ? {} : { json }) });
    if (allowed.includes(role)) expect(res.status).toBe(ok);
    else {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: an allowed role cannot reach a target in a sibling trust or the parent organisation, and nothing changes', async () => {
    const me = await staff(orgs.trustA.id, allowed[0] as RoleOrNone);
    for (const org of [orgs.trustB, orgs.region]) {
      const { method, path, json } = await call(org.id, org.code);
      const before = await tableCounts(h.db);
      const res = await h.call(method, path, { token: me.token, ...(json === undefined ? {} : { json }) });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'out-of-scope' });
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: without a session the call is 401 and nothing changes', async () => {
    const { method, path, json } = await call(orgs.siteA1.id, orgs.siteA1.code);
    const before = await tableCounts(h.db);
    const res = await h.call(method, path, json === undefined ? {} : { json });
    expect(res.status).toBe(401);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe('GET /v1/me/requestable-positions (everyone, on themselves)', () => {
  it.each(ROLES)('rule: %s sees the positions they may request for themselves', async (role) => {
    expect((await h.call('GET', '/v1/me/requestable-positions', { token: (await staff(orgs.trustA.id, role)).token })).status).toBe(200);
  });

  it('rule: without a session it is 401', async () => {
    expect((await h.call('GET', '/v1/me/requestable-positions')).status).toBe(401);
  });
});

describe('a sponsor and positions that are not assignable', () => {
  it('rule: a sponsor may request a position that is not assignable for a user, but not assign, re-date or remove it', async () => {
    const sponsor = await staff(orgs.trustA.id, 'S');
    const user = await addUser(h.db, { given: 'T', family: 'U', homeOrgId: orgs.trustA.id });
    const restricted = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Consultant', assignable: false });
    const held = await assign(h.db, user.id, restricted, '2025-01-01');
    const other = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Registrar', assignable: false });
    const before = await tableCounts(h.db);
    for (const [method, path, json] of [
      ['POST', `/v1/users/${user.uuid}/assignments`, { positionId: other, startDate: TODAY }],
      ['PATCH', `/v1/users/${user.uuid}/assignments/${held}`, { endDate: '2025-12-31' }],
      ['POST', `/v1/users/${user.uuid}/assignments/${held}/remove`, undefined],
    ] as const) {
      const res = await h.call(method, path, { token: sponsor.token, ...(json === undefined ? {} : { json }) });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
    }
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await h.call('POST', `/v1/users/${user.uuid}/position-requests`, { token: sponsor.token, json: { positionIds: [other], startDate: TODAY } })).status).toBe(201);
  });
});
