import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { actor } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness, type Orgs } from '../cim/cim-harness.js';
import { personAt } from '../authenticators/authenticators-support.js';

// The authenticator endpoints against the rules (domain.md, seed 000): everyone adds and removes
// their own (self-register-authenticator) except an iPad; RA staff (RAM, RAA(A), RAA) issue and
// remove the other kinds for users in their subtree (manage-authenticators); an iPad only RAM
// and RAA(A) (manage-ipad-authenticators). Viewing the list follows the full profile: oneself,
// or anyone whose scope holds the user. Out of scope: 403 'out-of-scope'; no session: 401.
// Outcomes written by hand.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const RA: ReadonlySet<RoleOrNone> = new Set(['RAM', 'RAA(A)', 'RAA']);
const IPAD: ReadonlySet<RoleOrNone> = new Set(['RAM', 'RAA(A)']);

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

async function keyOf(userId: number, kind = 'security-key'): Promise<number> {
  const { id } = await h.db
    .insertInto('authenticators')
    .values({ user_id: userId, kind, label: kind === 'ipad' ? 'iPad' : 'Security key', created_at: '2025-06-01T09:00:00.000Z', aal: 3 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

interface Case {
  readonly endpoint: string;
  readonly allowed: ReadonlySet<RoleOrNone>;
  readonly success: number;
  readonly changes: boolean;
  prepare(user: { id: number; uuid: string }): Promise<{ method: string; path: string; json?: unknown }>;
}

const CASES: Case[] = [
  {
    endpoint: 'GET /v1/users/:uuid/authenticators (list)',
    allowed: new Set(ROLES),
    success: 200,
    changes: false,
    prepare: async (u) => ({ method: 'GET', path: `/v1/users/${u.uuid}/authenticators` }),
  },
  {
    endpoint: 'POST /v1/users/:uuid/authenticator-enrolments (security key)',
    allowed: RA,
    success: 201,
    changes: true,
    prepare: async (u) => ({ method: 'POST', path: `/v1/users/${u.uuid}/authenticator-enrolments`, json: { kind: 'security-key' } }),
  },
  {
    endpoint: 'POST /v1/users/:uuid/authenticator-enrolments (Windows Hello)',
    allowed: RA,
    success: 201,
    changes: true,
    prepare: async (u) => ({ method: 'POST', path: `/v1/users/${u.uuid}/authenticator-enrolments`, json: { kind: 'windows-hello' } }),
  },
  {
    endpoint: 'POST /v1/users/:uuid/authenticators/:id/remove (security key)',
    allowed: RA,
    success: 200,
    changes: true,
    prepare: async (u) => ({ method: 'POST', path: `/v1/users/${u.uuid}/authenticators/${await keyOf(u.id)}/remove`, json: { confirm: true } }),
  },
  {
    endpoint: 'POST /v1/users/:uuid/authenticators/:id/remove (iPad)',
    allowed: IPAD,
    success: 200,
    changes: true,
    prepare: async (u) => ({ method: 'POST', path: `/v1/users/${u.uuid}/authenticators/${await keyOf(u.id, 'ipad')}/remove`, json: { confirm: true } }),
  },
];

describe.each(CASES)('$endpoint', ({ allowed, success, changes, prepare }) => {
  it.each(ROLES)("rule: %s, for someone else in its subtree, as the matrix says; a refusal changes nothing", async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const request = await prepare(await personAt(h, orgs.siteA1.id));
    const before = await tableCounts(h.db);
    const res = await h.call(request.method, request.path, { token: me.token, ...(request.json === undefined ? {} : { json: request.json }) });
    if (allowed.has(role)) expect(res.status).toBe(success);
    else {
      expectRefused(res, 403, 'forbidden');
      if (changes) expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: a RAM cannot reach a user in a sibling trust or the parent organisation, and nothing changes', async () => {
    const me = await staff(orgs.trustA.id, 'RAM');
    for (const org of [orgs.trustB, orgs.region]) {
      const request = await prepare(await personAt(h, org.id));
      const before = await tableCounts(h.db);
      const res = await h.call(request.method, request.path, { token: me.token, ...(request.json === undefined ? {} : { json: request.json }) });
      expectRefused(res, 403, 'out-of-scope');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: it needs a session (401), and nothing changes', async () => {
    const request = await prepare(await personAt(h, orgs.siteA1.id));
    const before = await tableCounts(h.db);
    const res = await h.call(request.method, request.path, request.json === undefined ? {} : { json: request.json });
    expectRefused(res, 401, 'unauthenticated');
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe('an iPad is issued by RAM or RAA(A) only', () => {
  it.each(ROLES)('rule: %s may start an iPad for someone in its subtree only if it is RAM or RAA(A)', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const user = await personAt(h, orgs.siteA1.id);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/users/${user.uuid}/authenticator-enrolments`, { token: me.token, json: { kind: 'ipad' } });
    if (IPAD.has(role)) {
      // Allowed: a link (once the iPad link is served), never a permission refusal.
      expect([201, 409]).toContain(res.status);
      expect(res.body.code).not.toBe('forbidden');
    } else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(ROLES)('rule: %s cannot issue an iPad to itself (the RA must be someone else, present)', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const res = await h.call('POST', `/v1/users/${me.uuid}/authenticator-enrolments`, { token: me.token, json: { kind: 'ipad' } });
    expectRefused(res, 403, 'forbidden');
  });
});

describe('on your own profile', () => {
  it.each(ROLES)('rule: %s may add a security key or Windows Hello to its own profile and remove its own', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const kind of ['security-key', 'windows-hello']) {
      const res = await h.call('POST', `/v1/users/${me.uuid}/authenticator-enrolments`, { token: me.token, json: { kind } });
      expect(res.status).toBe(201);
    }
    const removed = await h.call('POST', `/v1/users/${me.uuid}/authenticators/${await keyOf(me.userId)}/remove`, { token: me.token, json: { confirm: true } });
    expect(removed.status).toBe(200);
  });

  it.each(ROLES)('rule: the list offers %s only the kinds it may add', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const own = await h.call('GET', `/v1/users/${me.uuid}/authenticators`, { token: me.token });
    expect(own.body.own).toBe(true);
    expect(own.body.mayIssue).toEqual(['microsoft-authenticator', 'security-key', 'windows-hello']);
    const other = await h.call('GET', `/v1/users/${(await personAt(h, orgs.siteA1.id)).uuid}/authenticators`, { token: me.token });
    const others = ['microsoft-authenticator', 'security-key', 'windows-hello'];
    expect(other.body.mayIssue).toEqual(IPAD.has(role) ? ['ipad', ...others] : RA.has(role) ? others : []);
  });
});
