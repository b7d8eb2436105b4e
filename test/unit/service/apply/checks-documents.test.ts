import { describe, expect, it } from 'vitest';
import { actor, auditRows } from '../../../support/service-fixtures.js';
import { Browser, csrfOf, invite, pngOf, uploadForm } from './applicant-rig.js';
import { addDocument, DOCUMENT_BYTES, readyApplication } from './checks-support.js';
import { harnessPerFile } from './harness-per-file.js';

// The applicant's identity documents at the ID check: listed for ID checkers and RA staff in the
// application's organisation subtree, opened one at a time (each opening audited, never the bytes),
// never readable by the sponsor, and gone once the application is decided.

const { h, orgs } = harnessPerFile();

describe('the applications ready for checking', () => {
  it('rule: the ID check lists the applications whose applicant has finished both steps, in the checker’s organisation and its children only', async () => {
    const ready = await readyApplication(h, orgs.siteA1.id);
    await readyApplication(h, orgs.siteA1.id, { details_confirmed_at: null });
    await readyApplication(h, orgs.siteA1.id, { identity_submitted_at: null });
    await readyApplication(h, orgs.siteA1.id, { status: 'cancelled' });
    await readyApplication(h, orgs.trustB.id);
    await readyApplication(h, orgs.region.id);
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    const res = await h.call('GET', '/v1/apply/checks', { token: checker.token });
    expect(res.status).toBe(200);
    expect(res.body.applications).toHaveLength(1);
    expect(res.body.applications[0]).toMatchObject({ reference: ready.reference, status: 'in-progress', tab: 'in-progress', organisation: { code: orgs.siteA1.code }, raisedByMe: false });
  });
});

describe('rule: documents never readable by the sponsor', () => {
  it('rule: documents never readable by the sponsor: the sponsor who raised the application is refused the documents and the check (403)', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const doc = await addDocument(h, app.id);
    const before = (await auditRows(h.db)).length;
    for (const path of [`/v1/apply/checks/${app.reference}/documents/${doc}`, `/v1/apply/checks/${app.reference}`]) {
      const res = await h.call('GET', path, { token: app.sponsor.token });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect(JSON.stringify(res.body)).not.toContain(DOCUMENT_BYTES.toString('base64').slice(0, 20));
    }
    expect((await auditRows(h.db)).length).toBe(before);
  });

  it('rule: documents never readable by the sponsor: an ID checker in scope opens the document, and the opening is audited without its content (200)', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const passport = await addDocument(h, app.id, 'passport');
    const photo = await addDocument(h, app.id, 'face-photo', Buffer.concat([DOCUMENT_BYTES, Buffer.from('face')]));
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');

    const detail = await h.call('GET', `/v1/apply/checks/${app.reference}`, { token: checker.token });
    expect(detail.status).toBe(200);
    expect(detail.body.documents).toEqual([
      { id: passport, kind: 'passport', mime: 'image/png', sizeBytes: DOCUMENT_BYTES.length, uploadedAt: expect.any(String) },
      { id: photo, kind: 'face-photo', mime: 'image/png', sizeBytes: DOCUMENT_BYTES.length + 4, uploadedAt: expect.any(String) },
    ]);
    // The listing has no content, and the sponsor's part of the detail is the same application.
    expect(JSON.stringify(detail.body)).not.toContain('base64');
    expect(detail.body.application.summary).toMatchObject({ reference: app.reference, raisedByMe: false });
    expect(detail.body.application.steps).toEqual({ confirmDetails: 'completed', identityCheck: 'completed', idCheck: 'in-progress' });

    const res = await h.call('GET', `/v1/apply/checks/${app.reference}/documents/${passport}`, { token: checker.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ mime: 'image/png', base64: DOCUMENT_BYTES.toString('base64') });
    const entry = (await auditRows(h.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'application.document-viewed', actor: checker.uuid, subject: app.reference });
    expect(JSON.parse(entry.details)).toEqual({ documentId: passport, kind: 'passport' });
  });

  it('rule: documents never readable by the sponsor: a checker outside the application’s organisation gets 404, as for an application that does not exist', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const doc = await addDocument(h, app.id);
    for (const org of [orgs.trustB, orgs.region]) {
      // The parent organisation's checker is in scope; the sibling's is not.
      const checker = await actor(h.db, org.id, ['IDC'], 'Checker');
      const res = await h.call('GET', `/v1/apply/checks/${app.reference}/documents/${doc}`, { token: checker.token });
      if (org === orgs.region) expect(res.status).toBe(200);
      else {
        expect(res.status).toBe(404);
        expect(res.body.message).toBe(`Application ${app.reference} was not found.`);
        expect((await h.call('GET', `/v1/apply/checks/${app.reference}`, { token: checker.token })).status).toBe(404);
      }
    }
  });

  it('rule: a document is read only through its own application', async () => {
    const mine = await readyApplication(h, orgs.siteA1.id);
    const other = await readyApplication(h, orgs.trustB.id);
    const theirs = await addDocument(h, other.id);
    const checker = await actor(h.db, orgs.trustA.id, ['RAA'], 'Agent');
    const res = await h.call('GET', `/v1/apply/checks/${mine.reference}/documents/${theirs}`, { token: checker.token });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('That document was not found.');
  });

  it('rule: a decided application’s documents are gone', async () => {
    const app = await readyApplication(h, orgs.siteA1.id);
    const doc = await addDocument(h, app.id);
    const checker = await actor(h.db, orgs.trustA.id, ['IDC'], 'Checker');
    expect((await h.call('POST', `/v1/apply/checks/${app.reference}/reject`, { token: checker.token, json: { reason: 'Expired passport' } })).status).toBe(200);
    expect((await h.call('GET', `/v1/apply/checks/${app.reference}/documents/${doc}`, { token: checker.token })).status).toBe(404);
    expect((await h.call('GET', `/v1/apply/checks/${app.reference}`, { token: checker.token })).body.documents).toEqual([]);
  });
});

describe('the applicant’s upload at the ID check', () => {
  it('rule: the image the applicant uploads is the image the ID checker opens', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    await browser.open(app.links.identity);
    const csrf = csrfOf((await browser.get('/apply/identity/document?type=passport')).text);
    const image = pngOf(30_000);
    expect((await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: image, name: 'passport.png', type: 'image/png' }, { type: 'passport' }))).status).toBe(303);

    const { org_id } = await h.db.selectFrom('applications').select('org_id').where('id', '=', app.id).executeTakeFirstOrThrow();
    const checker = await actor(h.db, org_id, ['IDC'], 'Checker');
    const detail = await h.call('GET', `/v1/apply/checks/${app.reference}`, { token: checker.token });
    expect(detail.body.documents).toMatchObject([{ kind: 'passport', mime: 'image/png', sizeBytes: image.length }]);
    const res = await h.call('GET', `/v1/apply/checks/${app.reference}/documents/${detail.body.documents[0].id}`, { token: checker.token });
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body.base64, 'base64').equals(image)).toBe(true);
  });
});
