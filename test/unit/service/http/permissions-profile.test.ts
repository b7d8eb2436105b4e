import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { startHarness, uniqueNi, type Harness, type Orgs } from '../cim/cim-harness.js';

// A user's history and one organisation, at the HTTP boundary: each role allowed or refused as
// written by hand here, in and out of scope, and 401 without a session.

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

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

describe('GET /v1/users/:uuid/history (RA staff, sponsors and ID checkers in scope; the user themself)', () => {
  const IN_SCOPE: Record<RoleOrNone, 200 | 403> = { RAM: 200, 'RAA(A)': 200, RAA: 200, S: 200, IDC: 200, LSA: 403, none: 403 };

  it.each(ROLES)('rule: %s reads the history of a user in its subtree only as written here', async (role) => {
    const res = await h.call('GET', `/v1/users/${(await userAt(orgs.siteA1.id)).uuid}/history`, { token: (await staff(orgs.trustA.id, role)).token });
    if (IN_SCOPE[role] === 200) expect(res.status).toBe(200);
    else expectRefused(res, 403, 'forbidden');
  });

  it.each(ROLES)('rule: %s cannot read the history of a user in a sibling trust or the parent organisation', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      expectRefused(await h.call('GET', `/v1/users/${(await userAt(org.id)).uuid}/history`, { token: me.token }), 403, 'out-of-scope');
    }
  });

  it.each(ROLES)('rule: %s reads its own history', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    expect((await h.call('GET', `/v1/users/${me.uuid}/history`, { token: me.token })).status).toBe(200);
  });

  it('rule: without a live session a history is 401', async () => {
    expect((await h.call('GET', `/v1/users/${(await userAt(orgs.siteA1.id)).uuid}/history`)).status).toBe(401);
  });
});

describe('GET /v1/organisations/:code (find-organisation: everyone, nationally)', () => {
  it.each(ROLES)('rule: %s views any organisation: its own, a child, a sibling trust and the parent', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustA, orgs.siteA1, orgs.trustB, orgs.region]) {
      const res = await h.call('GET', `/v1/organisations/${org.code}`, { token: me.token });
      expect({ code: org.code, status: res.status }).toEqual({ code: org.code, status: 200 });
    }
  });

  it('rule: without a live session an organisation is 401', async () => {
    expect((await h.call('GET', `/v1/organisations/${orgs.trustA.code}`)).status).toBe(401);
  });
});

describe('POST /v1/me/contact/email-code (change-own-contact: everyone, for themselves)', () => {
  it.each(ROLES)('rule: %s may enter a code for its own email change: with none waiting it is told so, not refused', async (role) => {
    const res = await h.call('POST', '/v1/me/contact/email-code', { token: (await staff(orgs.trustA.id, role)).token, json: { code: '123456' } });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'conflict' });
    expect(res.body.message).toMatch(/No new email address is waiting for a code/);
  });

  it('rule: without a live session a code is 401', async () => {
    expect((await h.call('POST', '/v1/me/contact/email-code', { json: { code: '123456' } })).status).toBe(401);
  });
});
