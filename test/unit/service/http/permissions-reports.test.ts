import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_CATALOGUE, type ReportId } from '../../../../src-shared/api/cim-reports.js';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, addCard, addPosition, addUser, assign, TEST_KEY } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from '../cim/cim-harness.js';
import { cardExpiring, renewed, unlocked } from '../cim/reports-fixtures.js';
import { appendAudit } from '../../../../src-service/audit/audit-log.js';

// View and export reports ('view-reports': RAM, RAA(A), RAA, S, IDC; not LSA, not a user without
// an RA role) at the HTTP boundary: the catalogue, a page and the CSV export. Every report keeps
// to the session's subtree: an organisation filter outside it is refused, and rows from outside
// never appear. Expected outcomes written by hand from domain.md.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const ALLOWED: Record<RoleOrNone, boolean> = { RAM: true, 'RAA(A)': true, RAA: true, S: true, IDC: true, LSA: false, none: false };
const REPORTS = REPORT_CATALOGUE.map((r) => r.id);

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

const staff = (orgId: number, role: RoleOrNone) => actor(h.db, orgId, role === 'none' ? [] : [role], role === 'none' ? 'Clinician' : `Staff ${role}`);

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

/** Something for every report to show at `orgId`: a person with a position, a request, cards expiring and locked, an unlock and a renewal, a closing. */
async function activityAt(orgId: number, family: string): Promise<void> {
  const { db } = h;
  const position = await addPosition(db, { orgId, title: `${family} post` });
  const user = await addUser(db, { given: 'Pat', family, homeOrgId: orgId, ni: uniqueNi() });
  await db.updateTable('users').set({ created_at: '2025-06-01T08:00:00.000Z' }).where('id', '=', user.id).execute();
  await assign(db, user.id, position);
  const card = await cardExpiring(db, user.id, '2025-06-20T00:00:00.000Z');
  await addCard(db, user.id, { status: 'locked' });
  await unlocked(db, card, new Date('2025-06-02T09:00:00.000Z'), 'self');
  await renewed(db, card, new Date('2025-06-03T09:00:00.000Z'), 'sponsor');
  await appendAudit(db, { action: 'profile.closed', actor: user.uuid, subject: user.uuid, details: {} }, new Date('2025-06-04T09:00:00.000Z'));
  const requester = await actor(db, orgId, [], `${family} requester`);
  const res = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [position], startDate: '2025-07-01' } });
  expect(res.status).toBe(201);
}

describe('GET /v1/reports (view-reports)', () => {
  it.each(ROLES)('rule: %s may list the reports only with view-reports', async (role) => {
    const res = await h.call('GET', '/v1/reports', { token: (await staff(orgs.trustA.id, role)).token });
    if (ALLOWED[role]) expect(res.status).toBe(200);
    else expectRefused(res, 403, 'forbidden');
  });
});

describe.each(['view', 'export'] as const)('GET /v1/reports/:reportId (%s)', (how) => {
  const path = (report: ReportId, query = '') => `/v1/reports/${report}${how === 'export' ? '/export' : ''}${query}`;

  it.each(ROLES)(`rule: %s may ${how} every report only with view-reports`, async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const report of REPORTS) {
      const res = await h.call('GET', path(report), { token: me.token });
      if (ALLOWED[role]) expect(res.status, report).toBe(200);
      else expectRefused(res, 403, 'forbidden');
    }
  });

  it(`rule: a report narrowed to an organisation in a sibling trust or the parent organisation cannot be ${how}ed`, async () => {
    for (const role of ['RAM', 'S', 'IDC'] as const) {
      const me = await staff(orgs.trustA.id, role);
      const counted = await tableCounts(h.db);
      for (const report of REPORTS) {
        for (const org of [orgs.trustB, orgs.region]) expectRefused(await h.call('GET', path(report, `?organisation=${org.code}`), { token: me.token }), 403, 'out-of-scope');
      }
      // A refused export is not audited as taken: nothing is written.
      expect(await tableCounts(h.db)).toEqual(counted);
    }
  });

  it(`rule: rows from a sibling trust or the parent organisation never appear in a ${how}ed report`, async () => {
    await activityAt(orgs.siteA1.id, 'Insider');
    await activityAt(orgs.trustB.id, 'Sibling');
    await activityAt(orgs.region.id, 'Parent');
    const me = await staff(orgs.trustA.id, 'RAA');
    for (const report of REPORTS) {
      const res = await h.call('GET', path(report, '?'), { token: me.token });
      expect(res.status, report).toBe(200);
      const text = how === 'view' ? JSON.stringify(res.body.rows) : String(res.body);
      expect(text, report).not.toMatch(/Sibling|Parent/);
      // Each report shows something from inside, so an empty report does not pass for a scoped one.
      expect(text, report).toMatch(/Insider/);
    }
  });
});

describe('no session', () => {
  const PATHS = ['/v1/reports', '/v1/reports/users-positions', '/v1/reports/users-positions/export'];

  it.each(PATHS)('rule: GET %s needs a live session (none, a malformed or unknown token, an ended session: 401)', async (path) => {
    const ended = await staff(orgs.trustA.id, 'RAM');
    await endSession(h.db, ((await resolveSession(h.db, ended.token, TEST_KEY.thumbprint)) as { sessionId: number }).sessionId, 'test');
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      expectRefused(await h.call('GET', path, token ? { token } : {}), 401, 'unauthenticated');
    }
  });
});
