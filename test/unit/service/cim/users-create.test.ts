import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUserProfile } from '../../../../src-service/cim/create-user.js';
import { inTransaction } from '../../../../src-service/store/transaction.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { lastAudit, NOW, startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from './cim-harness.js';

// POST /v1/users ("Create a new user"): RA staff and ID checkers create a profile in their scope;
// one person, one profile, checked on NI number and date of birth before anything is saved.

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

const newUser = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  givenName: 'Nadia',
  familyName: 'Kowalczyk',
  dateOfBirth: '1987-03-14',
  niNumber: uniqueNi(),
  email: 'nadia.kowalczyk@nhs.net',
  mobile: '07700 900123',
  homeOrganisationCode: orgs.siteA1.code,
  ...over,
});

const userRow = (uuid: string) =>
  h.db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.home_org_id')
    .select(['u.given_name', 'u.family_name', 'u.given_name_norm', 'u.family_name_norm', 'u.date_of_birth', 'u.ni_number', 'u.email', 'u.mobile', 'u.status', 'o.code'])
    .where('u.uuid', '=', uuid)
    .executeTakeFirst();

describe('creating a profile', () => {
  it('rule: RA staff create an open profile with the details given, home organisation in their scope, and get its UUID', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const body = newUser({ niNumber: 'ce 65 43 21 a' });
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: body });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ uuid: expect.any(String), name: 'Nadia Kowalczyk' });
    expect(await userRow(res.body.uuid)).toEqual({
      given_name: 'Nadia',
      family_name: 'Kowalczyk',
      given_name_norm: 'nadia',
      family_name_norm: 'kowalczyk',
      date_of_birth: '1987-03-14',
      ni_number: 'CE654321A',
      email: 'nadia.kowalczyk@nhs.net',
      mobile: '07700900123',
      status: 'open',
      code: orgs.siteA1.code,
    });
    // The new profile is there to view straight away.
    expect((await h.call('GET', `/v1/users/${res.body.uuid}`, { token: staff.token })).body).toMatchObject({ givenName: 'Nadia', status: 'open' });
  });

  it("rule: creating a profile is audited as 'user.created' with the creator, the new profile and the workstation, and no personal details", async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['IDC']);
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser() });
    const entry = await lastAudit(h.db);
    expect(entry).toMatchObject({ action: 'user.created', actor: staff.uuid, subject: res.body.uuid, workstation_id: 'test-ws' });
    expect(entry?.details).not.toMatch(/Kowalczyk|1987|nhs\.net/);
  });

  it('rule: email and mobile may be left out', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser({ email: undefined, mobile: undefined }) });
    expect(res.status).toBe(201);
    expect(await userRow(res.body.uuid)).toMatchObject({ email: null, mobile: null });
  });

  it('rule: the home organisation code is matched whatever its case', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser({ homeOrganisationCode: orgs.trustA.code.toLowerCase() }) });
    expect(res.status).toBe(201);
    expect((await userRow(res.body.uuid))?.code).toBe(orgs.trustA.code);
  });
});

describe('one person, one profile', () => {
  it("rule: the same NI number and date of birth is refused (409) with the existing profile's UUID and name, and nothing is saved", async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const first = newUser();
    const created = await h.call('POST', '/v1/users', { token: staff.token, json: first });
    const before = await tableCounts(h.db);
    const again = await h.call('POST', '/v1/users', { token: staff.token, json: { ...first, givenName: 'Nadja', email: 'other@nhs.net' } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: 'conflict', message: 'A profile already exists for this person.', existing: { uuid: created.body.uuid, name: 'Nadia Kowalczyk' } });
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a closed profile counts: the person is sent to it (to reopen), not given a second one', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const ni = uniqueNi();
    const closed = await addUser(h.db, { given: 'Old', family: 'Profile', homeOrgId: orgs.trustB.id, ni, status: 'closed' });
    await h.db.updateTable('users').set({ date_of_birth: '1990-01-01' }).where('id', '=', closed.id).execute();
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser({ niNumber: ni, dateOfBirth: '1990-01-01' }) });
    expect(res.status).toBe(409);
    expect(res.body.existing).toEqual({ uuid: closed.uuid, name: 'Old Profile' });
  });

  it('rule: a profile from before dates of birth were recorded matches on its NI number', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const ni = uniqueNi();
    const old = await addUser(h.db, { given: 'No', family: 'Birthdate', homeOrgId: orgs.siteA1.id, ni });
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser({ niNumber: ni }) });
    expect(res.status).toBe(409);
    expect(res.body.existing).toEqual({ uuid: old.uuid, name: 'No Birthdate' });
  });

  it("rule: an NI number held by someone with another date of birth is refused without naming them, and nothing is saved", async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAA']);
    const first = newUser();
    await h.call('POST', '/v1/users', { token: staff.token, json: first });
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: { ...first, dateOfBirth: '1991-07-07' } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: 'conflict', message: 'That National Insurance number belongs to another user.' });
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: createUserProfile inside a caller\'s transaction refuses a duplicate and the whole transaction rolls back', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const ni = uniqueNi();
    const fields = { givenName: 'Esr', familyName: 'Starter', dateOfBirth: '1999-09-09', niNumber: ni, email: null, mobile: null, homeOrgId: orgs.siteA1.id };
    const made = await inTransaction(h.db, (trx) => createUserProfile(trx, fields, staff.userId, NOW));
    expect(made.name).toBe('Esr Starter');
    const before = await tableCounts(h.db);
    const attempt = inTransaction(h.db, async (trx) => {
      await trx.updateTable('users').set({ email: 'changed@nhs.net' }).where('id', '=', made.id).execute();
      return createUserProfile(trx, fields, staff.userId, NOW);
    });
    await expect(attempt).rejects.toMatchObject({ status: 409, existing: { uuid: made.uuid, name: 'Esr Starter' } });
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await userRow(made.uuid))?.email).toBeNull();
  });
});

describe('bad input changes nothing', () => {
  const CASES: [string, Record<string, unknown>, string][] = [
    ['no given name', { givenName: '   ' }, 'body.givenName'],
    ['no family name', { familyName: undefined }, 'body.familyName'],
    ['no date of birth', { dateOfBirth: undefined }, 'body.dateOfBirth'],
    ['an impossible date of birth', { dateOfBirth: '1987-02-30' }, 'body.dateOfBirth'],
    ['a date of birth before 1900', { dateOfBirth: '1899-12-31' }, 'body.dateOfBirth'],
    ['no NI number', { niNumber: undefined }, 'body.niNumber'],
    ['a malformed NI number', { niNumber: 'QQ123456Z' }, 'body.niNumber'],
    ['a malformed email', { email: 'not-an-email' }, 'body.email'],
    ['a mobile that is not a UK mobile', { mobile: '0207 946 0000' }, 'body.mobile'],
    ['no home organisation', { homeOrganisationCode: '' }, 'body.homeOrganisationCode'],
    ['a field the contract does not take', { status: 'closed' }, 'body'],
    ['a control character in a name', { familyName: 'Kowal\u0007czyk' }, 'body.familyName'],
  ];

  it.each(CASES)('rule: %s is a 400 naming the field, and nothing is saved', async (_what, over, path) => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser(over) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad-request');
    expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(path);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a date of birth in the future is a 400 naming it', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser({ dateOfBirth: '2025-06-16' }) });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.dateOfBirth', message: 'the date of birth must be today or in the past' }]);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: an ODS code no organisation has is a 400 naming it', async () => {
    const staff = await actor(h.db, orgs.trustA.id, ['RAM']);
    const res = await h.call('POST', '/v1/users', { token: staff.token, json: newUser({ homeOrganisationCode: 'NOSUCH9' }) });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.homeOrganisationCode', message: 'no organisation has that ODS code' }]);
  });
});
