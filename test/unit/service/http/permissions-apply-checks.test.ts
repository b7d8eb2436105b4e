import { describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { actor, addCard, addPosition, addUser, assign } from '../../../support/service-fixtures.js';
import { harnessPerFile } from '../apply/harness-per-file.js';
import { addDocument, applicantNi, readyApplication, type ReadyApplication } from '../apply/checks-support.js';

// The permission matrix of the ID check and the cards to issue at the HTTP boundary: each role
// at trust A acting on an application raised at trust A's site (in scope) or at the sibling trust
// or the region above (out of scope: 404, as if it did not exist), and 401 without a session.
// The expected statuses are written by hand from domain.md and seed 003, not derived from the matrix.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];

const { h, orgs } = harnessPerFile();

const staff = (orgId: number, role: RoleOrNone) => actor(h.db, orgId, role === 'none' ? [] : [role]);

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

/** An application approved by an ID checker above it, waiting in the cards to issue; `issued` gives the new user a card. */
async function approvedAt(orgId: number, issued: boolean): Promise<ReadyApplication> {
  const app = await readyApplication(h, orgId);
  const checker = await actor(h.db, orgs.region.id, ['IDC'], 'Regional checker');
  const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
  expect(res.status).toBe(200);
  if (issued) {
    const user = await h.db.selectFrom('users').select('id').where('uuid', '=', res.body.user.uuid).executeTakeFirstOrThrow();
    await addCard(h.db, user.id);
  }
  return app;
}

/** A ready application to copy a colleague's access (a position at trust A's site); returns it and the position. */
async function copyApplicationAt(orgId: number) {
  const position = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
  const colleague = await addUser(h.db, { given: 'Colleen', family: 'Colleague', homeOrgId: orgs.siteA1.id, ni: applicantNi() });
  await assign(h.db, colleague.id, position);
  const card = await addCard(h.db, colleague.id);
  const app = await readyApplication(h, orgId, { access_kind: 'copy', position_id: null, colleague_name: 'Colleen Colleague', colleague_card_number: card.uuid });
  return { app, position };
}

const CHECKERS = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA', 'IDC']);
const RA = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA']);

describe('GET /v1/apply/checks (check-applications)', () => {
  const EXPECTED: Record<RoleOrNone, number> = { RAM: 200, 'RAA(A)': 200, RAA: 200, IDC: 200, S: 403, LSA: 403, none: 403 };

  it.each(ROLES)('rule: %s may list the applications ready for checking only with check-applications', async (role) => {
    const inside = await readyApplication(h, orgs.siteA1.id);
    await readyApplication(h, orgs.trustB.id);
    await readyApplication(h, orgs.region.id);
    const res = await h.call('GET', '/v1/apply/checks', { token: (await staff(orgs.trustA.id, role)).token });
    expect(res.status).toBe(EXPECTED[role]);
    if (EXPECTED[role] === 200) expect(res.body.applications.map((a: { reference: string }) => a.reference)).toEqual([inside.reference]);
    else expect(res.body.code).toBe('forbidden');
  });
});

describe.each([
  ['GET /v1/apply/checks/:reference', 'detail'],
  ['GET /v1/apply/checks/:reference/documents/:documentId', 'document'],
] as const)('%s (check-applications)', (_name, what) => {
  const EXPECTED: Record<RoleOrNone, number> = { RAM: 200, 'RAA(A)': 200, RAA: 200, IDC: 200, S: 403, LSA: 403, none: 403 };
  const pathOf = async (app: ReadyApplication) => (what === 'detail' ? `/v1/apply/checks/${app.reference}` : `/v1/apply/checks/${app.reference}/documents/${await addDocument(h, app.id)}`);

  it.each(ROLES)(`rule: %s may read an application's ${what} in its organisation subtree only with check-applications`, async (role) => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const res = await h.call('GET', await pathOf(app), { token: (await staff(orgs.trustA.id, role)).token });
    if (EXPECTED[role] === 403) expectRefused(res, 403, 'forbidden');
    else expect(res.status).toBe(200);
  });

  it.each([...CHECKERS])(`rule: %s gets 404 for the ${what} of an application in a sibling trust or the parent organisation`, async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const app = await readyApplication(h, org.id);
      const res = await h.call('GET', await pathOf(app), { token: me.token });
      expectRefused(res, 404, 'not-found');
      expect(res.body.message).toBe(`Application ${app.reference} was not found.`);
    }
  });

  it(`rule: without a live session the ${what} is 401`, async () => {
    const res = await h.call('GET', await pathOf(await readyApplication(h, orgs.siteA1.id)));
    expect(res.status).toBe(401);
  });
});

describe.each(['approve', 'reject'] as const)('POST /v1/apply/checks/:reference/%s (check-applications)', (action) => {
  const json = action === 'reject' ? { reason: 'The documents do not match.' } : {};
  const status = action === 'reject' ? 'rejected' : 'approved';

  it.each(ROLES)(`rule: %s may ${action} a position application in its organisation subtree only with check-applications`, async (role) => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/${action}`, { token: (await staff(orgs.trustA.id, role)).token, json });
    const row = await h.db.selectFrom('applications').select('status').where('id', '=', app.id).executeTakeFirstOrThrow();
    if (CHECKERS.has(role)) {
      expect(res.status).toBe(200);
      expect(row.status).toBe(status);
    } else {
      expectRefused(res, 403, 'forbidden');
      expect(row.status).toBe('in-progress');
    }
  });

  it.each([...CHECKERS])(`rule: %s cannot ${action} an application in a sibling trust or the parent organisation (404)`, async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const app = await readyApplication(h, org.id);
      const res = await h.call('POST', `/v1/apply/checks/${app.reference}/${action}`, { token: me.token, json });
      expectRefused(res, 404, 'not-found');
      expect((await h.db.selectFrom('applications').select('status').where('id', '=', app.id).executeTakeFirstOrThrow()).status).toBe('in-progress');
    }
  });

  it(`rule: without a live session ${action} is 401`, async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    expect((await h.call('POST', `/v1/apply/checks/${app.reference}/${action}`, { json })).status).toBe(401);
  });
});

describe("POST /v1/apply/checks/:reference/approve, copying a colleague's access (RA only)", () => {
  it.each(ROLES)("rule: %s may approve copying a colleague's access only with an RA role", async (role) => {
    const { app, position } = await copyApplicationAt(orgs.siteA1.id);
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: (await staff(orgs.trustA.id, role)).token, json: { positionIds: [position] } });
    if (RA.has(role)) expect(res.status).toBe(200);
    else expectRefused(res, 403, 'forbidden');
  });
});

describe('GET /v1/apply/cards-to-issue (issue-smartcard)', () => {
  it.each(ROLES)('rule: %s may see the cards to issue only with an RA role, and only its organisation subtree', async (role) => {
    const inside = await approvedAt(orgs.siteA1.id, false);
    await approvedAt(orgs.trustB.id, false);
    await approvedAt(orgs.region.id, false);
    const res = await h.call('GET', '/v1/apply/cards-to-issue', { token: (await staff(orgs.trustA.id, role)).token });
    if (RA.has(role)) expect(res.body.cards.map((c: { reference: string }) => c.reference)).toEqual([inside.reference]);
    else expectRefused(res, 403, 'forbidden');
  });

  it('rule: without a live session the cards to issue are 401', async () => {
    expect((await h.call('GET', '/v1/apply/cards-to-issue')).status).toBe(401);
  });
});

describe('POST /v1/apply/cards-to-issue/:reference/posted (issue-smartcard)', () => {
  it.each(ROLES)('rule: %s may mark an issued card posted only with an RA role', async (role) => {
    const app = await approvedAt(orgs.siteA1.id, true);
    const res = await h.call('POST', `/v1/apply/cards-to-issue/${app.reference}/posted`, { token: (await staff(orgs.trustA.id, role)).token });
    if (RA.has(role)) expect(res.body).toEqual({ reference: app.reference, status: 'done' });
    else expectRefused(res, 403, 'forbidden');
  });

  it.each([...RA])('rule: %s cannot mark posted an application in a sibling trust or the parent organisation (404)', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const app = await approvedAt(org.id, true);
      expectRefused(await h.call('POST', `/v1/apply/cards-to-issue/${app.reference}/posted`, { token: me.token }), 404, 'not-found');
    }
  });

  it('rule: without a live session marking posted is 401', async () => {
    const app = await approvedAt(orgs.siteA1.id, true);
    expect((await h.call('POST', `/v1/apply/cards-to-issue/${app.reference}/posted`)).status).toBe(401);
  });
});
