import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { closeApplicantAccess } from '../../../../src-service/apply/applicant-links.js';
import { applicantSession, whileOpen } from '../../../../src-service/apply/applicant-session.js';
import { inTransaction } from '../../../../src-service/store/transaction.js';
import { NOW, startHarness, type Harness } from '../cim/cim-harness.js';
import { Browser, csrfOf, h1s, invite, jpegOf, mint, uploadForm } from './applicant-rig.js';

// The applicant's links: opened by a page that asks first (a mail scanner's GET changes
// nothing), used up by Continue, refused after, and dead once expired, replaced or cancelled.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.resetClock();
});

const DAY = 86_400_000;

async function linkRow(applicationId: number, purpose: 'details' | 'identity') {
  return h.db
    .selectFrom('application_links')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('purpose', '=', purpose)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
}

describe('rule: links single-use and expiring', () => {
  it('following a link shows what it is for and uses nothing up; Continue uses it up and starts a session', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    const landing = await browser.get(app.links.details);
    expect(landing.status).toBe(200);
    expect(h1s(landing.text)).toEqual(['Confirm your details for your Care ID application']);
    expect(landing.text).toContain(app.reference);
    expect(landing.text).toContain('<form method="post"');
    // A second GET (a mail scanner, then the person) still finds it usable.
    expect((await browser.get(app.links.details)).status).toBe(200);
    expect((await linkRow(app.id, 'details')).opened_at).toBeNull();
    expect(landing.headers.get('referrer-policy')).toBe('no-referrer');
    expect(landing.headers.get('content-security-policy')).toContain("script-src 'self'");

    const opened = await browser.open(app.links.details);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe('/apply/details');
    const cookie = opened.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/^apply-details=[A-Za-z0-9_-]+; Path=\/apply; HttpOnly; SameSite=Lax; Max-Age=7200$/);
    const row = await linkRow(app.id, 'details');
    expect(row.opened_at).toBe(NOW.getTime());
    expect(row.session_hash).not.toBeNull();
    const application = await h.db.selectFrom('applications').select(['details_started_at', 'identity_started_at', 'last_activity_at']).where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(application.details_started_at).toBe(NOW.getTime());
    expect(application.identity_started_at).toBeNull();
    const details = await browser.get('/apply/details');
    expect(details.status).toBe(200);
    expect(h1s(details.text)).toEqual(['Check your details']);
  });

  it('behind https the session cookie is Secure', async () => {
    const app = await invite(h);
    const origin = h.service.ctx.publicOrigin;
    h.service.ctx.publicOrigin = 'https://care-id.example.nhs.uk';
    try {
      const opened = await new Browser(h.url).open(app.links.details);
      expect(opened.headers.getSetCookie().join('\n')).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=7200; Secure$/);
    } finally {
      h.service.ctx.publicOrigin = origin;
    }
  });

  it('a used link is refused, on the page and on a second Continue, in plain words', async () => {
    const app = await invite(h);
    expect((await new Browser(h.url).open(app.links.identity)).status).toBe(303);
    const again = new Browser(h.url);
    const page = await again.get(app.links.identity);
    expect(page.status).toBe(410);
    expect(h1s(page.text)).toEqual(['This link has already been used']);
    expect(page.text).toContain('resend the invite');
    const second = await again.open(app.links.identity);
    expect(second.status).toBe(410);
    expect(h1s(second.text)).toEqual(['This link has already been used']);
    expect(second.headers.getSetCookie()).toEqual([]);
  });

  it('a link is refused once 14 days have passed, on the service clock', async () => {
    const app = await invite(h);
    h.setNow(new Date(NOW.getTime() + 14 * DAY - 1000));
    expect((await new Browser(h.url).get(app.links.details)).status).toBe(200);
    h.setNow(new Date(NOW.getTime() + 14 * DAY));
    const browser = new Browser(h.url);
    const page = await browser.get(app.links.details);
    expect(page.status).toBe(410);
    expect(h1s(page.text)).toEqual(['This link has expired']);
    expect((await browser.open(app.links.details)).status).toBe(410);
    expect((await linkRow(app.id, 'details')).opened_at).toBeNull();
  });

  it("a resend's new link works and the old one does not, even one already open", async () => {
    const app = await invite(h);
    const early = new Browser(h.url);
    await early.open(app.links.identity);
    expect((await early.get('/apply/identity')).status).toBe(200);
    const fresh = await mint(h, app.id);
    const old = await new Browser(h.url).get(app.links.details);
    expect(old.status).toBe(410);
    expect(h1s(old.text)).toEqual(['This link is no longer valid']);
    // The session the old identity link opened ends with it.
    expect((await early.get('/apply/identity')).status).toBe(410);
    const browser = new Browser(h.url);
    expect((await browser.get(fresh.details)).status).toBe(200);
    expect((await browser.open(fresh.details)).location).toBe('/apply/details');
  });

  it('a link that is not one, or a page without a session, says what to do', async () => {
    const browser = new Browser(h.url);
    const unknown = await browser.get('/apply/link/not-a-real-token-but-long-enough');
    expect(unknown.status).toBe(404);
    expect(h1s(unknown.text)).toEqual(['This link is not valid']);
    const noSession = await browser.get('/apply/details');
    expect(noSession.status).toBe(401);
    expect(h1s(noSession.text)).toEqual(['Your session has ended']);
    expect((await browser.post('/apply/details/confirm', { csrf: 'x' })).status).toBe(401);
  });

  it('the session lasts 2 hours from Continue', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    await browser.open(app.links.details);
    h.setNow(new Date(NOW.getTime() + 2 * 3_600_000 - 1000));
    expect((await browser.get('/apply/details')).status).toBe(200);
    h.setNow(new Date(NOW.getTime() + 2 * 3_600_000));
    const ended = await browser.get('/apply/details');
    expect(ended.status).toBe(401);
    expect(h1s(ended.text)).toEqual(['Your session has ended']);
  });

  it("one step's session does not open the other step's pages, nor another application's", async () => {
    const app = await invite(h);
    const other = await invite(h);
    const browser = new Browser(h.url);
    await browser.open(app.links.details);
    expect((await browser.get('/apply/identity')).status).toBe(401);
    // A details session token presented as the identity cookie is not an identity session.
    browser.setCookie('apply-identity', browser.cookie('apply-details') as string);
    expect((await browser.get('/apply/identity')).status).toBe(401);
    // The other application's identity session is its own: this browser's details pages are still this application's.
    await browser.open(other.links.identity);
    const details = await browser.get('/apply/details');
    expect(details.text).toContain((await h.db.selectFrom('applications').select('family_name').where('id', '=', app.id).executeTakeFirstOrThrow()).family_name);
  });
});

describe("rule: a cancelled application's links stop working", () => {
  it('its links show that it was cancelled, and a session already open is refused, with nothing stored', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    await browser.open(app.links.identity);
    const upload = await browser.get('/apply/identity/photo');
    const csrf = csrfOf(upload.text);

    await inTransaction(h.db, async (trx) => {
      await trx.updateTable('applications').set({ status: 'cancelled', status_changed_at: NOW.getTime() }).where('id', '=', app.id).execute();
      await closeApplicantAccess(trx, app.id, NOW);
    });

    const link = await new Browser(h.url).get(app.links.details);
    expect(link.status).toBe(410);
    expect(h1s(link.text)).toEqual(['This application has been cancelled']);
    expect((await new Browser(h.url).open(app.links.details)).status).toBe(410);
    const page = await browser.get('/apply/identity');
    expect(page.status).toBe(410);
    expect(h1s(page.text)).toEqual(['This application has been cancelled']);
    const sent = await browser.upload('/apply/identity/photo', uploadForm(csrf, { bytes: jpegOf(), name: 'me.jpg' }));
    expect(sent.status).toBe(410);
    expect(await h.db.selectFrom('application_documents').select('id').where('application_id', '=', app.id).execute()).toEqual([]);
    const row = await h.db.selectFrom('applications').select(['identity_submitted_at']).where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(row.identity_submitted_at).toBeNull();
  });

  it('a change already under way when the application is cancelled (a long upload) is not stored', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    await browser.open(app.links.identity);
    const request = { headers: { cookie: `apply-identity=${browser.cookie('apply-identity') ?? ''}` } } as FastifyRequest;
    const session = await applicantSession(h.service.ctx, request, 'identity');
    expect(session.problem).toBe(false);
    if (session.problem) return;
    await h.db.updateTable('applications').set({ status: 'cancelled' }).where('id', '=', app.id).execute();
    let ran = false;
    expect(
      await whileOpen(h.service.ctx, session, async () => {
        ran = true;
      }),
    ).toBe(false);
    expect(ran).toBe(false);
  });

  it('an application decided otherwise (approved) closes its links too', async () => {
    const app = await invite(h);
    await inTransaction(h.db, async (trx) => {
      await trx.updateTable('applications').set({ status: 'approved' }).where('id', '=', app.id).execute();
      await closeApplicantAccess(trx, app.id, NOW);
    });
    const page = await new Browser(h.url).get(app.links.identity);
    expect(page.status).toBe(410);
    expect(h1s(page.text)).toEqual(['This application is closed']);
  });
});
