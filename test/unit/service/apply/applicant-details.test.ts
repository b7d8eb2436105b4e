import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW, startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { auditRows } from '../../../support/service-fixtures.js';
import { Browser, csrfOf, h1s, invite, unlabelled } from './applicant-rig.js';

// The emailed link's step: check the details, correct them, give the delivery address when
// asked to, check the answers and confirm.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const application = (id: number) => h.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const CORRECT = {
  givenName: 'Alexandra',
  familyName: 'Okoro',
  'dob-day': '3',
  'dob-month': '11',
  'dob-year': '1988',
  niNumber: 'jk 12 34 56 c',
  email: 'alexandra.okoro@example.nhs.net',
  mobile: '07700 900 982',
};

describe('applicant details', () => {
  it('rule: the applicant corrects their details, gives the delivery address and confirms; the application records when, and the audit says so', async () => {
    const app = await invite(h, { applicant_provides_address: 1 });
    const browser = new Browser(h.url);
    await browser.open(app.links.details);
    const check = await browser.get('/apply/details');
    expect(check.text).toContain('href="/apply/details/change#niNumber"');
    expect(check.text).toContain('href="/apply/details/address"');

    const form = await browser.get('/apply/details/change');
    expect(h1s(form.text)).toEqual(['Correct your details']);
    const saved = await browser.post('/apply/details/change', { csrf: csrfOf(form.text), ...CORRECT });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/apply/details/address');
    const row = await application(app.id);
    expect([row.given_name, row.family_name, row.date_of_birth, row.ni_number, row.email, row.mobile, row.family_name_norm]).toEqual([
      'Alexandra',
      'Okoro',
      '1988-11-03',
      'JK123456C',
      'alexandra.okoro@example.nhs.net',
      '07700900982',
      'okoro',
    ]);

    const address = await browser.get('/apply/details/address');
    expect(address.text).toContain('must include the department or ward');
    const withAddress = await browser.post('/apply/details/address', { csrf: csrfOf(address.text), line1: 'Ward 7, Alder General Hospital', line2: '', town: 'Leeds', postcode: 'ls1 4ap' });
    expect(withAddress.location).toBe('/apply/details/check');
    const answers = await browser.get('/apply/details/check');
    expect(h1s(answers.text)).toEqual(['Check your answers']);
    expect(answers.text).toContain('Ward 7, Alder General Hospital');
    expect(answers.text).toContain('LS1 4AP');

    h.setNow(new Date(NOW.getTime() + 60_000));
    try {
      const confirmed = await browser.post('/apply/details/confirm', { csrf: csrfOf(answers.text) });
      expect(confirmed.location).toBe('/apply/details/confirmed');
      const done = await browser.get('/apply/details/confirmed');
      expect(h1s(done.text)).toEqual(['Details confirmed']);
      const after = await application(app.id);
      expect(after.details_confirmed_at).toBe(NOW.getTime() + 60_000);
      expect(after.details_started_at).toBe(NOW.getTime());
      expect(after.last_activity_at).toBe(NOW.getTime() + 60_000);
      expect(after.address_postcode).toBe('LS1 4AP');
      const audit = (await auditRows(h.db)).filter((r) => r.subject === app.reference);
      expect(audit.map((r) => [r.action, r.actor])).toEqual([['application.details-confirmed', null]]);
      expect(audit[0]?.details).not.toContain('JK123456C');
      // Finished: the step's forms are closed, and confirming again changes nothing.
      expect((await browser.get('/apply/details/change')).location).toBe('/apply/details/confirmed');
      expect((await browser.post('/apply/details/confirm', { csrf: csrfOf(answers.text) })).location).toBe('/apply/details/confirmed');
      expect((await application(app.id)).details_confirmed_at).toBe(NOW.getTime() + 60_000);
    } finally {
      h.resetClock();
    }
  });

  it('rule: bad details show the form again with each problem in plain words, and nothing is saved', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    await browser.open(app.links.details);
    const form = await browser.get('/apply/details/change');
    const before = await application(app.id);
    const counts = await tableCounts(h.db);
    const bad = await browser.post('/apply/details/change', { csrf: csrfOf(form.text), ...CORRECT, givenName: '  ', 'dob-day': '31', 'dob-month': '2', niNumber: 'not mine', mobile: '01632 960 001' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('There is a problem');
    expect(bad.text).toContain('href="#givenName">Enter your first name');
    expect(bad.text).toContain('href="#dob-day">Enter your date of birth as a real date in the past');
    expect(bad.text).toContain('href="#niNumber">Enter a National Insurance number in the correct format');
    expect(bad.text).toContain('href="#mobile">Enter a UK mobile phone number');
    expect(bad.text).toMatch(/<title>Error: /);
    // What the applicant typed is kept on the form.
    expect(bad.text).toContain('value="not mine"');
    const unknownField = await browser.post('/apply/details/change', { csrf: csrfOf(form.text), ...CORRECT, status: 'approved' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.text).toContain('fields this page does not have');
    const badAddress = await browser.post('/apply/details/address', { csrf: csrfOf(form.text), line1: '', town: 'Leeds', postcode: '12345' });
    expect(badAddress.status).toBe(400);
    expect(badAddress.text).toContain('Enter a real postcode');
    expect(await application(app.id)).toEqual(before);
    expect(await tableCounts(h.db)).toEqual(counts);
  });

  it('rule: a form post without this session’s form token is refused and changes nothing', async () => {
    const app = await invite(h);
    const other = await invite(h);
    const browser = new Browser(h.url);
    await browser.open(app.links.details);
    const elsewhere = new Browser(h.url);
    await elsewhere.open(other.links.details);
    const otherToken = csrfOf((await elsewhere.get('/apply/details/check')).text);
    const before = await application(app.id);
    for (const csrf of [undefined, '', 'forged', otherToken]) {
      const refused = await browser.post('/apply/details/change', { ...(csrf !== undefined ? { csrf } : {}), ...CORRECT });
      expect(refused.status).toBe(403);
      expect(h1s(refused.text)).toEqual(['This page has expired']);
      expect((await browser.post('/apply/details/confirm', csrf !== undefined ? { csrf } : {})).status).toBe(403);
    }
    expect(await application(app.id)).toEqual(before);
  });

  it('rule: details cannot be confirmed without the delivery address the applicant was asked for', async () => {
    const app = await invite(h, { applicant_provides_address: 1 });
    const browser = new Browser(h.url);
    await browser.open(app.links.details);
    const answers = await browser.get('/apply/details/check');
    const refused = await browser.post('/apply/details/confirm', { csrf: csrfOf(answers.text) });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Enter the address your smartcard should be sent to');
    expect((await application(app.id)).details_confirmed_at).toBeNull();
  });

  it('rule: when the sponsor gave the address, the applicant is not asked for it', async () => {
    const app = await invite(h, { applicant_provides_address: 0, address_line1: '1 Main Street', address_town: 'York', address_postcode: 'YO1 7HH' });
    const browser = new Browser(h.url);
    await browser.open(app.links.details);
    const check = await browser.get('/apply/details');
    expect(check.text).toContain('href="/apply/details/check"');
    expect((await browser.get('/apply/details/address')).location).toBe('/apply/details/check');
    const answers = await browser.get('/apply/details/check');
    expect(answers.text).not.toContain('Delivery address');
    expect((await browser.post('/apply/details/confirm', { csrf: csrfOf(answers.text) })).location).toBe('/apply/details/confirmed');
  });

  it('rule: the details pages have one h1 and every control is labelled', async () => {
    const app = await invite(h);
    const browser = new Browser(h.url);
    const pages = [(await browser.get(app.links.details)).text];
    await browser.open(app.links.details);
    for (const path of ['/apply/details', '/apply/details/change', '/apply/details/address', '/apply/details/check']) pages.push((await browser.get(path)).text);
    const bad = await browser.post('/apply/details/change', { csrf: csrfOf(pages[2] as string), ...CORRECT, email: 'nope' });
    pages.push(bad.text);
    for (const page of pages) {
      expect(h1s(page)).toHaveLength(1);
      expect(unlabelled(page)).toEqual([]);
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(page).toContain('Apply for Care ID</span>');
    }
  });
});
