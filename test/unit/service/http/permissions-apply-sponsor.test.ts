import { describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { BULK_COLUMNS } from '../../../../src-shared/api/apply.js';
import { addApplication } from '../../../support/apply-fixtures.js';
import { tableCounts } from '../cim/cim-harness.js';
import { harnessPerFile } from '../apply/harness-per-file.js';
import { applicationBody, positionAt, sponsorAt } from '../apply/sponsor-support.js';

// The sponsor's Apply for Care ID endpoints at the HTTP boundary. Written by hand from domain.md:
// "apply for Care ID | RAM, RAA(A), RAA, S"; a sponsor acts only on applications they raised, RA
// staff on applications of organisations in their subtree; anything else is not found (404) so
// a reference tells nothing; IDC, LSA and no role are refused (403); no session is 401.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const APPLIERS = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA', 'S']);
const RA_STAFF = new Set<RoleOrNone>(['RAM', 'RAA(A)', 'RAA']);

const { h, orgs } = harnessPerFile();

/** Those who may apply have their query address set; the others have none, so any refusal is the role's. */
const staff = (orgId: number, role: RoleOrNone) => sponsorAt(h, orgId, role === 'none' ? [] : [role], APPLIERS.has(role) ? undefined : null);
const csvFor = (positionId: number) => [BULK_COLUMNS.join(','), `Sam,Perm,1988-07-09,AB123456C,sam.perm@example.nhs.net,07700900456,${positionId},Ward clerk access`].join('\n');

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

describe("the sponsor's own endpoints (apply-for-care-id)", () => {
  it.each(ROLES)('rule: %s may use settings, access options, new applications and bulk invitations only with RAM, RAA(A), RAA or S', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const position = await positionAt(h, orgs.trustA.id);
    const before = await tableCounts(h.db);
    const calls = [
      await h.call('GET', '/v1/apply/settings', { token: me.token }),
      await h.call('GET', '/v1/apply/access-options', { token: me.token }),
      await h.call('POST', '/v1/apply/settings/email', { token: me.token, json: { email: 'queries@example.nhs.net' } }),
      await h.call('POST', '/v1/apply/applications', { token: me.token, json: applicationBody(position) }),
      await h.call('POST', '/v1/apply/bulk', { token: me.token, json: { fileName: 'f.csv', csv: csvFor(position) } }),
    ];
    const confirm = await h.call('POST', '/v1/apply/settings/email/confirm', { token: me.token, json: { code: '000000' } });
    if (APPLIERS.has(role)) {
      expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 201, 200]);
      // Allowed: a wrong code is a wrong code, not a refusal of the role.
      expect(confirm.status).toBe(400);
      const batchId = calls[4]?.body.batchId as string;
      expect((await h.call('POST', `/v1/apply/bulk/${batchId}/send`, { token: me.token })).status).toBe(200);
    } else {
      for (const c of [...calls, confirm]) expectRefused(c, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });
});

const ACTIONS = ['resend', 'resend-selected', 'cancel', 'done'] as const;
function act(action: (typeof ACTIONS)[number], reference: string, token: string) {
  if (action === 'resend-selected') return h.call('POST', '/v1/apply/resend', { token, json: { references: [reference] } });
  return h.call('POST', `/v1/apply/applications/${reference}/${action}`, { token, ...(action === 'cancel' ? { json: {} } : {}) });
}
/** In progress for resend and cancel; rejected (a list every applier may clear) for done. */
const statusFor = (action: (typeof ACTIONS)[number]) => (action === 'done' ? ('rejected' as const) : ('in-progress' as const));
const OK = 200;

describe('acting on an application (resend, Resend selected, cancel, mark as done)', () => {
  const cases = ACTIONS.flatMap((action) => ROLES.map((role) => [action, role] as const));

  it.each(cases)('rule: %s by %s: on an application raised by someone else at a child organisation, only RA staff act; a sponsor is told it is not found', async (action, role) => {
    const raiser = await staff(orgs.siteA1.id, 'S');
    const app = await addApplication(h.db, { orgId: orgs.siteA1.id, raisedBy: raiser.userId, status: statusFor(action) });
    const me = await staff(orgs.trustA.id, role);
    const before = await tableCounts(h.db);
    const res = await act(action, app.reference, me.token);
    if (RA_STAFF.has(role)) {
      expect(res.status).toBe(OK);
      return;
    }
    if (role === 'S') {
      expectRefused(res, 404, 'not-found');
      expect(res.body.message).toBe(`Application ${app.reference} was not found.`);
    } else {
      expectRefused(res, 403, 'forbidden');
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it.each(cases)('rule: %s by %s: on an application they raised themselves, every role that may apply acts', async (action, role) => {
    const me = await staff(orgs.trustA.id, role);
    const app = await addApplication(h.db, { orgId: orgs.trustA.id, raisedBy: me.userId, status: statusFor(action) });
    const res = await act(action, app.reference, me.token);
    if (APPLIERS.has(role)) expect(res.status).toBe(OK);
    else expectRefused(res, 403, 'forbidden');
  });

  it.each(ACTIONS.flatMap((action) => (['RAM', 'RAA(A)', 'RAA', 'S'] as const).map((role) => [action, role] as const)))(
    'rule: %s by %s: an application of a sibling trust or the parent organisation is not found, and nothing changes',
    async (action, role) => {
      const me = await staff(orgs.trustA.id, role);
      const there = await staff(orgs.trustB.id, 'S');
      const above = await staff(orgs.region.id, 'S');
      const sibling = await addApplication(h.db, { orgId: orgs.trustB.id, raisedBy: there.userId, status: statusFor(action) });
      const parent = await addApplication(h.db, { orgId: orgs.region.id, raisedBy: above.userId, status: statusFor(action) });
      const before = await tableCounts(h.db);
      for (const app of [sibling, parent]) expectRefused(await act(action, app.reference, me.token), 404, 'not-found');
      expect(await tableCounts(h.db)).toEqual(before);
    },
  );
});

describe('without a session', () => {
  const calls: [string, string, unknown?][] = [
    ['GET', '/v1/apply/settings'],
    ['POST', '/v1/apply/settings/email', { email: 'queries@example.nhs.net' }],
    ['POST', '/v1/apply/settings/email/confirm', { code: '123456' }],
    ['GET', '/v1/apply/access-options'],
    ['POST', '/v1/apply/applications', {}],
    ['POST', '/v1/apply/applications/ACI-7K3M9Q2P/resend'],
    ['POST', '/v1/apply/resend', { references: ['ACI-7K3M9Q2P'] }],
    ['POST', '/v1/apply/applications/ACI-7K3M9Q2P/cancel', {}],
    ['POST', '/v1/apply/applications/ACI-7K3M9Q2P/done'],
    ['POST', '/v1/apply/bulk', { fileName: 'f.csv', csv: csvFor(1) }],
    ['POST', '/v1/apply/bulk/some-batch/send'],
  ];
  it.each(calls)('rule: %s %s without a session is 401', async (method, path, json) => {
    const res = await h.call(method, path, json === undefined ? {} : { json });
    expect(res.status).toBe(401);
  });
});
