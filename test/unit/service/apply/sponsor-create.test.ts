import { describe, expect, it } from 'vitest';
import { tokenHash } from '../../../../src-service/apply/applicant-links.js';
import { addUser } from '../../../support/service-fixtures.js';
import { tableCounts } from '../cim/cim-harness.js';
import { harnessPerFile } from './harness-per-file.js';
import { applicationBody, linkToken, outboxMark, outboxSince, positionAt, QUERY_EMAIL, sponsorAt } from './sponsor-support.js';

// POST /v1/apply/applications: the sponsor's new application, its rules, and the invite it sends.

const { h, orgs } = harnessPerFile({ resetClock: true });

const submit = (token: string, json: unknown) => h.call('POST', '/v1/apply/applications', { token, json });

describe('a new application', () => {
  it('rule: submitting emails the applicant the details link and the query email, and texts the identity link; both links work', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const position = await positionAt(h, orgs.trustA.id);
    const mark = await outboxMark(h);
    const body = applicationBody(position);
    const res = await submit(me.token, body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ reference: expect.stringMatching(/^ACI-[0-9A-HJ-NP-Z]{8}$/), status: 'in-progress', duplicateOf: null });

    const sent = await outboxSince(h, mark);
    expect(sent.map((m) => [m.channel, m.to])).toEqual([
      ['email', body.applicant.email],
      ['sms', body.applicant.mobile],
    ]);
    const [email, text] = sent;
    expect(email?.subject).toBe('Confirm your details for your Care ID application');
    expect(email?.text).toContain(orgs.trustA.name);
    expect(email?.text).toContain(QUERY_EMAIL);
    expect(email?.text).toContain('expires in 14 days and can be used once');
    expect(email?.text).toContain(`${h.service.ctx.publicOrigin}/apply/link/`);
    expect(text?.text).toMatch(new RegExp(`^Prove your identity for your Care ID application: \\S+/apply/link/[A-Za-z0-9_-]+ \\(expires in 14 days\\)\\. From ${orgs.trustA.name}\\.$`));

    // Each message's token is one of the application's live links, of the right purpose.
    const app = await h.db.selectFrom('applications').select(['id', 'invites_sent', 'last_invited_at']).where('reference', '=', res.body.reference).executeTakeFirstOrThrow();
    expect(app.invites_sent).toBe(1);
    const links = await h.db.selectFrom('application_links').select(['purpose', 'token_hash', 'void_at']).where('application_id', '=', app.id).execute();
    const purposeOf = (token: string | undefined) => links.find((l) => token && l.token_hash.equals(tokenHash(token)))?.purpose;
    expect(purposeOf(linkToken(email?.text ?? ''))).toBe('details');
    expect(purposeOf(linkToken(text?.text ?? ''))).toBe('identity');
    expect(links.every((l) => l.void_at === null)).toBe(true);
  });

  it("rule: the sponsor's ODS limit: a position at a child organisation, another trust or a closed one is refused with the seed's words, and nothing is stored", async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const atChild = await positionAt(h, orgs.siteA1.id);
    const elsewhere = await positionAt(h, orgs.trustB.id);
    const closed = await positionAt(h, orgs.trustA.id, 'Closed post');
    await h.db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    const before = await tableCounts(h.db);
    for (const positionId of [atChild, elsewhere, closed, 999_999]) {
      const res = await submit(me.token, applicationBody(positionId));
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([
        {
          path: 'body.access.positionId',
          message: `The position can only be at ${orgs.trustA.code}, the organisation you work under now. Request access at other sites in Care Identity Management once the smartcard has been created.`,
        },
      ]);
    }
    expect(await tableCounts(h.db)).toEqual(before);
    // The access options offer exactly the open positions of the session's organisation.
    const own = await positionAt(h, orgs.trustA.id, 'Ward Clerk');
    const options = await h.call('GET', '/v1/apply/access-options', { token: me.token });
    expect(options.status).toBe(200);
    expect(options.body.organisation).toEqual({ code: orgs.trustA.code, name: orgs.trustA.name });
    const offered = options.body.positions.map((p: { id: number }) => p.id);
    expect(offered).toContain(own);
    for (const refused of [atChild, elsewhere, closed]) expect(offered).not.toContain(refused);
  });

  it('rule: duplicate detection at submission: a profile with the same NI number and date of birth makes a Duplicate, with no links sent', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const position = await positionAt(h, orgs.trustA.id);
    const body = applicationBody(position);
    const existing = await addUser(h.db, { given: 'Jo', family: 'Existing', homeOrgId: orgs.trustB.id, ni: body.applicant.niNumber });
    await h.db.updateTable('users').set({ date_of_birth: body.applicant.dateOfBirth }).where('id', '=', existing.id).execute();
    const mark = await outboxMark(h);
    const res = await submit(me.token, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'duplicate', duplicateOf: { uuid: existing.uuid, name: 'Jo Existing' } });
    const app = await h.db.selectFrom('applications').select(['id', 'status', 'duplicate_user_id', 'invites_sent']).where('reference', '=', res.body.reference).executeTakeFirstOrThrow();
    expect(app).toMatchObject({ status: 'duplicate', duplicate_user_id: existing.id, invites_sent: 0 });
    expect(await h.db.selectFrom('application_links').select('id').where('application_id', '=', app.id).execute()).toEqual([]);
    expect(await outboxSince(h, mark)).toEqual([]);

    // Same NI number with another date of birth is another person.
    const other = await submit(me.token, applicationBody(position, { niNumber: body.applicant.niNumber, dateOfBirth: '1980-01-01' }));
    expect(other.status).toBe(201);
    expect(other.body.status).toBe('in-progress');
  });

  it('rule: duplicate detection at submission: a second application for a person whose application is in progress is refused (409) naming it', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const position = await positionAt(h, orgs.trustA.id);
    const body = applicationBody(position);
    const first = await submit(me.token, body);
    expect(first.status).toBe(201);
    const before = await tableCounts(h.db);
    const again = await submit(me.token, applicationBody(position, { niNumber: body.applicant.niNumber, dateOfBirth: body.applicant.dateOfBirth }));
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`An application for this person is already in progress (${first.body.reference}).`);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it("rule: a sponsor without a confirmed email address for applicants' queries cannot submit", async () => {
    const me = await sponsorAt(h, orgs.trustA.id, ['S'], null);
    const position = await positionAt(h, orgs.trustA.id);
    const before = await tableCounts(h.db);
    const res = await submit(me.token, applicationBody(position));
    expect(res.status).toBe(409);
    expect(res.body.message).toBe("Set an email address for applicants' queries first: go to settings.");
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: bad input is refused with a 400 naming each field, and nothing changes', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const position = await positionAt(h, orgs.trustA.id);
    const before = await tableCounts(h.db);
    const bad = await submit(me.token, applicationBody(position, { niNumber: 'not-an-ni', email: 'nope', mobile: '12345', dateOfBirth: '1850-01-01' }));
    expect(bad.status).toBe(400);
    const paths = bad.body.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.applicant.niNumber', 'body.applicant.email', 'body.applicant.mobile', 'body.applicant.dateOfBirth']));
    const noAddress = await submit(me.token, { ...applicationBody(position), applicantProvidesAddress: false });
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.fields).toEqual([{ path: 'body.deliveryAddress', message: 'Enter the delivery address, or let the applicant provide it.' }]);
    const unknown = await submit(me.token, { ...applicationBody(position), extra: 1 });
    expect(unknown.status).toBe(400);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: the application is audited without the NI number', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const position = await positionAt(h, orgs.trustA.id);
    const body = applicationBody(position);
    const res = await submit(me.token, body);
    const entry = await h.db.selectFrom('audit_log').select(['action', 'actor', 'details']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(entry.action).toBe('application.created');
    expect(entry.actor).toBe(me.uuid);
    expect(entry.details).toContain(res.body.reference);
    expect(entry.details).not.toContain(body.applicant.niNumber);
  });
});
