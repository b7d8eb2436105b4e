import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContactDetails } from '../../../src-shared/api/service-cim.js';
import { actor } from '../../support/service-fixtures.js';
import { auditLength, lastAudit, startHarness, type Harness, type Orgs } from './cim-harness.js';

// PUT /v1/me/contact: "Contact details changed successfully" -- with an email the self-service
// functions can use.

let h: Harness;
let orgs: Orgs;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  orgs = h.tree();
});

function contactOf(userId: number): { email: string | null; mobile: string | null } {
  return h.db.prepare('SELECT email, mobile FROM users WHERE id = ?').get(userId) as { email: string | null; mobile: string | null };
}

describe('changing your own contact details', () => {
  it('rule: anyone changes their own email to an NHS address; the change is audited without the address', async () => {
    const me = actor(h.db, orgs.siteA1.id, [], 'Nurse');
    const res = await h.call('PUT', '/v1/me/contact', { token: me.token, json: { email: 'new.address@nhs.net' } });
    expect(res.status).toBe(200);
    expect(ContactDetails.parse(res.body)).toEqual({ email: 'new.address@nhs.net', mobile: null });
    expect(contactOf(me.userId)).toEqual({ email: 'new.address@nhs.net', mobile: null });
    const entry = lastAudit(h.db);
    expect(entry).toMatchObject({ actor: me.uuid, action: 'contact.changed', subject: me.uuid, workstation_id: 'test-ws' });
    expect(JSON.parse(entry?.details ?? '{}')).toEqual({ fields: ['email'] });
    expect(entry?.details).not.toContain('new.address');
  });

  it('rule: the mobile number alone may change, and is stored without spaces; the email stays', async () => {
    const me = actor(h.db, orgs.trustA.id, [], 'Porter');
    const before = contactOf(me.userId);
    const res = await h.call('PUT', '/v1/me/contact', { token: me.token, json: { mobile: '07700 900 123' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ email: before.email, mobile: '07700900123' });
  });

  it.each(['someone@nhs.net', 'someone@leeds.nhs.uk', 'someone@cs.york.ac.uk', 'someone@dhsc.gov.uk', 'Someone@NHS.NET'])(
    'rule: an email in an NHS, AC or GOV domain is accepted (%s)',
    async (email) => {
      const me = actor(h.db, orgs.trustA.id, []);
      const res = await h.call('PUT', '/v1/me/contact', { token: me.token, json: { email } });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(email);
    },
  );

  it.each(['someone@gmail.com', 'someone@nhs.net.example.com', 'someone@notnhs.net', 'someone@gov.uk.evil.org', 'someone@ac.uk.co'])(
    'rule: an email outside the NHS, AC and GOV domains is refused, saying why, and nothing changes (%s)',
    async (email) => {
      const me = actor(h.db, orgs.trustA.id, []);
      const before = contactOf(me.userId);
      const audits = auditLength(h.db);
      const res = await h.call('PUT', '/v1/me/contact', { token: me.token, json: { email, mobile: '07700900999' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('bad-request');
      expect(res.body.fields).toHaveLength(1);
      expect(res.body.fields[0].path).toBe('body.email');
      expect(res.body.fields[0].message).toMatch(/NHS, AC or GOV/);
      expect(res.body.fields[0].message).toMatch(/self unlock/);
      expect(contactOf(me.userId)).toEqual(before);
      expect(auditLength(h.db)).toBe(audits);
    },
  );

  it('rule: a request naming neither an email nor a mobile is refused', async () => {
    const me = actor(h.db, orgs.trustA.id, []);
    const res = await h.call('PUT', '/v1/me/contact', { token: me.token, json: {} });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.email', message: 'give an email or a mobile number' }]);
  });

  it('rule: only the signed-in user\'s own contact details change', async () => {
    const me = actor(h.db, orgs.trustA.id, [], 'Me');
    const colleague = actor(h.db, orgs.trustA.id, [], 'Colleague');
    const theirs = contactOf(colleague.userId);
    await h.call('PUT', '/v1/me/contact', { token: me.token, json: { email: 'me.only@nhs.net' } });
    expect(contactOf(colleague.userId)).toEqual(theirs);
  });

  it('rule: without a session the contact details cannot be changed', async () => {
    const res = await h.call('PUT', '/v1/me/contact', { json: { email: 'x@nhs.net' } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });
});
