import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestsResponse, WaitingRequest } from '../../../../src-shared/api/cim-requests.js';
import { actor, addPosition, auditRows } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from './cim-harness.js';
import { closeRequestAt, createRecord, detailChangeRequestAt, esrCreateAt, esrRequestId, importAt, userAt } from './requests-fixtures.js';

// Requests: one list of everything waiting (position, detail-change, close/reopen and ESR
// requests) in the session's subtree, with counts per kind; the decisions on each kind.

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

const list = async (token: string, query = '') => {
  const res = await h.call('GET', `/v1/requests${query}`, { token });
  expect(res.status).toBe(200);
  return RequestsResponse.parse(res.body);
};

async function positionRequestAt(orgId: number): Promise<number> {
  const requester = await actor(h.db, orgId, [], 'Requester');
  const position = await addPosition(h.db, { orgId, title: 'Ward Clerk' });
  const res = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [position], startDate: '2025-07-01' } });
  expect(res.status).toBe(201);
  return res.body.requests[0].id as number;
}

const userRow = (id: number) => h.db.selectFrom('users').select(['family_name', 'email', 'status', 'ni_number']).where('id', '=', id).executeTakeFirstOrThrow();

describe('the list', () => {
  it('rule: Requests lists every kind waiting in the subtree, with a count per kind, and nothing from a sibling trust', async () => {
    const positionId = await positionRequestAt(orgs.siteA1.id);
    const detail = await detailChangeRequestAt(h, orgs.siteA1.id);
    const close = await closeRequestAt(h, orgs.trustA.id);
    const esr = await esrCreateAt(h, orgs.trustA.id, orgs.siteA1.code);
    // The same in the sibling trust: not shown.
    await positionRequestAt(orgs.trustB.id);
    await detailChangeRequestAt(h, orgs.trustB.id);
    await closeRequestAt(h, orgs.trustB.id);
    await esrCreateAt(h, orgs.trustB.id, orgs.trustB.code);

    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const all = await list(ram.token);
    expect(all.counts).toEqual({ position: 1, 'detail-change': 1, 'profile-status': 1, esr: 1 });
    expect(all.requests.map((r) => [r.kind, r.id]).sort()).toEqual(
      [
        ['detail-change', detail.id],
        ['esr', esr.id],
        ['position', positionId],
        ['profile-status', close.id],
      ].sort(),
    );
    const esrView = all.requests.find((r) => r.kind === 'esr');
    expect(esrView).toMatchObject({ subjectName: 'Nadia Rahman', summary: 'ESR: create a user profile', mayDecide: true, existingProfile: null, user: null });
    expect(all.requests.find((r) => r.kind === 'detail-change')?.details).toEqual([
      { label: 'Family name', value: 'User to Married-Name' },
      { label: 'Email address', value: 'target@nhs.net to new.address@nhs.net' },
    ]);
  });

  it('rule: the kind filter lists one kind and the counts stay whole; the status filter lists decided requests', async () => {
    await detailChangeRequestAt(h, orgs.siteA1.id);
    const esr = await esrCreateAt(h, orgs.trustA.id, orgs.trustA.code);
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const onlyEsr = await list(ram.token, '?kind=esr');
    expect(onlyEsr.requests.map((r) => r.kind)).toEqual(['esr']);
    expect(onlyEsr.counts).toMatchObject({ 'detail-change': 1, esr: 1 });

    expect((await h.call('POST', `/v1/esr-requests/${esr.id}/reject`, { token: ram.token, json: { reason: 'Not one of ours' } })).status).toBe(200);
    const rejected = await list(ram.token, '?status=rejected');
    expect(rejected.counts).toEqual({ position: 0, 'detail-change': 0, 'profile-status': 0, esr: 1 });
    expect(rejected.requests).toMatchObject([{ kind: 'esr', id: esr.id, status: 'rejected', reason: 'Not one of ours', mayDecide: false }]);
    expect((await list(ram.token, '?kind=esr')).requests).toEqual([]);
  });

  it('rule: a sponsor sees the requests but only RA staff accept or reject detail-change and close requests; sponsors may decide ESR requests (the matrix: manage requests incl. ESR, S)', async () => {
    const detail = await detailChangeRequestAt(h, orgs.siteA1.id);
    const close = await closeRequestAt(h, orgs.siteA1.id);
    const esr = await esrCreateAt(h, orgs.trustA.id, orgs.siteA1.code);
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const seen = await list(sponsor.token);
    expect(seen.requests.find((r) => r.kind === 'detail-change')).toMatchObject({ mayDecide: false, whyNot: 'Only RA staff and ID checkers can accept or reject a change of details.' });
    expect(seen.requests.find((r) => r.kind === 'profile-status')).toMatchObject({ mayDecide: false });
    expect(seen.requests.find((r) => r.kind === 'esr')).toMatchObject({ mayDecide: true });

    const before = await tableCounts(h.db);
    for (const path of [`/v1/detail-change-requests/${detail.id}/accept`, `/v1/profile-status-requests/${close.id}/accept`]) {
      expect((await h.call('POST', path, { token: sponsor.token })).body.code).toBe('forbidden');
    }
    expect((await h.call('POST', `/v1/detail-change-requests/${detail.id}/reject`, { token: sponsor.token, json: { reason: 'x' } })).status).toBe(403);
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await userRow(detail.user.id)).family_name).toBe('User');
    expect((await userRow(close.user.id)).status).toBe('open');
    expect((await h.call('POST', `/v1/esr-requests/${esr.id}/accept`, { token: sponsor.token })).status).toBe(200);
  });

  it('rule: one request is shown by kind and id, and one outside the subtree is not found', async () => {
    const detail = await detailChangeRequestAt(h, orgs.trustB.id);
    const mine = await detailChangeRequestAt(h, orgs.trustA.id);
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const shown = await h.call('GET', `/v1/requests/detail-change/${mine.id}`, { token: ram.token });
    expect(shown.status).toBe(200);
    expect(WaitingRequest.parse(shown.body)).toMatchObject({ id: mine.id, user: { uuid: mine.user.uuid }, mayDecide: true });
    expect((await h.call('GET', `/v1/requests/detail-change/${detail.id}`, { token: ram.token })).status).toBe(404);
  });
});

describe('position requests', () => {
  it('rule: a position request shows in Requests and is granted with its own endpoint; a sponsor cannot grant a position that is not assignable', async () => {
    const requester = await actor(h.db, orgs.siteA1.id, [], 'Requester');
    const closedToSponsors = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'RA Clerk', assignable: false });
    const made = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [closedToSponsors], startDate: '2025-07-01' } });
    const id = made.body.requests[0].id as number;
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    expect((await h.call('GET', `/v1/requests/position/${id}`, { token: sponsor.token })).body).toMatchObject({
      kind: 'position',
      summary: 'Position: RA Clerk',
      mayDecide: false,
      whyNot: 'Only RA staff can grant a position that is not assignable.',
    });
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    expect((await h.call('GET', `/v1/requests/position/${id}`, { token: ram.token })).body).toMatchObject({ mayDecide: true, user: { uuid: requester.uuid } });
    expect((await h.call('POST', `/v1/position-requests/${id}/grant`, { token: ram.token })).status).toBe(200);
    expect((await h.call('GET', `/v1/requests/position/${id}`, { token: ram.token })).body).toMatchObject({ status: 'accepted', mayDecide: false });
    expect((await list(ram.token, '?kind=position&status=accepted')).requests.map((r) => r.id)).toEqual([id]);
  });
});

describe('detail-change requests', () => {
  it("rule: accepting a sponsor's detail-change request makes the change, audited", async () => {
    const detail = await detailChangeRequestAt(h, orgs.siteA1.id);
    const raa = await actor(h.db, orgs.trustA.id, ['RAA']);
    const res = await h.call('POST', `/v1/detail-change-requests/${detail.id}/accept`, { token: raa.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', mayDecide: false });
    expect(await userRow(detail.user.id)).toMatchObject({ family_name: 'Married-Name', email: 'new.address@nhs.net' });
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'detail-change-request.accepted', actor: raa.uuid, subject: detail.user.uuid });
    // Decided once.
    expect((await h.call('POST', `/v1/detail-change-requests/${detail.id}/reject`, { token: raa.token, json: { reason: 'late' } })).status).toBe(409);
  });

  it('rule: rejecting a detail-change request needs a reason, changes nothing on the profile and shows the reason', async () => {
    const detail = await detailChangeRequestAt(h, orgs.siteA1.id);
    const raa = await actor(h.db, orgs.trustA.id, ['RAA']);
    const before = await tableCounts(h.db);
    const blank = await h.call('POST', `/v1/detail-change-requests/${detail.id}/reject`, { token: raa.token, json: { reason: '  ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.fields.map((f: { path: string }) => f.path)).toEqual(['body.reason']);
    expect(await tableCounts(h.db)).toEqual(before);
    const res = await h.call('POST', `/v1/detail-change-requests/${detail.id}/reject`, { token: raa.token, json: { reason: 'Name change not evidenced' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', reason: 'Name change not evidenced' });
    expect((await userRow(detail.user.id)).family_name).toBe('User');
  });

  it('rule: nobody accepts a request about their own profile', async () => {
    const raa = await actor(h.db, orgs.trustA.id, ['RAA']);
    const sponsor = await actor(h.db, orgs.trustA.id, ['S'], 'Sponsor');
    const requested = await h.call('PATCH', `/v1/users/${raa.uuid}/details`, { token: sponsor.token, json: { familyName: 'Other' } });
    expect(requested.status).toBe(202);
    const res = await h.call('POST', `/v1/detail-change-requests/${requested.body.requestId}/accept`, { token: raa.token });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('You cannot decide a request about your own profile.');
  });
});

describe('close and reopen requests', () => {
  it("rule: accepting a sponsor's close request closes the profile; rejecting another leaves it open", async () => {
    const close = await closeRequestAt(h, orgs.siteA1.id);
    const other = await closeRequestAt(h, orgs.siteA1.id);
    const raa = await actor(h.db, orgs.trustA.id, ['RAA(A)']);
    const accepted = await h.call('POST', `/v1/profile-status-requests/${close.id}/accept`, { token: raa.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', summary: 'Close the profile' });
    expect((await userRow(close.user.id)).status).toBe('closed');
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'profile-status-request.accepted', subject: close.user.uuid });

    const rejected = await h.call('POST', `/v1/profile-status-requests/${other.id}/reject`, { token: raa.token, json: { reason: 'Still employed' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Still employed' });
    expect((await userRow(other.user.id)).status).toBe('open');
  });
});

describe('ESR requests', () => {
  it('rule: an ESR JSON file is stored as pending requests; a record imported before is ignored and counted', async () => {
    const first = createRecord(orgs.siteA1.code);
    const second = createRecord(orgs.trustA.code, { givenName: 'Tom', familyName: 'Baker', email: undefined });
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const send = (records: unknown[]) => h.call('POST', '/v1/esr-requests/import', { token: ram.token, json: { format: 'json', content: JSON.stringify(records) } });
    expect((await send([first])).body).toEqual({ imported: 1, duplicates: 0, duplicateEsrIds: [] });
    expect((await send([first, second])).body).toEqual({ imported: 1, duplicates: 1, duplicateEsrIds: [first.esrId] });
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'esr-requests.imported', actor: ram.uuid });
    expect((await list(ram.token, '?kind=esr')).requests.map((r) => r.subjectName)).toEqual(['Nadia Rahman', 'Tom Baker']);
  });

  it('rule: an ESR CSV file with a header row imports like JSON, empty cells being absent fields', async () => {
    const user = await userAt(h, orgs.siteA1.id);
    const ni = (await userRow(user.id)).ni_number;
    const newNi = uniqueNi();
    const csv = [
      'esrId,kind,givenName,familyName,dateOfBirth,niNumber,email,mobile,odsCode,positionTitle,userNiNumber,userUuid',
      `CSV-${newNi},create,Ada,Lovelace,1990-12-10,${newNi},,07700 900123,${orgs.siteA1.code},Porter,,`,
      `CSV-M-${newNi},modify,,Byron,,,,,,,${ni ?? ''},`,
    ].join('\n');
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const res = await h.call('POST', '/v1/esr-requests/import', { token: ram.token, json: { format: 'csv', content: csv } });
    expect(res.body).toEqual({ imported: 2, duplicates: 0, duplicateEsrIds: [] });
    const shown = (await list(ram.token, '?kind=esr')).requests;
    expect(shown.map((r) => r.summary)).toEqual(['ESR: create a user profile', 'ESR: change family name']);
    expect(shown[0]?.details).toContainEqual({ label: 'Mobile number', value: '07700900123' });
    expect(shown[1]).toMatchObject({ user: { uuid: user.uuid }, details: [{ label: 'ESR id', value: `CSV-M-${newNi}` }, { label: 'Family name', value: 'User to Byron' }] });
  });

  it('rule: one bad record refuses the whole ESR file with every problem named per record, and nothing is stored', async () => {
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const good = createRecord(orgs.siteA1.code);
    const records = [
      good,
      createRecord(orgs.siteA1.code, { niNumber: 'not-an-ni', dateOfBirth: '14/03/1988' }),
      createRecord('ZZZ999'),
      createRecord(orgs.trustB.code),
      { esrId: 'M-1', kind: 'modify', familyName: 'X' },
      { ...createRecord(orgs.siteA1.code), esrId: good.esrId },
      { kind: 'transfer' },
    ];
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/esr-requests/import', { token: ram.token, json: { format: 'json', content: JSON.stringify(records) } });
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['records.1.niNumber', 'records.1.dateOfBirth', 'records.4.userNiNumber', 'records.5.esrId', 'records.6.kind']),
    );
    expect(await tableCounts(h.db)).toEqual(before);
    // Each record then fails against the directory (unknown organisation, outside the scope).
    const second = await h.call('POST', '/v1/esr-requests/import', { token: ram.token, json: { format: 'json', content: JSON.stringify([good, records[2], records[3]]) } });
    expect(second.status).toBe(400);
    expect(second.body.fields).toEqual([
      { path: 'records.1.odsCode', message: 'no organisation has the code ZZZ999' },
      { path: 'records.2.odsCode', message: `the organisation ${orgs.trustB.code} is outside your organisation and its child organisations` },
    ]);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it("rule: accepting an ESR create request creates the user's profile at the organisation, audited", async () => {
    const esr = await esrCreateAt(h, orgs.trustA.id, orgs.siteA1.code);
    const raa = await actor(h.db, orgs.trustA.id, ['RAA']);
    const res = await h.call('POST', `/v1/esr-requests/${esr.id}/accept`, { token: raa.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', user: { name: 'Nadia Rahman' } });
    const created = await h.db.selectFrom('users').select(['uuid', 'home_org_id', 'email']).where('ni_number', '=', esr.record.niNumber).executeTakeFirstOrThrow();
    expect(created).toMatchObject({ uuid: res.body.user.uuid, home_org_id: orgs.siteA1.id, email: 'nadia.rahman@nhs.net' });
    const profile = await h.call('GET', `/v1/users/${created.uuid}`, { token: raa.token });
    expect(profile.body).toMatchObject({ givenName: 'Nadia', familyName: 'Rahman' });
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'esr-request.accepted', actor: raa.uuid, subject: created.uuid });
  });

  it('rule: an ESR create for someone who already has a profile shows that profile and cannot be accepted', async () => {
    const existing = await userAt(h, orgs.siteA1.id, 'Existing');
    const ni = (await userRow(existing.id)).ni_number;
    const esr = await esrCreateAt(h, orgs.trustA.id, orgs.siteA1.code, { niNumber: ni });
    const raa = await actor(h.db, orgs.trustA.id, ['RAA']);
    const shown = await h.call('GET', `/v1/requests/esr/${esr.id}`, { token: raa.token });
    expect(shown.body).toMatchObject({ existingProfile: { uuid: existing.uuid, name: 'Target Existing' }, mayDecide: false });
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/esr-requests/${esr.id}/accept`, { token: raa.token });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('already exists');
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await h.call('POST', `/v1/esr-requests/${esr.id}/reject`, { token: raa.token, json: { reason: 'Already has a profile' } })).body.status).toBe('rejected');
  });

  it('rule: accepting an ESR modify request changes the fields it names and no others', async () => {
    const user = await userAt(h, orgs.siteA1.id);
    const esrId = `MOD-${user.id}`;
    await importAt(h, orgs.trustA.id, [{ esrId, kind: 'modify', userUuid: user.uuid, mobile: '07700900999' }]);
    const raa = await actor(h.db, orgs.trustA.id, ['RAA']);
    const res = await h.call('POST', `/v1/esr-requests/${await esrRequestId(h, esrId)}/accept`, { token: raa.token });
    expect(res.status).toBe(200);
    const after = await h.db.selectFrom('users').select(['mobile', 'family_name', 'email']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ mobile: '07700900999', family_name: 'User', email: 'target@nhs.net' });
  });

  it('rule: rejecting an ESR request needs a reason; nothing is created', async () => {
    const esr = await esrCreateAt(h, orgs.trustA.id, orgs.siteA1.code);
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const missing = await h.call('POST', `/v1/esr-requests/${esr.id}/reject`, { token: ram.token, json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.fields.map((f: { path: string }) => f.path)).toEqual(['body.reason']);
    const res = await h.call('POST', `/v1/esr-requests/${esr.id}/reject`, { token: ram.token, json: { reason: 'Duplicate feed entry' } });
    expect(res.body).toMatchObject({ status: 'rejected', reason: 'Duplicate feed entry' });
    expect(await h.db.selectFrom('users').select('id').where('ni_number', '=', esr.record.niNumber).execute()).toEqual([]);
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'esr-request.rejected', actor: ram.uuid });
  });
});
