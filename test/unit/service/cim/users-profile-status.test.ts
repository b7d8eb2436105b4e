import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyProfileStatus } from '../../../../src-service/cim/profile-status.js';
import { inTransaction } from '../../../../src-service/store/transaction.js';
import { actor, addPosition, addUser, assign, auditRows, sessionFor } from '../../../support/service-fixtures.js';
import { NOW, startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from './cim-harness.js';

// POST /v1/users/:uuid/close and /reopen: RA staff close or reopen a profile now (closing ends
// every live session of its holder); a sponsor's close or reopen waits as a request (seed 004 "S*").

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

/** A user at site A1 holding a position there, with two live sessions (two workstations, say). */
async function signedInUser(): Promise<{ id: number; uuid: string; tokens: string[] }> {
  const user = await addUser(h.db, { given: 'Kit', family: 'Marlowe', homeOrgId: orgs.siteA1.id, ni: uniqueNi() });
  const position = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Porter' });
  await assign(h.db, user.id, position);
  return { ...user, tokens: [await sessionFor(h.db, user.id, position), await sessionFor(h.db, user.id, position)] };
}

const statusOf = async (id: number) => (await h.db.selectFrom('users').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const pendingRows = (userId: number) =>
  h.db.selectFrom('profile_status_requests').select(['action', 'reason', 'status', 'requested_by']).where('user_id', '=', userId).execute();

describe('RA staff close and reopen directly', () => {
  it("rule: closing a profile ends every live session of its holder at once: their next call is refused with the reason", async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAA']);
    const user = await signedInUser();
    const bystander = await actor(h.db, orgs.siteA1.id, []);
    const res = await h.call('POST', `/v1/users/${user.uuid}/close`, { token: ra.token, json: { reason: 'Left the trust' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'closed', sessionsEnded: 2 });
    expect(await statusOf(user.id)).toBe('closed');
    for (const token of user.tokens) {
      const next = await h.call('GET', '/v1/position-requests', { token });
      expect(next.status).toBe(401);
      expect(next.body.message).toBe('Your Care Identity profile is closed, so your session has ended. Contact your Registration Authority.');
    }
    expect((await h.call('GET', `/v1/users/${bystander.uuid}`, { token: bystander.token })).status).toBe(200);
  });

  it('rule: closing and reopening are audited with the actor, the profile, the workstation and the reason', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM']);
    const user = await signedInUser();
    await h.call('POST', `/v1/users/${user.uuid}/close`, { token: ra.token, json: { reason: 'Left the trust' } });
    await h.call('POST', `/v1/users/${user.uuid}/reopen`, { token: ra.token, json: { reason: 'Came back' } });
    const entries = (await auditRows(h.db)).filter((e) => e.subject === user.uuid);
    expect(entries.map((e) => [e.action, e.actor, e.workstation_id, JSON.parse(e.details)])).toEqual([
      ['profile.closed', ra.uuid, 'test-ws', { reason: 'Left the trust', sessionsEnded: 2 }],
      ['profile.reopened', ra.uuid, 'test-ws', { reason: 'Came back' }],
    ]);
  });

  it('rule: reopening a closed profile opens it, and its holder may sign in again (new sessions work)', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAA(A)']);
    const user = await signedInUser();
    await h.call('POST', `/v1/users/${user.uuid}/close`, { token: ra.token, json: { reason: 'Long-term leave' } });
    const res = await h.call('POST', `/v1/users/${user.uuid}/reopen`, { token: ra.token, json: { reason: 'Back from leave' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'reopened', sessionsEnded: 0 });
    expect(await statusOf(user.id)).toBe('open');
    // The sessions ended by the closing stay ended.
    expect((await h.call('GET', '/v1/position-requests', { token: user.tokens[0] })).status).toBe(401);
  });

  it('rule: closing a closed profile, or reopening an open one, is a 409 and changes nothing', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM']);
    const user = await signedInUser();
    const before = await tableCounts(h.db);
    const reopen = await h.call('POST', `/v1/users/${user.uuid}/reopen`, { token: ra.token, json: { reason: 'x' } });
    expect(reopen.status).toBe(409);
    expect(reopen.body.message).toBe('That profile is already open.');
    await h.call('POST', `/v1/users/${user.uuid}/close`, { token: ra.token, json: { reason: 'Left' } });
    const again = await h.call('POST', `/v1/users/${user.uuid}/close`, { token: ra.token, json: { reason: 'Left' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('That profile is already closed.');
    expect((await tableCounts(h.db)).audit_log).toBe((before.audit_log ?? 0) + 1);
  });

  it('rule: nobody closes or reopens their own profile', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM']);
    const res = await h.call('POST', `/v1/users/${ra.uuid}/close`, { token: ra.token, json: { reason: 'Leaving' } });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('You cannot close or reopen your own profile. Ask another member of your registration authority.');
    expect(await statusOf(ra.userId)).toBe('open');
  });

  it('rule: applyProfileStatus in a caller\'s transaction rolls back with it, sessions included', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM']);
    const user = await signedInUser();
    const attempt = inTransaction(h.db, async (trx) => {
      await applyProfileStatus(trx, user.id, 'close', ra.uuid, 'Accepted request', NOW);
      throw new Error('the rest of the caller failed');
    });
    await expect(attempt).rejects.toThrow('the rest of the caller failed');
    expect(await statusOf(user.id)).toBe('open');
    expect((await h.call('GET', `/v1/users/${user.uuid}`, { token: user.tokens[0] })).status).toBe(200);
  });
});

describe('a sponsor asks for it', () => {
  it.each(['close', 'reopen'] as const)('rule: a sponsor\'s %s is stored as a pending request (202), and the profile is left as it was', async (action) => {
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const user = await signedInUser();
    if (action === 'reopen') await h.db.updateTable('users').set({ status: 'closed' }).where('id', '=', user.id).execute();
    const res = await h.call('POST', `/v1/users/${user.uuid}/${action}`, { token: sponsor.token, json: { reason: 'Asked by the ward manager' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ outcome: 'requested', requestId: expect.any(Number), requestedAt: NOW.toISOString() });
    expect(await statusOf(user.id)).toBe(action === 'close' ? 'open' : 'closed');
    expect(await pendingRows(user.id)).toEqual([{ action, reason: 'Asked by the ward manager', status: 'pending', requested_by: sponsor.userId }]);
    if (action === 'close') expect((await h.call('GET', `/v1/users/${user.uuid}`, { token: user.tokens[0] })).status).toBe(200);
    const entry = (await auditRows(h.db)).at(-1);
    expect(entry).toMatchObject({ action: `profile.${action}-requested`, actor: sponsor.uuid, subject: user.uuid });
  });

  it('rule: the profile shows the pending request (what, why, who asked, when) until it is decided', async () => {
    const sponsor = await actor(h.db, orgs.trustA.id, ['S'], 'Sponsor');
    const ra = await actor(h.db, orgs.trustA.id, ['RAA']);
    const user = await signedInUser();
    const none = await h.call('GET', `/v1/users/${user.uuid}/status-request`, { token: ra.token });
    expect(none.body).toEqual({ pending: null });
    const asked = await h.call('POST', `/v1/users/${user.uuid}/close`, { token: sponsor.token, json: { reason: 'Retired' } });
    const shown = await h.call('GET', `/v1/users/${user.uuid}/status-request`, { token: ra.token });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ pending: { id: asked.body.requestId, action: 'close', reason: 'Retired', requestedBy: 'Test Sponsor', requestedAt: NOW.toISOString() } });
    // The holder sees it on their own profile too.
    expect((await h.call('GET', `/v1/users/${user.uuid}/status-request`, { token: user.tokens[0] })).body.pending.action).toBe('close');
  });

  it('rule: a second request while one is waiting is a 409 and nothing is stored', async () => {
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const user = await signedInUser();
    await h.call('POST', `/v1/users/${user.uuid}/close`, { token: sponsor.token, json: { reason: 'Retired' } });
    const again = await h.call('POST', `/v1/users/${user.uuid}/close`, { token: sponsor.token, json: { reason: 'Retired' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('A request to close or reopen this profile is already waiting for the Registration Authority.');
    expect(await pendingRows(user.id)).toHaveLength(1);
  });

  it('rule: a request that could never be accepted (close a closed profile) is refused at once', async () => {
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const user = await addUser(h.db, { given: 'Shut', family: 'Already', homeOrgId: orgs.siteA1.id, status: 'closed' });
    const res = await h.call('POST', `/v1/users/${user.uuid}/close`, { token: sponsor.token, json: { reason: 'Retired' } });
    expect(res.status).toBe(409);
    expect(await pendingRows(user.id)).toEqual([]);
  });
});

describe('bad input changes nothing', () => {
  const CASES: [string, unknown, string][] = [
    ['no reason', {}, 'body.reason'],
    ['a blank reason', { reason: '   ' }, 'body.reason'],
    ['a reason over 500 characters', { reason: 'x'.repeat(501) }, 'body.reason'],
    ['a control character in the reason', { reason: 'Left\u001b[2J' }, 'body.reason'],
    ['a field the contract does not take', { reason: 'Left', status: 'closed' }, 'body'],
  ];

  it.each(CASES)('rule: closing or reopening with %s is a 400 naming the field, and nothing changes', async (_what, json, path) => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM']);
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const user = await signedInUser();
    const before = await tableCounts(h.db);
    for (const [token, action] of [[ra.token, 'close'], [sponsor.token, 'close'], [ra.token, 'reopen']] as const) {
      const res = await h.call('POST', `/v1/users/${user.uuid}/${action}`, { token, json });
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await statusOf(user.id)).toBe('open');
  });

  it('rule: a user UUID that is malformed is a 400, one nobody has a 404', async () => {
    const ra = await actor(h.db, orgs.trustA.id, ['RAM']);
    expect((await h.call('POST', '/v1/users/not-a-uuid/close', { token: ra.token, json: { reason: 'x' } })).status).toBe(400);
    const missing = await h.call('POST', '/v1/users/0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f/close', { token: ra.token, json: { reason: 'x' } });
    expect(missing.status).toBe(404);
    expect((await h.call('GET', '/v1/users/not-a-uuid/status-request', { token: ra.token })).status).toBe(400);
  });
});
