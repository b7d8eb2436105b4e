import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from '../cim/cim-harness.js';

// Issuing an iPad (a QR link) at the HTTP boundary: each role allowed or refused as written by
// hand here (domain.md: manage-ipad-authenticators is RAM and RAA(A) only, over their organisation
// and its children; an RAA may not), out of scope refused, 401 without a session, and a refusal
// changes nothing. The device's own calls need no session: the one-time link is their credential.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const ALLOWED: Record<RoleOrNone, boolean> = { RAM: true, 'RAA(A)': true, RAA: false, S: false, IDC: false, LSA: false, none: false };

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
const personAt = (orgId: number) => addUser(h.db, { given: 'Amelia', family: 'Hart', homeOrgId: orgId, ni: uniqueNi() });
const path = (uuid: string) => `/v1/users/${uuid}/authenticators/ipad-enrolments`;

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

describe('POST /v1/users/:uuid/authenticators/ipad-enrolments (RAM, RAA(A) over their organisation and its children)', () => {
  it.each(ROLES)('rule: %s generating an iPad QR code for a user in a child organisation: allowed or refused as written here; a refusal changes nothing', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const person = await personAt(orgs.siteA1.id);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', path(person.uuid), { token: me.token });
    if (ALLOWED[role]) {
      expect(res.status).toBe(201);
      expect(res.body.link).toContain('/device/ipad/register#');
    } else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(ROLES)('rule: %s cannot generate an iPad QR code for a user in a sibling trust or the parent organisation; nothing changes', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const person = await personAt(org.id);
      const before = await tableCounts(h.db);
      const res = await h.call('POST', path(person.uuid), { token: me.token });
      expectRefused(res, 403, ALLOWED[role] ? 'out-of-scope' : 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: without a live session it is 401 and nothing changes', async () => {
    const person = await personAt(orgs.siteA1.id);
    const before = await tableCounts(h.db);
    expect((await h.call('POST', path(person.uuid))).status).toBe(401);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: an unknown user is 404, a closed profile is refused, a malformed id is a 400 naming it; nothing changes', async () => {
    const ram = await staff(orgs.trustA.id, 'RAM');
    const closed = await addUser(h.db, { given: 'Closed', family: 'Person', homeOrgId: orgs.siteA1.id, ni: uniqueNi(), status: 'closed' });
    const before = await tableCounts(h.db);
    expectRefused(await h.call('POST', path('0b6d3f4e-8c1a-4a57-9d2e-3f5a6b7c8d9e'), { token: ram.token }), 404, 'not-found');
    const closedRes = await h.call('POST', path(closed.uuid), { token: ram.token });
    expect({ status: closedRes.status, message: closedRes.body.message }).toEqual({ status: 409, message: 'This profile is closed, so no authenticator can be added to it.' });
    const bad = await h.call('POST', path('not-a-uuid'), { token: ram.token });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path)).toEqual(['params.uuid']);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe("the device's calls (no session: the link is the credential)", () => {
  it('rule: a malformed token or key is a 400 naming the field and registers nothing', async () => {
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/devices/ipad/registrations', { json: { token: 'short', deviceName: '', signature: 'x', publicKey: { kty: 'RSA' } } });
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(expect.arrayContaining(['body.token', 'body.deviceName', 'body.signature', 'body.publicKey.kty']));
    const unknown = await h.call('POST', '/v1/devices/ipad/registration-challenge', { json: { token: 'A'.repeat(43) } });
    expect({ status: unknown.status, message: unknown.body.message }).toEqual({ status: 404, message: 'This QR code was not recognised. Generate a new one.' });
    const counts = await tableCounts(h.db);
    expect({ ...counts, rate_limit_hits: 0 }).toEqual({ ...before, rate_limit_hits: 0 });
  });
});

// The authenticator app: anyone on their own profile (self-register-authenticator); for someone
// else RAM, RAA(A) and RAA (manage-authenticators) over their organisation and its children.
const TOTP_FOR_OTHERS: Record<RoleOrNone, boolean> = { RAM: true, 'RAA(A)': true, RAA: true, S: false, IDC: false, LSA: false, none: false };
const totpPath = (uuid: string) => `/v1/users/${uuid}/authenticators/totp-enrolments`;

describe('POST /v1/users/:uuid/authenticators/totp-enrolments and its confirm (own profile: everyone; others: RAM, RAA(A), RAA in scope)', () => {
  it.each(ROLES)('rule: %s may set up the authenticator app on their own profile', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const res = await h.call('POST', totpPath(me.uuid), { token: me.token });
    expect(res.status).toBe(201);
  });

  it.each(ROLES)('rule: %s setting up the app for a user in a child organisation: allowed or refused as written here; a refusal changes nothing', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const person = await personAt(orgs.siteA1.id);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', totpPath(person.uuid), { token: me.token });
    if (TOTP_FOR_OTHERS[role]) {
      expect(res.status).toBe(201);
    } else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(ROLES)('rule: %s cannot set up the app for a user in a sibling trust or the parent organisation; nothing changes', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    for (const org of [orgs.trustB, orgs.region]) {
      const person = await personAt(org.id);
      const before = await tableCounts(h.db);
      const res = await h.call('POST', totpPath(person.uuid), { token: me.token });
      expectRefused(res, 403, TOTP_FOR_OTHERS[role] ? 'out-of-scope' : 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it("rule: a set-up is confirmed only by whoever started it; another RA's confirm is 404 and keeps nothing", async () => {
    const ram = await staff(orgs.trustA.id, 'RAM');
    const other = await staff(orgs.trustA.id, 'RAA');
    const person = await personAt(orgs.siteA1.id);
    const setUp = await h.call('POST', totpPath(person.uuid), { token: ram.token });
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `${totpPath(person.uuid)}/${setUp.body.enrolmentId}/confirm`, { token: other.token, json: { code: '123456' } });
    expectRefused(res, 404, 'not-found');
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: without a live session both are 401 and nothing changes', async () => {
    const person = await personAt(orgs.siteA1.id);
    const before = await tableCounts(h.db);
    expect((await h.call('POST', totpPath(person.uuid))).status).toBe(401);
    expect((await h.call('POST', `${totpPath(person.uuid)}/1/confirm`, { json: { code: '123456' } })).status).toBe(401);
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
