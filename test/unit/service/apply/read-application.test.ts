import { beforeEach, describe, expect, it } from 'vitest';
import { addPosition, addUser } from '../../../support/service-fixtures.js';
import { NOW } from '../cim/cim-harness.js';
import { harnessPerFile } from './harness-per-file.js';
import { applicationBy, DAY, MINUTE, staffAt, type Staff } from './read-support.js';

// One application as its sponsor (or the RA) reads it: the steps as Not started / In progress /
// Completed, what the reader may do, and never the identity documents.

const { h, orgs } = harnessPerFile({ resetClock: true });
let sponsor: Staff;
beforeEach(async () => {
  sponsor = await staffAt(h, orgs.siteA1.id, ['S']);
});

const view = async (who: Staff, reference: string) => {
  const res = await h.call('GET', `/v1/apply/applications/${reference}`, { token: who.token });
  if (res.status !== 200) throw new Error(`${reference}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const t = (ago: number) => NOW.getTime() - ago;

describe('the steps the sponsor sees', () => {
  it('rule: steps: nothing opened yet is Not started for all three', async () => {
    const { reference } = await applicationBy(h, sponsor, orgs.siteA1.id, DAY);
    expect((await view(sponsor, reference)).steps).toEqual({ confirmDetails: 'not-started', identityCheck: 'not-started', idCheck: 'not-started' });
  });

  it('rule: steps: a link opened but not finished is In progress; the ID check is still Not started', async () => {
    const { reference } = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { details_started_at: t(MINUTE), identity_started_at: t(MINUTE) });
    expect((await view(sponsor, reference)).steps).toEqual({ confirmDetails: 'in-progress', identityCheck: 'in-progress', idCheck: 'not-started' });
  });

  it('rule: steps: both applicant steps finished are Completed and the ID check is In progress (waiting for the ID checker)', async () => {
    const { reference } = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, {
      details_started_at: t(DAY),
      details_confirmed_at: t(DAY),
      identity_started_at: t(DAY),
      identity_submitted_at: t(MINUTE),
    });
    expect((await view(sponsor, reference)).steps).toEqual({ confirmDetails: 'completed', identityCheck: 'completed', idCheck: 'in-progress' });
  });

  it('rule: steps: a decided application has the ID check Completed, also once marked as done', async () => {
    const finished = { details_started_at: t(DAY), details_confirmed_at: t(DAY), identity_started_at: t(DAY), identity_submitted_at: t(DAY), decided_at: t(MINUTE) };
    const approved = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { ...finished, status: 'approved' });
    const done = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { ...finished, status: 'done', done_from: 'rejected', rejection_reason: 'Blurred photograph.' });
    expect((await view(sponsor, approved.reference)).steps.idCheck).toBe('completed');
    const detail = await view(sponsor, done.reference);
    expect(detail.steps).toEqual({ confirmDetails: 'completed', identityCheck: 'completed', idCheck: 'completed' });
    expect(detail.summary.rejectionReason).toBe('Blurred photograph.');
  });
});

describe('what the reader may do', () => {
  it('rule: an unfinished in-progress application may be resent and cancelled; once both steps are finished it may be cancelled but not resent', async () => {
    const open = await applicationBy(h, sponsor, orgs.siteA1.id, 5 * DAY);
    const ready = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { details_confirmed_at: t(DAY), identity_submitted_at: t(DAY) });
    expect(await view(sponsor, open.reference)).toMatchObject({ canResend: true, canCancel: true, canMarkDone: false });
    expect(await view(sponsor, ready.reference)).toMatchObject({ canResend: false, canCancel: true, canMarkDone: false });
  });

  it('rule: sponsors cannot mark Approved or Duplicates as done; they may mark Rejected and Cancelled; the RA may mark Duplicates but not Approved', async () => {
    const manager = await staffAt(h, orgs.trustA.id, ['RAM']);
    const may = async (who: Staff, status: 'approved' | 'duplicate' | 'rejected' | 'cancelled' | 'done') => {
      const { reference } = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { status, ...(status === 'done' ? { done_from: 'cancelled' } : {}) });
      const d = await view(who, reference);
      return [d.canMarkDone, d.canResend, d.canCancel];
    };
    expect(await may(sponsor, 'approved')).toEqual([false, false, false]);
    expect(await may(sponsor, 'duplicate')).toEqual([false, false, false]);
    expect(await may(sponsor, 'rejected')).toEqual([true, false, false]);
    expect(await may(sponsor, 'cancelled')).toEqual([true, false, false]);
    expect(await may(sponsor, 'done')).toEqual([false, false, false]);
    expect(await may(manager, 'duplicate')).toEqual([true, false, false]);
    expect(await may(manager, 'approved')).toEqual([false, false, false]);
  });
});

describe('what the view holds', () => {
  it("rule: the applicant's details, the delivery address and the position asked for are shown as entered", async () => {
    const positionId = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff nurse', jobRole: 'Nurse' });
    const { reference } = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, {
      given_name: 'Nadia',
      family_name: 'Rahman',
      email: 'nadia.rahman@example.nhs.net',
      applicant_provides_address: 0,
      address_line1: 'Ward 7, Alder General Hospital',
      address_town: 'Leeds',
      address_postcode: 'LS1 4AP',
      position_id: positionId,
      notes: 'Starts on Ward 7 in July.',
    });
    const d = await view(sponsor, reference);
    expect(d.applicant).toMatchObject({ givenName: 'Nadia', familyName: 'Rahman', email: 'nadia.rahman@example.nhs.net', dateOfBirth: '1990-04-12' });
    expect(d.applicantProvidesAddress).toBe(false);
    expect(d.deliveryAddress).toEqual({ line1: 'Ward 7, Alder General Hospital', town: 'Leeds', postcode: 'LS1 4AP' });
    expect(d.access).toEqual({ kind: 'position', positionId, title: 'Staff nurse', organisation: orgs.siteA1.name });
    expect(d.summary).toMatchObject({ reference, applicantName: 'Nadia Rahman', raisedByMe: true, organisation: { code: orgs.siteA1.code, name: orgs.siteA1.name } });
    expect(d.notes).toBe('Starts on Ward 7 in July.');
  });

  it('rule: a duplicate names the existing profile; an approved application the profile it created', async () => {
    const existing = await addUser(h.db, { given: 'Ola', family: 'Existing', homeOrgId: orgs.siteA1.id });
    const dup = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { status: 'duplicate', duplicate_user_id: existing.id });
    const made = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { status: 'approved', created_user_id: existing.id, access_kind: 'copy', colleague_name: 'Sam Colleague', colleague_card_number: '700012345678' });
    expect((await view(sponsor, dup.reference)).duplicateOf).toEqual({ uuid: existing.uuid, name: 'Ola Existing' });
    const approved = await view(sponsor, made.reference);
    expect(approved.createdUser).toEqual({ uuid: existing.uuid, name: 'Ola Existing' });
    expect(approved.access).toEqual({ kind: 'copy', colleagueName: 'Sam Colleague', colleagueCardNumber: '700012345678' });
  });

  it("rule: documents are never in the sponsor's view: an application with uploaded documents answers without them or any trace of them", async () => {
    const { id, reference } = await applicationBy(h, sponsor, orgs.siteA1.id, DAY, { identity_started_at: t(DAY), identity_submitted_at: t(MINUTE) });
    const sealed = Buffer.from('sealed-document-bytes-that-must-not-leave');
    const doc = await h.db
      .insertInto('application_documents')
      .values({ application_id: id, kind: 'passport', mime: 'image/jpeg', size_bytes: 204_800, sealed, uploaded_at: t(MINUTE) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await h.call('GET', `/v1/apply/applications/${reference}`, { token: sponsor.token });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(Object.keys(res.body)).not.toContain('documents');
    for (const trace of ['passport', 'image/jpeg', '204800', sealed.toString('base64'), sealed.toString('utf8'), `"id":${doc.id}`]) expect(text).not.toContain(trace);
    // And the documents endpoint itself is not the sponsor's.
    const direct = await h.call('GET', `/v1/apply/checks/${reference}/documents/${doc.id}`, { token: sponsor.token });
    expect(direct.status).not.toBe(200);
  });
});

describe('not found', () => {
  it("rule: an application outside the reader's scope and one that does not exist are both 'not found', in the same words", async () => {
    const other = await staffAt(h, orgs.siteA1.id, ['S'], 'Other sponsor');
    const theirs = await applicationBy(h, other, orgs.siteA1.id, DAY);
    const res = await h.call('GET', `/v1/apply/applications/${theirs.reference}`, { token: sponsor.token });
    const none = await h.call('GET', '/v1/apply/applications/ACI-00000000', { token: sponsor.token });
    expect([res.status, res.body.message]).toEqual([404, `Application ${theirs.reference} was not found.`]);
    expect([none.status, none.body.message]).toEqual([404, 'Application ACI-00000000 was not found.']);
    expect(res.body.code).toBe(none.body.code);
  });

  it('rule: a malformed application ID is refused with the field named', async () => {
    const res = await h.call('GET', '/v1/apply/applications/ACI-1O', { token: sponsor.token });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('reference');
  });

  it('rule: the application ID is found in any case', async () => {
    const { reference } = await applicationBy(h, sponsor, orgs.siteA1.id, DAY);
    expect((await view(sponsor, reference.toLowerCase())).summary.reference).toBe(reference);
  });
});
