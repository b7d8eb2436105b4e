import { describe, expect, it } from 'vitest';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { tableCounts } from '../cim/cim-harness.js';
import { addDocument, readyApplication } from './checks-support.js';
import { harnessPerFile } from './harness-per-file.js';

// Bad input to the ID check and the cards to issue: a clear 400 naming the fields, and nothing
// in the store changes (every table's row count, and the application itself).

const { h, orgs } = harnessPerFile();

const statusOf = async (id: number) => (await h.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('bad input changes nothing', () => {
  it('rule: a malformed application ID or document number is refused naming the field', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const app = await readyApplication(h, orgs.siteA1.id);
    const before = await tableCounts(h.db);
    const cases: [string, string, string][] = [
      ['GET', '/v1/apply/checks/ACI-1234', 'params.reference'],
      ['GET', '/v1/apply/checks/ACI-IIIIOOOO', 'params.reference'],
      ['GET', `/v1/apply/checks/${app.reference}/documents/first`, 'params.documentId'],
      ['GET', `/v1/apply/checks/${app.reference}/documents/0`, 'params.documentId'],
      ['POST', '/v1/apply/checks/not-an-id/approve', 'params.reference'],
      ['POST', '/v1/apply/cards-to-issue/not-an-id/posted', 'params.reference'],
    ];
    for (const [method, path, field] of cases) {
      const res = await h.call(method, path, { token: ra.token, ...(method === 'POST' && path.endsWith('approve') ? { json: {} } : {}) });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: an approval with positions that are not numbers, or with fields it does not take, is refused and no profile is made', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');
    const app = await readyApplication(h, orgs.siteA1.id);
    const before = await tableCounts(h.db);
    for (const [json, field] of [
      [{ positionIds: ['one'] }, 'body.positionIds.0'],
      [{ positionIds: [-3] }, 'body.positionIds.0'],
      [{ userId: 1 }, 'body'],
    ] as const) {
      const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: ra.token, json });
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await statusOf(app.id)).toBe('in-progress');
  });

  it('rule: a rejection reason that is missing, too long or holds control characters is refused naming the reason', async () => {
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const app = await readyApplication(h, orgs.siteA1.id);
    await addDocument(h, app.id);
    const before = await tableCounts(h.db);
    for (const json of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'Blurred\u202Eevil' }, { reason: 'ok', extra: 1 }]) {
      const res = await h.call('POST', `/v1/apply/checks/${app.reference}/reject`, { token: checker.token, json });
      expect(res.status).toBe(400);
      expect(res.body.fields.length).toBeGreaterThan(0);
    }
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await statusOf(app.id)).toBe('in-progress');
  });

  it('rule: an application that does not exist is 404 in the same words as one outside the scope', async () => {
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const res = await h.call('POST', '/v1/apply/checks/ACI-00000000/approve', { token: checker.token, json: {} });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Application ACI-00000000 was not found.');
  });

  it('rule: an NI number already held by a profile with another date of birth stops the approval in words, and nothing is made', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const holder = await addUser(h.db, { given: 'Other', family: 'Person', homeOrgId: orgs.trustB.id, ni: app.niNumber });
    await h.db.updateTable('users').set({ date_of_birth: '1970-07-07' }).where('id', '=', holder.id).execute();
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('That National Insurance number belongs to another user.');
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await statusOf(app.id)).toBe('in-progress');
  });
});
