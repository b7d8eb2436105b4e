import { describe, expect, it } from 'vitest';
import { tokenHash } from '../../../../src-service/apply/applicant-links.js';
import { addApplication } from '../../../support/apply-fixtures.js';
import { actor } from '../../../support/service-fixtures.js';
import { NOW, tableCounts } from '../cim/cim-harness.js';
import { harnessPerFile } from './harness-per-file.js';
import { applicationBody, linkToken, outboxMark, outboxSince, positionAt, sponsorAt } from './sponsor-support.js';

// Resend, cancel and mark as done: what each does to the applicant's links and documents, and
// which lists a sponsor may clear.

const { h, orgs } = harnessPerFile({ resetClock: true });

async function submitted(token: string, orgId: number): Promise<{ reference: string; id: number }> {
  const res = await h.call('POST', '/v1/apply/applications', { token, json: applicationBody(await positionAt(h, orgId)) });
  expect(res.status).toBe(201);
  const { id } = await h.db.selectFrom('applications').select('id').where('reference', '=', res.body.reference).executeTakeFirstOrThrow();
  return { reference: res.body.reference, id };
}

const liveLinks = (id: number) => h.db.selectFrom('application_links').select(['purpose', 'token_hash']).where('application_id', '=', id).where('void_at', 'is', null).execute();
const statusOf = async (reference: string) => (await h.db.selectFrom('applications').select(['status', 'done_from']).where('reference', '=', reference).executeTakeFirstOrThrow());

describe('resend', () => {
  it('rule: a resend sends new links only for the unfinished steps; the old link of that step stops working', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const app = await submitted(me.token, orgs.trustA.id);
    const oldDetails = (await liveLinks(app.id)).find((l) => l.purpose === 'details');
    // The applicant finished the identity step; details still to do.
    await h.db.updateTable('applications').set({ identity_submitted_at: NOW.getTime() }).where('id', '=', app.id).execute();
    await h.db.updateTable('application_links').set({ completed_at: NOW.getTime() }).where('application_id', '=', app.id).where('purpose', '=', 'identity').execute();
    h.setNow(new Date(NOW.getTime() + 4 * 86_400_000));
    const mark = await outboxMark(h);
    const res = await h.call('POST', `/v1/apply/applications/${app.reference}/resend`, { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ resent: [app.reference] });
    const sent = await outboxSince(h, mark);
    expect(sent.map((m) => m.channel)).toEqual(['email']);
    const live = await liveLinks(app.id);
    const newToken = linkToken(sent[0]?.text ?? '') ?? '';
    expect(live.find((l) => l.purpose === 'details')?.token_hash.equals(tokenHash(newToken))).toBe(true);
    expect(oldDetails && live.some((l) => l.token_hash.equals(oldDetails.token_hash))).toBe(false);
    // No new identity link: that step is finished.
    const identityLinks = await h.db.selectFrom('application_links').select('id').where('application_id', '=', app.id).where('purpose', '=', 'identity').execute();
    expect(identityLinks).toHaveLength(1);
    const row = await h.db.selectFrom('applications').select(['invites_sent', 'last_invited_at', 'last_activity_at']).where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ invites_sent: 2, last_invited_at: NOW.getTime() + 4 * 86_400_000, last_activity_at: NOW.getTime() + 4 * 86_400_000 });
  });

  it('rule: Resend selected refuses the lot when one is ready for the ID check, out of scope or no longer in progress', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const a = await submitted(me.token, orgs.trustA.id);
    const b = await submitted(me.token, orgs.trustA.id);
    const ready = await submitted(me.token, orgs.trustA.id);
    await h.db.updateTable('applications').set({ details_confirmed_at: NOW.getTime(), identity_submitted_at: NOW.getTime() }).where('id', '=', ready.id).execute();
    const colleague = await sponsorAt(h, orgs.trustA.id);
    const theirs = await submitted(colleague.token, orgs.trustA.id);
    const before = await tableCounts(h.db);
    const withReady = await h.call('POST', '/v1/apply/resend', { token: me.token, json: { references: [a.reference, ready.reference] } });
    expect(withReady.status).toBe(409);
    expect(withReady.body.message).toBe(`The applicant of ${ready.reference} has finished both steps: the application is waiting for the ID check.`);
    const withTheirs = await h.call('POST', '/v1/apply/resend', { token: me.token, json: { references: [a.reference, theirs.reference] } });
    expect(withTheirs.status).toBe(404);
    expect(withTheirs.body.message).toBe(`Application ${theirs.reference} was not found.`);
    expect(await tableCounts(h.db)).toEqual(before);
    const both = await h.call('POST', '/v1/apply/resend', { token: me.token, json: { references: [a.reference, b.reference] } });
    expect(both.status).toBe(200);
    expect(both.body.resent).toEqual([a.reference, b.reference]);
  });
});

describe('cancel', () => {
  it("rule: a cancelled application's links stop working and its documents are deleted", async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const app = await submitted(me.token, orgs.trustA.id);
    await h.db.insertInto('application_documents').values({ application_id: app.id, kind: 'passport', mime: 'image/jpeg', size_bytes: 20_000, sealed: Buffer.from('sealed'), uploaded_at: NOW.getTime() }).execute();
    expect(await liveLinks(app.id)).toHaveLength(2);
    const res = await h.call('POST', `/v1/apply/applications/${app.reference}/cancel`, { token: me.token, json: { reason: 'Offer withdrawn' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ reference: app.reference, status: 'cancelled' });
    expect(await liveLinks(app.id)).toEqual([]);
    expect(await h.db.selectFrom('application_documents').select('id').where('application_id', '=', app.id).execute()).toEqual([]);
    // It cannot be resent, nor cancelled twice.
    expect((await h.call('POST', `/v1/apply/applications/${app.reference}/resend`, { token: me.token })).status).toBe(409);
    expect((await h.call('POST', `/v1/apply/applications/${app.reference}/cancel`, { token: me.token, json: {} })).status).toBe(409);
  });
});

describe('mark as done', () => {
  it('rule: sponsors cannot mark Approved or Duplicates as done; they may mark Rejected and Cancelled', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const mine = (status: 'approved' | 'duplicate' | 'rejected' | 'cancelled' | 'in-progress') => addApplication(h.db, { orgId: orgs.trustA.id, raisedBy: me.userId, status });
    const approved = await mine('approved');
    const duplicate = await mine('duplicate');
    const before = await tableCounts(h.db);
    const a = await h.call('POST', `/v1/apply/applications/${approved.reference}/done`, { token: me.token });
    expect(a.status).toBe(403);
    expect(a.body.message).toBe('Sponsors must not move applications from the approved list to Marked as done: the RA team uses it to track smartcards to post.');
    const d = await h.call('POST', `/v1/apply/applications/${duplicate.reference}/done`, { token: me.token });
    expect(d.status).toBe(403);
    expect(d.body.message).toMatch(/^Sponsors must not move applications from the duplicates list to Marked as done/);
    expect(await tableCounts(h.db)).toEqual(before);
    expect((await statusOf(approved.reference)).status).toBe('approved');

    for (const status of ['rejected', 'cancelled'] as const) {
      const app = await mine(status);
      const res = await h.call('POST', `/v1/apply/applications/${app.reference}/done`, { token: me.token });
      expect(res.status).toBe(200);
      expect(await statusOf(app.reference)).toEqual({ status: 'done', done_from: status });
    }
    const inProgress = await mine('in-progress');
    expect((await h.call('POST', `/v1/apply/applications/${inProgress.reference}/done`, { token: me.token })).status).toBe(409);
  });

  it('rule: RA staff may mark Duplicates as done, but Approved leaves only when its card is posted', async () => {
    const sponsor = await sponsorAt(h, orgs.siteA1.id);
    const ra = await actor(h.db, orgs.trustA.id, ['RAA']);
    const duplicate = await addApplication(h.db, { orgId: orgs.siteA1.id, raisedBy: sponsor.userId, status: 'duplicate' });
    const approved = await addApplication(h.db, { orgId: orgs.siteA1.id, raisedBy: sponsor.userId, status: 'approved' });
    const d = await h.call('POST', `/v1/apply/applications/${duplicate.reference}/done`, { token: ra.token });
    expect(d.status).toBe(200);
    expect(await statusOf(duplicate.reference)).toEqual({ status: 'done', done_from: 'duplicate' });
    const a = await h.call('POST', `/v1/apply/applications/${approved.reference}/done`, { token: ra.token });
    expect(a.status).toBe(409);
    expect((await statusOf(approved.reference)).status).toBe('approved');
  });
});
