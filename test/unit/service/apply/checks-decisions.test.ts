import { describe, expect, it } from 'vitest';
import { mintApplicantLinks } from '../../../../src-service/apply/applicant-links.js';
import { actor, addCard, addPosition, addUser, assign, auditRows } from '../../../support/service-fixtures.js';
import { TODAY } from '../cim/cim-harness.js';
import { addDocument, applicantNi, readyApplication } from './checks-support.js';
import { harnessPerFile } from './harness-per-file.js';

// Deciding an application at the ID check (seed 003, "Manage the application process"): approval
// re-checks for a duplicate, creates the profile with its access and puts the new user in the
// RA's cards to issue; rejection keeps a reason for the sponsor; either closes the applicant's
// side; the RA marks a card posted only once it has been issued.

const { h, orgs } = harnessPerFile();

const application = (id: number) => h.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const usersWithNi = (ni: string) => h.db.selectFrom('users').select(['id', 'uuid', 'home_org_id', 'date_of_birth', 'given_name', 'family_name']).where('ni_number', '=', ni).execute();
const documentsOf = async (id: number) => (await h.db.selectFrom('application_documents').select('id').where('application_id', '=', id).execute()).length;
const liveLinksOf = async (id: number) => (await h.db.selectFrom('application_links').select('id').where('application_id', '=', id).where('void_at', 'is', null).execute()).length;
const heldPositions = async (userId: number) =>
  (await h.db.selectFrom('position_assignments').select(['position_id', 'start_date']).where('user_id', '=', userId).orderBy('position_id').execute()).map((r) => r.position_id);

/** A colleague at `orgId` holding the given positions now, with a smartcard; returns its serial and UUID. */
async function colleagueWithCard(orgId: number, positionIds: number[]) {
  const user = await addUser(h.db, { given: 'Colleen', family: 'Colleague', homeOrgId: orgId, ni: applicantNi() });
  for (const id of positionIds) await assign(h.db, user.id, id);
  const card = await addCard(h.db, user.id);
  const { serial } = await h.db.selectFrom('cards').select('serial').where('id', '=', card.id).executeTakeFirstOrThrow();
  return { user, cardUuid: card.uuid, serial: String(serial) };
}

describe('approval', () => {
  it('rule: approval creates the profile with the requested position at the application organisation and puts the new user in the cards to issue', async () => {
    const app = await readyApplication(h, orgs.siteA1.id, { given_name: 'Nadia', family_name: 'Kowalczyk' });
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'approved', user: { uuid: expect.any(String), name: 'Nadia Kowalczyk' } });

    const [user] = await usersWithNi(app.niNumber);
    expect(user).toMatchObject({ uuid: res.body.user.uuid, home_org_id: orgs.siteA1.id, date_of_birth: '1994-02-03', given_name: 'Nadia', family_name: 'Kowalczyk' });
    expect(await heldPositions(user!.id)).toEqual([app.positionId]);
    expect((await h.db.selectFrom('position_assignments').select('start_date').where('user_id', '=', user!.id).executeTakeFirstOrThrow()).start_date).toBe(TODAY);
    expect(await application(app.id)).toMatchObject({ status: 'approved', created_user_id: user!.id, decided_by: checker.userId, decided_at: h.service.ctx.now().getTime() });
    expect((await auditRows(h.db)).map((r) => r.action)).toEqual(expect.arrayContaining(['user.created', 'position-assignment.created', 'application.approved']));
    const sponsorView = await h.call('GET', `/v1/apply/applications/${app.reference}`, { token: app.sponsor.token });
    expect(sponsorView.body).toMatchObject({ summary: { tab: 'approved' }, createdUser: res.body.user, canMarkDone: false });

    // It has left the ID check's list and waits in the RA's cards to issue, with no card yet.
    const checks = await h.call('GET', '/v1/apply/checks', { token: checker.token });
    expect(checks.body.applications.map((a: { reference: string }) => a.reference)).not.toContain(app.reference);
    const ra = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');
    const cards = await h.call('GET', '/v1/apply/cards-to-issue', { token: ra.token });
    expect(cards.status).toBe(200);
    expect(cards.body.cards).toEqual([
      {
        reference: app.reference,
        user: { uuid: res.body.user.uuid, name: 'Nadia Kowalczyk' },
        organisation: { code: orgs.siteA1.code, name: orgs.siteA1.name },
        approvedAt: h.service.ctx.now().toISOString(),
        deliveryAddress: null,
        cardIssued: false,
      },
    ]);
  });

  it('rule: duplicate detection at approval: a profile for the NI number and date of birth made since submission files the application under Duplicates and no profile is made', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    await addDocument(h, app.id);
    // The applicant's profile appeared after submission (say, through Create a new user).
    const existing = await addUser(h.db, { given: 'Already', family: 'There', homeOrgId: orgs.trustB.id, ni: app.niNumber });
    await h.db.updateTable('users').set({ date_of_birth: '1994-02-03' }).where('id', '=', existing.id).execute();
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');

    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'duplicate', existing: { uuid: existing.uuid, name: 'Already There' } });
    expect((await usersWithNi(app.niNumber)).map((u) => u.uuid)).toEqual([existing.uuid]);
    expect(await application(app.id)).toMatchObject({ status: 'duplicate', duplicate_user_id: existing.id, created_user_id: null, decided_by: checker.userId });
    expect(await documentsOf(app.id)).toBe(0);
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'application.duplicate', subject: app.reference });
    const sponsorView = await h.call('GET', `/v1/apply/applications/${app.reference}`, { token: app.sponsor.token });
    expect(sponsorView.body).toMatchObject({ summary: { tab: 'duplicates' }, duplicateOf: { uuid: existing.uuid, name: 'Already There' }, canMarkDone: false });
    // A duplicate is not a card to issue.
    const ra = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    expect((await h.call('GET', '/v1/apply/cards-to-issue', { token: ra.token })).body.cards).toEqual([]);
  });

  it('rule: duplicate detection at approval uses the NI number and date of birth as the applicant corrected them', async () => {
    const existing = await addUser(h.db, { given: 'Sam', family: 'Same', homeOrgId: orgs.siteA1.id, ni: applicantNi() });
    await h.db.updateTable('users').set({ date_of_birth: '1980-01-01' }).where('id', '=', existing.id).execute();
    const ni = (await h.db.selectFrom('users').select('ni_number').where('id', '=', existing.id).executeTakeFirstOrThrow()).ni_number!;
    // Submitted with a mistyped NI number; the applicant then corrected it on the details page.
    const app = await readyApplication(h, orgs.siteA1.id, { date_of_birth: '1980-01-01' });
    await h.db.updateTable('applications').set({ ni_number: ni }).where('id', '=', app.id).execute();
    const checker = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
    expect(res.body).toMatchObject({ outcome: 'duplicate', existing: { uuid: existing.uuid } });
    expect((await application(app.id)).status).toBe('duplicate');
  });

  it('rule: an application is decided once, and only when the applicant has finished both steps', async () => {
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const waiting = await readyApplication(h, orgs.siteA1.id, { identity_submitted_at: null });
    const early = await h.call('POST', `/v1/apply/checks/${waiting.reference}/approve`, { token: checker.token, json: {} });
    expect(early.status).toBe(409);
    expect(early.body.message).toBe(`Application ${waiting.reference} is not ready for the ID check: the applicant has not finished both steps yet.`);
    expect((await h.call('POST', `/v1/apply/checks/${waiting.reference}/reject`, { token: checker.token, json: { reason: 'No' } })).status).toBe(409);
    expect(await usersWithNi(waiting.niNumber)).toEqual([]);
    expect((await application(waiting.id)).status).toBe('in-progress');

    const app = await readyApplication(h, orgs.siteA1.id);
    expect((await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} })).status).toBe(200);
    const again = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`Application ${app.reference} has already been approved.`);
    const reject = await h.call('POST', `/v1/apply/checks/${app.reference}/reject`, { token: checker.token, json: { reason: 'Second thoughts' } });
    expect(reject.status).toBe(409);
    expect(await usersWithNi(app.niNumber)).toHaveLength(1);
    expect((await application(app.id)).status).toBe('approved');
  });

  it('rule: a position closed since the application was made stops the approval in words, and nothing is made', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    await h.db.updateTable('positions').set({ closed: 1 }).where('id', '=', app.positionId).execute();
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The position requested (Healthcare Assistant) has been closed since the application was made: reject the application and ask the sponsor to apply again.');
    expect(await usersWithNi(app.niNumber)).toEqual([]);
    expect((await application(app.id)).status).toBe('in-progress');
  });

  it('rule: the cards to issue give the delivery address the sponsor or the applicant entered', async () => {
    const address = { address_line1: 'Ward 7, Alder General Hospital', address_line2: 'Beech Road', address_town: 'Leeds', address_postcode: 'LS1 4AP' };
    const app = await readyApplication(h, orgs.siteA1.id, address);
    const checker = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    expect((await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} })).status).toBe(200);
    const cards = await h.call('GET', '/v1/apply/cards-to-issue', { token: checker.token });
    expect(cards.body.cards[0].deliveryAddress).toEqual({ line1: 'Ward 7, Alder General Hospital', line2: 'Beech Road', town: 'Leeds', postcode: 'LS1 4AP' });
  });

  it('rule: a requested position may not be replaced at approval with positions of the approver’s choosing', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const other = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Ward Manager', roles: ['RAM'] });
    const checker = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: { positionIds: [other] } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.positionIds', message: "positions are chosen only when copying a colleague's access" }]);
    expect(await usersWithNi(app.niNumber)).toEqual([]);
  });
});

describe("copying a colleague's access", () => {
  it("rule: copying a colleague's access needs an RA role: an ID checker is refused in words and nothing changes", async () => {
    const position = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const colleague = await colleagueWithCard(orgs.siteA1.id, [position]);
    const app = await readyApplication(h, orgs.siteA1.id, { access_kind: 'copy', position_id: null, colleague_name: 'Colleen Colleague', colleague_card_number: colleague.serial });
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: { positionIds: [position] } });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe("Only RA staff can approve copying a colleague's access: ask your registration authority to approve this application.");
    expect(await usersWithNi(app.niNumber)).toEqual([]);
    expect((await application(app.id)).status).toBe('in-progress');
  });

  it("rule: copied access is only the colleague's current positions within the RA's organisation", async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const elsewhere = await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Bank Nurse' });
    const ended = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Student Nurse' });
    const notHers = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Porter' });
    const colleague = await colleagueWithCard(orgs.siteA1.id, [nurse, elsewhere]);
    await assign(h.db, colleague.user.id, ended, '2020-01-01', '2024-12-31');
    // Found by the card's UUID as well as by the number printed on it.
    const app = await readyApplication(h, orgs.siteA1.id, { access_kind: 'copy', position_id: null, colleague_name: 'Colleen Colleague', colleague_card_number: colleague.cardUuid });
    const ra = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');

    const detail = await h.call('GET', `/v1/apply/checks/${app.reference}`, { token: ra.token });
    expect(detail.status).toBe(200);
    expect(detail.body.colleague).toEqual({ uuid: colleague.user.uuid, name: 'Colleen Colleague', positions: [{ id: nurse, title: 'Staff Nurse', organisation: orgs.siteA1.name }] });
    expect(detail.body.application.access).toEqual({ kind: 'copy', colleagueName: 'Colleen Colleague', colleagueCardNumber: colleague.cardUuid });

    const refused = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: ra.token, json: { positionIds: [nurse, elsewhere, ended, notHers] } });
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([
      { path: 'body.positionIds.1', message: 'the position is outside your organisation and its child organisations' },
      { path: 'body.positionIds.2', message: "not one of Colleen Colleague's current positions" },
      { path: 'body.positionIds.3', message: "not one of Colleen Colleague's current positions" },
    ]);
    const none = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: ra.token, json: {} });
    expect(none.status).toBe(400);
    expect(await usersWithNi(app.niNumber)).toEqual([]);

    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: ra.token, json: { positionIds: [nurse] } });
    expect(res.status).toBe(200);
    const [user] = await usersWithNi(app.niNumber);
    expect(await heldPositions(user!.id)).toEqual([nurse]);
  });

  it('rule: a colleague is found by the number printed on their smartcard', async () => {
    const nurse = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const colleague = await colleagueWithCard(orgs.siteA1.id, [nurse]);
    const app = await readyApplication(h, orgs.siteA1.id, { access_kind: 'copy', position_id: null, colleague_name: 'Colleen Colleague', colleague_card_number: colleague.serial });
    const ra = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const detail = await h.call('GET', `/v1/apply/checks/${app.reference}`, { token: ra.token });
    expect(detail.body.colleague).toMatchObject({ uuid: colleague.user.uuid, positions: [{ id: nurse }] });

    const unknown = await readyApplication(h, orgs.siteA1.id, { access_kind: 'copy', position_id: null, colleague_name: 'Nobody', colleague_card_number: '999999999999' });
    expect((await h.call('GET', `/v1/apply/checks/${unknown.reference}`, { token: ra.token })).body.colleague).toBeNull();
    const res = await h.call('POST', `/v1/apply/checks/${unknown.reference}/approve`, { token: ra.token, json: { positionIds: [nurse] } });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/^No smartcard has the number 999999999999/);
  });
});

describe('rejection', () => {
  it('rule: a rejection needs a reason, and the rejected application shows it', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    for (const json of [{}, { reason: '   ' }]) {
      const bad = await h.call('POST', `/v1/apply/checks/${app.reference}/reject`, { token: checker.token, json });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.map((f: { path: string }) => f.path)).toEqual(['body.reason']);
    }
    expect((await application(app.id)).status).toBe('in-progress');

    const reason = 'The photograph does not match the passport.';
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/reject`, { token: checker.token, json: { reason } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ reference: app.reference, status: 'rejected' });
    expect(await application(app.id)).toMatchObject({ status: 'rejected', rejection_reason: reason, decided_by: checker.userId });
    expect(await usersWithNi(app.niNumber)).toEqual([]);
    // The sponsor reads the reason on their own view of the application (and the checker on theirs).
    const sponsorView = await h.call('GET', `/v1/apply/applications/${app.reference}`, { token: app.sponsor.token });
    expect(sponsorView.status).toBe(200);
    expect(sponsorView.body.summary).toMatchObject({ status: 'rejected', tab: 'rejected', rejectionReason: reason });
    expect(sponsorView.body.steps.idCheck).toBe('completed');
    expect(sponsorView.body.canMarkDone).toBe(true);
    const view = await h.call('GET', `/v1/apply/checks/${app.reference}`, { token: checker.token });
    expect(view.body.application).toEqual({ ...sponsorView.body, summary: { ...sponsorView.body.summary, raisedByMe: false }, canMarkDone: false });
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'application.rejected', subject: app.reference, actor: checker.uuid });
  });
});

describe('closing the applicant side', () => {
  it.each(['approve', 'reject'] as const)('rule: closing an application deletes its documents and its links stop working (%s)', async (decision) => {
    const app = await readyApplication(h, orgs.siteA1.id);
    await addDocument(h, app.id, 'passport');
    await addDocument(h, app.id, 'face-photo');
    await mintApplicantLinks(h.db, app.id, ['details', 'identity'], h.service.ctx.now());
    expect([await documentsOf(app.id), await liveLinksOf(app.id)]).toEqual([2, 2]);
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const res = await h.call('POST', `/v1/apply/checks/${app.reference}/${decision}`, { token: checker.token, json: decision === 'reject' ? { reason: 'Blurred' } : {} });
    expect(res.status).toBe(200);
    expect([await documentsOf(app.id), await liveLinksOf(app.id)]).toEqual([0, 0]);
  });
});

describe('cards to issue', () => {
  it('rule: a card is marked posted only once it has been issued, and the application then leaves the cards to issue for Marked as done', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const approved = await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} });
    const ra = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');

    const early = await h.call('POST', `/v1/apply/cards-to-issue/${app.reference}/posted`, { token: ra.token });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/^Issue the smartcard first/);
    expect((await application(app.id)).status).toBe('approved');

    const [user] = await usersWithNi(app.niNumber);
    expect(user!.uuid).toBe(approved.body.user.uuid);
    await addCard(h.db, user!.id);
    const list = await h.call('GET', '/v1/apply/cards-to-issue', { token: ra.token });
    expect(list.body.cards).toMatchObject([{ reference: app.reference, cardIssued: true }]);

    const res = await h.call('POST', `/v1/apply/cards-to-issue/${app.reference}/posted`, { token: ra.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ reference: app.reference, status: 'done' });
    expect(await application(app.id)).toMatchObject({ status: 'done', done_from: 'approved', posted_by: ra.userId, posted_at: h.service.ctx.now().getTime() });
    expect((await h.call('GET', '/v1/apply/cards-to-issue', { token: ra.token })).body.cards).toEqual([]);
    expect((await auditRows(h.db)).at(-1)).toMatchObject({ action: 'application.posted', subject: app.reference, actor: ra.uuid });
    const twice = await h.call('POST', `/v1/apply/cards-to-issue/${app.reference}/posted`, { token: ra.token });
    expect(twice.status).toBe(409);
  });

  it('rule: the cards to issue are the approved applications of the RA’s organisation and its children only', async () => {
    const checker = await actor(h.db, orgs.region.id, ['IDC'], 'Regional checker');
    const refs: Record<string, string> = {};
    for (const [name, org] of [['site', orgs.siteA1], ['sibling', orgs.trustB], ['parent', orgs.region]] as const) {
      const app = await readyApplication(h, org.id);
      expect((await h.call('POST', `/v1/apply/checks/${app.reference}/approve`, { token: checker.token, json: {} })).status).toBe(200);
      refs[name] = app.reference;
    }
    const ra = await actor(h.db, orgs.trustA.id, ['RAA(A)'], 'Advanced');
    const list = await h.call('GET', '/v1/apply/cards-to-issue', { token: ra.token });
    expect(list.body.cards.map((c: { reference: string }) => c.reference)).toEqual([refs.site]);
    const outside = await h.call('POST', `/v1/apply/cards-to-issue/${refs.sibling}/posted`, { token: ra.token });
    expect(outside.status).toBe(404);
    expect(outside.body.message).toBe(`Application ${refs.sibling} was not found.`);
  });
});
