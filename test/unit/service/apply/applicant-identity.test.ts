import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../../../src-shared/api/apply.js';
import { documentSealContext } from '../../../../src-service/apply/applicant-upload.js';
import { open } from '../../../../src-service/crypto/secret-box.js';
import { NOW, startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { auditRows } from '../../../support/service-fixtures.js';
import { Browser, csrfOf, h1s, invite, jpegOf, pngOf, unlabelled, uploadForm, type Invited } from './applicant-rig.js';

// The texted link's step: an identity document and a photograph of the face, uploaded, checked
// by their bytes, sealed before they are stored, and submitted.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const documents = (applicationId: number) =>
  h.db.selectFrom('application_documents').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();

/** An applicant on the upload page of `type` (or the photograph page), with its form token. */
async function onUploadPage(app: Invited, path = '/apply/identity/document?type=passport'): Promise<{ browser: Browser; csrf: string; page: string }> {
  const browser = new Browser(h.url);
  await browser.open(app.links.identity);
  const page = (await browser.get(path)).text;
  return { browser, csrf: csrfOf(page), page };
}

describe('rule: identity documents are stored encrypted at rest', () => {
  it('the image is not in the table; opening it with the data key gives it back', async () => {
    const app = await invite(h);
    const { browser, csrf } = await onUploadPage(app);
    const image = pngOf(50_000);
    const sent = await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: image, name: 'passport.png', type: 'image/png' }, { type: 'passport' }));
    expect(sent.status).toBe(303);
    expect(sent.location).toBe('/apply/identity/photo');
    const [row, ...more] = await documents(app.id);
    expect(more).toEqual([]);
    expect(row?.kind).toBe('passport');
    expect(row?.mime).toBe('image/png');
    expect(row?.size_bytes).toBe(image.length);
    const sealed = Buffer.from(row?.sealed as Uint8Array);
    // Not the image, nor any recognisable run of it.
    expect(sealed.includes(image.subarray(0, 8))).toBe(false);
    expect(sealed.includes(image.subarray(1000, 1064))).toBe(false);
    expect(open(h.service.ctx.dataKey, sealed, documentSealContext(app.id, 'passport')).equals(image)).toBe(true);
    // Sealed to this application: the same bytes do not open as another's.
    expect(() => open(h.service.ctx.dataKey, sealed, documentSealContext(app.id + 1, 'passport'))).toThrow();
  });
});

describe('applicant identity check', () => {
  it('rule: the applicant uploads a document and a photograph, replaces one, checks and submits; pages name the uploads, never show them', async () => {
    const app = await invite(h);
    const { browser, csrf } = await onUploadPage(app, '/apply/identity/document?type=driving-licence');
    await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: pngOf(), name: 'licence.png' }, { type: 'driving-licence' }));
    // A second document replaces the first, whatever its type.
    await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: jpegOf(1_300_000), name: 'passport.jpg' }, { type: 'passport' }));
    const photoPage = await browser.get('/apply/identity/photo');
    expect(photoPage.text).toContain('This photograph will be printed on your smartcard');
    const photo = await browser.upload('/apply/identity/photo', uploadForm(csrf, { bytes: pngOf(30_000), name: 'me.png' }));
    expect(photo.location).toBe('/apply/identity/check');
    await browser.upload('/apply/identity/photo', uploadForm(csrf, { bytes: pngOf(40_000), name: 'me-again.png' }));
    expect((await documents(app.id)).map((d) => [d.kind, d.size_bytes])).toEqual([
      ['passport', 1_300_000],
      ['face-photo', 40_000],
    ]);

    const check = await browser.get('/apply/identity/check');
    expect(h1s(check.text)).toEqual(['Check your answers']);
    expect(check.text).toContain('uploaded: passport, 1.2 MB');
    expect(check.text).toContain('uploaded: photograph, 39 KB');
    expect(check.text).not.toMatch(/<img|data:image|base64/);

    h.setNow(new Date(NOW.getTime() + 120_000));
    try {
      const submitted = await browser.post('/apply/identity/submit', { csrf: csrfOf(check.text) });
      expect(submitted.location).toBe('/apply/identity/sent');
      expect(h1s((await browser.get('/apply/identity/sent')).text)).toEqual(['Identity documents sent']);
      const row = await h.db.selectFrom('applications').select(['identity_started_at', 'identity_submitted_at', 'last_activity_at']).where('id', '=', app.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ identity_started_at: NOW.getTime(), identity_submitted_at: NOW.getTime() + 120_000, last_activity_at: NOW.getTime() + 120_000 });
      const audit = (await auditRows(h.db)).filter((r) => r.subject === app.reference);
      expect(audit.map((r) => [r.action, r.actor])).toEqual([['application.identity-submitted', null]]);
      // Finished: no more uploads.
      const late = await browser.upload('/apply/identity/photo', uploadForm(csrf, { bytes: pngOf(), name: 'late.png' }));
      expect(late.location).toBe('/apply/identity/sent');
      expect(await documents(app.id)).toHaveLength(2);
    } finally {
      h.resetClock();
    }
  });

  it('rule: submitting without both images says what is missing and changes nothing', async () => {
    const app = await invite(h);
    const { browser } = await onUploadPage(app);
    const check = await browser.get('/apply/identity/check');
    expect(check.text).toContain('Not uploaded');
    const refused = await browser.post('/apply/identity/submit', { csrf: csrfOf(check.text) });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Upload a photo of your identity document');
    expect(refused.text).toContain('Upload a photograph of your face');
    const row = await h.db.selectFrom('applications').select('identity_submitted_at').where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(row.identity_submitted_at).toBeNull();
  });

  it('rule: an image is taken by its bytes: a PNG named .pdf is taken as a PNG, a text file named .jpg is refused', async () => {
    const app = await invite(h);
    const { browser, csrf } = await onUploadPage(app);
    const text = Buffer.from('This is not a photo of anything. '.repeat(1000));
    const counts = await tableCounts(h.db);
    const refused = await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: text, name: 'passport.jpg', type: 'image/jpeg' }, { type: 'passport' }));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#file">The selected file must be a JPEG or PNG image');
    expect(h1s(refused.text)).toEqual(['Upload a photo of your passport']);
    expect(await tableCounts(h.db)).toEqual(counts);

    const taken = await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: pngOf(), name: 'passport.pdf', type: 'application/pdf' }, { type: 'passport' }));
    expect(taken.status).toBe(303);
    expect((await documents(app.id)).map((d) => d.mime)).toEqual(['image/png']);
  });

  it('rule: an image larger than 10 MB is refused (413 and the page), and nothing is stored', async () => {
    const app = await invite(h);
    const { browser, csrf } = await onUploadPage(app);
    const counts = await tableCounts(h.db);
    const tooBig = Buffer.concat([jpegOf(MAX_UPLOAD_BYTES)]);
    const over = Buffer.concat([tooBig, Buffer.from([0x20])]);
    expect(over.length).toBe(MAX_UPLOAD_BYTES + 1);
    const refused = await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: over, name: 'huge.jpg' }, { type: 'passport' }));
    expect(refused.status).toBe(413);
    expect(refused.text).toContain('The selected file must be smaller than 10 MB');
    expect(await tableCounts(h.db)).toEqual(counts);
    // Exactly the limit is taken.
    const taken = await browser.upload('/apply/identity/document', uploadForm(csrf, { bytes: tooBig, name: 'big.jpg' }, { type: 'passport' }));
    expect(taken.status).toBe(303);
    expect((await documents(app.id)).map((d) => d.size_bytes)).toEqual([MAX_UPLOAD_BYTES]);
  });

  it('rule: an empty, tiny, missing or doubled upload, or a form with other fields, is refused in plain words and nothing is stored', async () => {
    const app = await invite(h);
    const { browser, csrf } = await onUploadPage(app);
    const counts = await tableCounts(h.db);
    const cases: [FormData, string][] = [
      [uploadForm(csrf, null, { type: 'passport' }), 'Select a photo of your document to upload'],
      [uploadForm(csrf, { bytes: Buffer.alloc(0), name: '' }, { type: 'passport' }), 'Select a photo of your document to upload'],
      [uploadForm(csrf, { bytes: pngOf(2000), name: 'small.png' }, { type: 'passport' }), 'too small to be a clear photo'],
      [uploadForm(csrf, { bytes: pngOf(), name: 'a.png' }, { type: 'passport', kind: 'face-photo' }), 'fields this page does not have'],
    ];
    const twoFiles = uploadForm(csrf, { bytes: pngOf(), name: 'a.png' }, { type: 'passport' });
    twoFiles.append('file', new Blob([new Uint8Array(pngOf())]), 'b.png');
    cases.push([twoFiles, 'The file could not be read']);
    const elsewhere = uploadForm(csrf, null, { type: 'passport' });
    elsewhere.append('photo', new Blob([new Uint8Array(pngOf())]), 'b.png');
    cases.push([elsewhere, 'fields this page does not have']);
    for (const [form, words] of cases) {
      const refused = await browser.upload('/apply/identity/document', form);
      expect(refused.status, words).toBe(400);
      expect(refused.text).toContain(words);
      expect(refused.text).toContain('There is a problem');
    }
    expect(await tableCounts(h.db)).toEqual(counts);
  });

  it('rule: a hostile or broken multipart body gets a page, not a fault, and nothing is stored', async () => {
    const app = await invite(h);
    const { browser, csrf } = await onUploadPage(app);
    const counts = await tableCounts(h.db);
    const boundary = 'xyz';
    const bodies: [string, string][] = [
      // Cut off inside the file.
      [`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG`, `multipart/form-data; boundary=${boundary}`],
      // A field named to reach an object's prototype.
      [`--${boundary}\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`],
      // Many fields.
      [Array.from({ length: 50 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`).join('') + `--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`],
      // Not multipart at all.
      [`csrf=${csrf}&type=passport`, 'application/x-www-form-urlencoded'],
      ['{"file":"x"}', 'application/json'],
    ];
    for (const [body, type] of bodies) {
      const refused = await browser.raw('/apply/identity/document', body, type);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(refused.headers.get('content-type')).toContain('text/html');
      expect(h1s(refused.text)).toHaveLength(1);
    }
    expect(await tableCounts(h.db)).toEqual(counts);
  });

  it("rule: an upload without this session's form token is refused and nothing is stored", async () => {
    const app = await invite(h);
    const { browser } = await onUploadPage(app);
    const other = await invite(h);
    const { csrf: othersToken } = await onUploadPage(other);
    const counts = await tableCounts(h.db);
    for (const csrf of ['', 'forged', othersToken]) {
      const refused = await browser.upload('/apply/identity/photo', uploadForm(csrf, { bytes: pngOf(), name: 'me.png' }));
      expect(refused.status).toBe(403);
      expect(h1s(refused.text)).toEqual(['This page has expired']);
    }
    const noToken = new FormData();
    noToken.append('file', new Blob([new Uint8Array(pngOf())]), 'me.png');
    expect((await browser.upload('/apply/identity/photo', noToken)).status).toBe(403);
    expect((await browser.post('/apply/identity/submit', { csrf: othersToken })).status).toBe(403);
    expect(await tableCounts(h.db)).toEqual(counts);
  });

  it('rule: the identity pages have one h1, every control is labelled, and the upload page loads only its own script', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    const pages = [(await browser.get(app.links.identity)).text];
    await browser.open(app.links.identity);
    for (const path of ['/apply/identity', '/apply/identity/document?type=national-identity-card', '/apply/identity/photo', '/apply/identity/check', '/apply/identity/document?type=nonsense']) {
      pages.push((await browser.get(path)).text);
    }
    for (const page of pages) {
      expect(h1s(page)).toHaveLength(1);
      expect(unlabelled(page)).toEqual([]);
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    }
    expect(pages[2]).toContain('<script src="/apply/assets/upload-progress.js" defer></script>');
    expect(pages[2]).toContain('<progress id="upload-progress"');
    expect(pages[2]).toContain('aria-live="polite"');
    expect(pages[5]).toContain('Select the identity document you will upload');
    const script = await fetch(`${h.url}/apply/assets/upload-progress.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('upload.onprogress');
  });
});
