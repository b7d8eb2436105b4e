import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChangeDetailsResponse } from '../../../../src-shared/api/service-cim.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { lastAudit, startHarness, uniqueNi, type Harness, type Orgs } from './cim-harness.js';

// PATCH /v1/users/:uuid/details: RA staff and ID checkers change another user's personal or
// contact details; sponsors only by raising a request (seed 004, "S*").

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

interface UserState {
  given_name: string;
  family_name: string;
  given_name_norm: string;
  family_name_norm: string;
  ni_number: string | null;
  email: string | null;
  mobile: string | null;
  date_of_birth: string | null;
}

function stateOf(userId: number): Promise<UserState> {
  return h.db
    .selectFrom('users')
    .select(['given_name', 'family_name', 'given_name_norm', 'family_name_norm', 'ni_number', 'email', 'mobile', 'date_of_birth'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

async function target(): Promise<{ id: number; uuid: string; ni: string }> {
  const ni = uniqueNi();
  return { ...(await addUser(h.db, { given: 'Jo', family: 'Smith', homeOrgId: orgs.siteA1.id, ni, email: 'jo.smith@nhs.net' })), ni };
}

describe('direct changes', () => {
  it.each(['RAM', 'RAA(A)', 'RAA', 'IDC'] as const)("rule: %s changes another user's details directly and gets the updated profile", async (role) => {
    const staff = await actor(h.db, orgs.trustA.id, [role]);
    const user = await target();
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, {
      token: staff.token,
      json: { givenName: 'Zoë', familyName: 'Åström-Ñúñez', email: 'zoe.astrom@nhs.net', mobile: '+44 7700 900456' },
    });
    expect(res.status).toBe(200);
    const outcome = ChangeDetailsResponse.parse(res.body);
    expect(outcome.outcome).toBe('changed');
    if (outcome.outcome !== 'changed') return;
    expect(outcome.profile).toMatchObject({ uuid: user.uuid, givenName: 'Zoë', familyName: 'Åström-Ñúñez', email: 'zoe.astrom@nhs.net', mobile: '+447700900456', niNumber: user.ni });
    expect(await stateOf(user.id)).toMatchObject({ given_name: 'Zoë', family_name: 'Åström-Ñúñez', email: 'zoe.astrom@nhs.net', mobile: '+447700900456' });
  });

  it('rule: the search columns follow a name change (lower-case, accents removed)', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const user = await target();
    await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { givenName: 'ZOË', familyName: 'Åström-Ñúñez' } });
    expect(await stateOf(user.id)).toMatchObject({ given_name_norm: 'zoe', family_name_norm: 'astrom-nunez' });
    // Changing only the family name leaves the given name's search form alone.
    await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { familyName: 'Ōtsuka' } });
    expect(await stateOf(user.id)).toMatchObject({ given_name: 'ZOË', given_name_norm: 'zoe', family_name: 'Ōtsuka', family_name_norm: 'otsuka' });
  });

  it('rule: a National Insurance number is stored in its standard form', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const user = await target();
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { niNumber: 'ce 12 34 56 d' } });
    expect(res.status).toBe(200);
    expect((await stateOf(user.id)).ni_number).toBe('CE123456D');
  });

  it('rule: the change is audited with actor, subject and workstation, naming the fields but not their values', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const user = await target();
    await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { niNumber: 'JG103759A', familyName: 'Jones' } });
    const entry = await lastAudit(h.db);
    expect(entry).toMatchObject({ actor: staff.uuid, action: 'user-details.changed', subject: user.uuid, workstation_id: 'test-ws' });
    expect(JSON.parse(entry?.details ?? '{}')).toEqual({ fields: ['familyName', 'niNumber'] });
    expect(entry?.details).not.toContain('JG103759A');
  });

  it('rule: a National Insurance number already held by someone else is a conflict and nothing changes', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const user = await target();
    const other = await target();
    const before = await stateOf(user.id);
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { niNumber: other.ni, givenName: 'Changed' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(await stateOf(user.id)).toEqual(before);
    // Re-stating the user's own number is not a conflict.
    expect((await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { niNumber: user.ni } })).status).toBe(200);
  });

  it('rule: names with control characters are refused', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const user = await target();
    for (const givenName of ['Jo\u0000', 'Jo\u001b[31m', 'Jo\u202Eevil', 'Jo\nSmith']) {
      const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { givenName } });
      expect(res.status).toBe(400);
      expect(res.body.fields[0].path).toBe('body.givenName');
    }
    expect((await stateOf(user.id)).given_name).toBe('Jo');
  });
});

describe('changes by request', () => {
  it("rule: sponsors change another user's details only by request: 202, a pending request stored, the user unchanged", async () => {
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const user = await target();
    const before = await stateOf(user.id);
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: sponsor.token, json: { familyName: 'Smith-Jones', mobile: '07700 900777' } });
    expect(res.status).toBe(202);
    const outcome = ChangeDetailsResponse.parse(res.body);
    expect(outcome).toEqual({ outcome: 'requested', requestId: expect.any(Number), requestedAt: '2025-06-15T10:00:00.000Z' });
    expect(await stateOf(user.id)).toEqual(before);
    if (outcome.outcome !== 'requested') return;
    const row = await h.db
      .selectFrom('detail_change_requests')
      .select(['user_id', 'changes', 'status', 'requested_by', 'requested_at', 'decided_by'])
      .where('id', '=', outcome.requestId)
      .executeTakeFirst();
    expect(row).toEqual({
      user_id: user.id,
      changes: JSON.stringify({ familyName: 'Smith-Jones', mobile: '07700900777' }),
      status: 'pending',
      requested_by: sponsor.userId,
      requested_at: '2025-06-15T10:00:00.000Z',
      decided_by: null,
    });
    const entry = await lastAudit(h.db);
    expect(entry).toMatchObject({ actor: sponsor.uuid, action: 'user-details.change-requested', subject: user.uuid, workstation_id: 'test-ws' });
    expect(JSON.parse(entry?.details ?? '{}')).toEqual({ requestId: outcome.requestId, fields: ['familyName', 'mobile'] });
  });

  it('rule: a sponsor who is also an ID checker changes details directly (the strongest grant applies)', async () => {
    const both = await actor(h.db, orgs.trustA.id, ['S', 'IDC']);
    const user = await target();
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: both.token, json: { familyName: 'Direct' } });
    expect(res.status).toBe(200);
    expect((await stateOf(user.id)).family_name).toBe('Direct');
  });

  it("rule: a sponsor's request for an NI number someone else holds is refused as a conflict, not stored", async () => {
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const user = await target();
    const other = await target();
    const requests = async (): Promise<number> =>
      Number((await h.db.selectFrom('detail_change_requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await requests();
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: sponsor.token, json: { niNumber: other.ni } });
    expect(res.status).toBe(409);
    expect(await requests()).toBe(before);
  });
});

describe('who may not', () => {
  it.each([
    ['LSA', ['LSA']],
    ['no RA role', []],
  ] as const)("rule: a session with %s may not change another user's details", async (_label, roles) => {
    const staff = await actor(h.db, orgs.trustA.id, [...roles]);
    const user = await target();
    const before = await stateOf(user.id);
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { familyName: 'Nope' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(await stateOf(user.id)).toEqual(before);
  });

  it("rule: RA staff change details only for users in their organisation's subtree", async () => {
    const elsewhere = await actor(h.db, orgs.trustB.id, ['RAM']);
    const user = await target();
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: elsewhere.token, json: { familyName: 'Nope' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('out-of-scope');
    expect((await stateOf(user.id)).family_name).toBe('Smith');
  });

  it('rule: an unknown user is 404', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const res = await h.call('PATCH', '/v1/users/6a1f0d3e-2b4c-4d5e-8f90-a1b2c3d4e5f6/details', { token: staff.token, json: { familyName: 'X' } });
    expect(res.status).toBe(404);
  });
});

describe('changes to your own profile', () => {
  it.each(['RAM', 'RAA(A)', 'RAA', 'IDC'] as const)(
    'rule: %s cannot change their own name, date of birth or National Insurance number; nothing changes',
    async (role) => {
      const staff = await actor(h.db, orgs.trustA.id, [role]);
      const before = await stateOf(staff.userId);
      for (const json of [{ givenName: 'Self' }, { familyName: 'Made' }, { niNumber: uniqueNi() }, { dateOfBirth: '1980-02-29' }]) {
        const res = await h.call('PATCH', `/v1/users/${staff.uuid}/details`, { token: staff.token, json });
        expect(res.status).toBe(403);
        expect(res.body.message).toBe(
          'Registration authority staff and ID checkers cannot change their own name, date of birth or National Insurance number. Ask another member of your registration authority to change it.',
        );
      }
      expect(await stateOf(staff.userId)).toEqual(before);
    },
  );

  it.each(['RAM', 'RAA(A)', 'RAA', 'IDC'] as const)("rule: %s still changes another user's name and NI number in their scope", async (role) => {
    const staff = await actor(h.db, orgs.trustA.id, [role]);
    const user = await target();
    const ni = uniqueNi();
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { familyName: 'Renamed', niNumber: ni } });
    expect(res.status).toBe(200);
    expect(await stateOf(user.id)).toMatchObject({ family_name: 'Renamed', ni_number: ni });
  });

  it.each(['RAM', 'IDC', 'S'] as const)(
    'rule: your own email or mobile never changes here, without your smartcard (%s)',
    async (role) => {
      const me = await actor(h.db, orgs.trustA.id, [role]);
      const before = await stateOf(me.userId);
      const res = await h.call('PATCH', `/v1/users/${me.uuid}/details`, { token: me.token, json: { email: 'elsewhere@nhs.net' } });
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/from your profile, where your smartcard approves the change/);
      expect(await stateOf(me.userId)).toEqual(before);
    },
  );

  it("rule: a contact RA staff change on another user's profile is kept with its change time (no unlock codes to it for a day)", async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const user = await target();
    expect((await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { email: 'jo.new@nhs.net' } })).status).toBe(200);
    const stamped = await h.db.selectFrom('users').select(['email_changed_at as e', 'mobile_changed_at as m']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stamped.e).toEqual(expect.any(Number));
    expect(stamped.m).toBeNull();
  });
});

describe('date of birth', () => {
  it('rule: RA staff change a date of birth directly; a sponsor only asks', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const user = await target();
    expect((await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { dateOfBirth: '1975-11-30' } })).status).toBe(200);
    expect((await stateOf(user.id)).date_of_birth).toBe('1975-11-30');
    const asked = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: sponsor.token, json: { dateOfBirth: '1975-12-01' } });
    expect(asked.status).toBe(202);
    expect((await stateOf(user.id)).date_of_birth).toBe('1975-11-30');
  });

  it.each([
    ['in the future', '2025-06-16', 'the date of birth must be today or in the past'],
    ['before 1900', '1899-12-31', 'the date of birth must be after 1900'],
    ['not a date', '1975-02-30', undefined],
  ])('rule: a date of birth %s is a 400 naming it, and nothing changes', async (_what, dateOfBirth, message) => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const user = await target();
    const before = await stateOf(user.id);
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: staff.token, json: { dateOfBirth } });
    expect(res.status).toBe(400);
    expect(res.body.fields[0].path).toBe('body.dateOfBirth');
    if (message) expect(res.body.fields[0].message).toBe(message);
    expect(await stateOf(user.id)).toEqual(before);
  });
});
