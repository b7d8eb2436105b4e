import { describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { addApplication } from '../../../support/apply-fixtures.js';
import { actor, TEST_KEY } from '../../../support/service-fixtures.js';
import { harnessPerFile } from '../apply/harness-per-file.js';

// What sponsors and RA staff read in Apply for Care ID, at the HTTP boundary: every role, in and
// out of scope, and 401 without a live session. The outcomes are written by hand from domain.md
// and APPLY.md: "Apply for Care ID" is RAM, RAA(A), RAA and S; a sponsor without an RA role sees
// the applications they raised; RA staff those of their organisation and its children; anyone
// else is refused (403), and an application out of scope is "not found" (404).

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const READERS = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA', 'S']);
const RA_STAFF: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA'];

const { h, orgs } = harnessPerFile();

const staff = (orgId: number, role: RoleOrNone, name?: string) => actor(h.db, orgId, role === 'none' ? [] : [role], name);

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

/** The three reads for one application: the dashboard's In progress tab, a search by its ID, and the application. */
async function reads(token: string, reference: string) {
  return {
    dashboard: await h.call('GET', '/v1/apply/dashboard?tab=in-progress', { token }),
    search: await h.call('GET', `/v1/apply/applications?query=${reference}`, { token }),
    one: await h.call('GET', `/v1/apply/applications/${reference}`, { token }),
  };
}

describe('who may read (apply-for-care-id)', () => {
  it.each(ROLES)('rule: %s reads the dashboard, search and an application it raised only with RAM, RAA(A), RAA or S', async (role) => {
    const me = await staff(orgs.siteA1.id, role);
    const { reference } = await addApplication(h.db, { orgId: orgs.siteA1.id, raisedBy: me.userId });
    const r = await reads(me.token, reference);
    if (READERS.has(role)) {
      expect([r.dashboard.status, r.search.status, r.one.status]).toEqual([200, 200, 200]);
      expect(r.dashboard.body.applications.map((a: { reference: string }) => a.reference)).toEqual([reference]);
      expect(r.search.body.applications.map((a: { reference: string }) => a.reference)).toEqual([reference]);
      expect(r.one.body.summary.reference).toBe(reference);
    } else {
      for (const res of [r.dashboard, r.search, r.one]) expectRefused(res, 403, 'forbidden');
    }
  });
});

describe('scope', () => {
  it.each(RA_STAFF)("rule: %s reads applications of its organisation and its child organisations, whoever raised them", async (role) => {
    const sponsor = await staff(orgs.siteA1.id, 'S', 'Site sponsor');
    const atSite = await addApplication(h.db, { orgId: orgs.siteA1.id, raisedBy: sponsor.userId });
    const me = await staff(orgs.trustA.id, role);
    const r = await reads(me.token, atSite.reference);
    expect([r.dashboard.status, r.search.status, r.one.status]).toEqual([200, 200, 200]);
    expect(r.dashboard.body.counts['in-progress']).toBe(1);
    expect(r.search.body.total).toBe(1);
    expect(r.one.body.summary.raisedByMe).toBe(false);
  });

  it.each(RA_STAFF)('rule: %s does not see applications of a sibling trust or the parent organisation (not counted, not found)', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const sponsor = await staff(org.id, 'S', `Sponsor at ${org.code}`);
      // Even one the RA member raised themselves while working elsewhere is out of this session's scope.
      for (const raisedBy of [sponsor.userId, me.userId]) {
        const { reference } = await addApplication(h.db, { orgId: org.id, raisedBy });
        const r = await reads(me.token, reference);
        expect(r.dashboard.status).toBe(200);
        expect(Object.values(r.dashboard.body.counts as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(0);
        expect(r.search.body.total).toBe(0);
        expect([r.one.status, r.one.body.message]).toEqual([404, `Application ${reference} was not found.`]);
      }
    }
  });

  it("rule: a sponsor sees only the applications they raised, not a colleague's at the same organisation, nor at a child organisation", async () => {
    const me = await staff(orgs.trustA.id, 'S');
    const colleague = await staff(orgs.trustA.id, 'S', 'Colleague');
    const theirs = await addApplication(h.db, { orgId: orgs.trustA.id, raisedBy: colleague.userId });
    const atChild = await addApplication(h.db, { orgId: orgs.siteA1.id, raisedBy: colleague.userId });
    for (const app of [theirs, atChild]) {
      const r = await reads(me.token, app.reference);
      expect(r.dashboard.body.counts['in-progress']).toBe(0);
      expect(r.search.body.total).toBe(0);
      expect([r.one.status, r.one.body.message]).toEqual([404, `Application ${app.reference} was not found.`]);
    }
  });

  it('rule: IDC, LSA and no role are refused (403) even for an application of their own organisation, before anything is looked up', async () => {
    const sponsor = await staff(orgs.trustA.id, 'S');
    const { reference } = await addApplication(h.db, { orgId: orgs.trustA.id, raisedBy: sponsor.userId });
    for (const role of ['IDC', 'LSA', 'none'] as const) {
      const me = await staff(orgs.trustA.id, role);
      const r = await reads(me.token, reference);
      for (const res of [r.dashboard, r.search, r.one]) expectRefused(res, 403, 'forbidden');
      // The refusal does not depend on whether the application exists.
      expectRefused(await h.call('GET', '/v1/apply/applications/ACI-00000000', { token: me.token }), 403, 'forbidden');
    }
  });
});

describe('no session', () => {
  const PATHS = ['/v1/apply/dashboard', '/v1/apply/applications?query=smith', '/v1/apply/applications/ACI-00000000'];

  it.each(PATHS)('rule: GET %s needs a live session (none, a malformed or unknown token, an ended session: 401)', async (path) => {
    const ended = await staff(orgs.trustA.id, 'RAM');
    await endSession(h.db, ((await resolveSession(h.db, ended.token, TEST_KEY.thumbprint)) as { sessionId: number }).sessionId, 'test');
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      expectRefused(await h.call('GET', path, token ? { token } : {}), 401, 'unauthenticated');
    }
  });
});
