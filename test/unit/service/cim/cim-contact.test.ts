import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContactChallenge, ContactDetails } from '../../../../src-shared/api/service-cim.js';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import { actor } from '../../../support/service-fixtures.js';
import { auditLength, lastAudit, NOW, startHarness, type Harness, type Orgs } from './cim-harness.js';
import { approve, cardHolder, changeContact, contactOf, putContact } from '../support/contact-change-rig.js';

// PUT /v1/me/contact: "Contact details changed successfully" -- with an email the self-service
// functions can use, approved by the card the session was opened with (passcode and signature).

let h: Harness;
let orgs: Orgs;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.resetClock();
  orgs = await h.tree();
});

describe('changing your own contact details', () => {
  it('rule: anyone changes their own email to an NHS address; the change is audited without the address', async () => {
    const me = await cardHolder(h, orgs.siteA1.id, { name: 'Nurse' });
    const res = await changeContact(h, me, { email: 'new.address@nhs.net' });
    expect(res.status).toBe(200);
    expect(ContactDetails.parse(res.body)).toEqual({ email: 'new.address@nhs.net', mobile: null, emailConfirmation: null });
    expect(await contactOf(h, me.userId)).toEqual({ email: 'new.address@nhs.net', mobile: null });
    const entry = await h.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'subject', 'workstation_id', 'details'])
      .where('action', '=', 'contact.changed')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor: me.uuid, action: 'contact.changed', subject: me.uuid, workstation_id: 'test-ws' });
    expect(JSON.parse(entry.details)).toEqual({ fields: ['email'] });
    expect(entry.details).not.toContain('new.address');
  });

  it('rule: the mobile number alone may change, and is stored without spaces; the email stays', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { name: 'Porter' });
    const before = await contactOf(h, me.userId);
    const res = await changeContact(h, me, { mobile: '07700 900 123' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ email: before.email, mobile: '07700900123', emailConfirmation: null });
  });

  it.each(['someone@nhs.net', 'someone@leeds.nhs.uk', 'someone@cs.york.ac.uk', 'someone@dhsc.gov.uk', 'Someone@NHS.NET'])(
    'rule: an email in an NHS, AC or GOV domain is accepted (%s)',
    async (email) => {
      const me = await cardHolder(h, orgs.trustA.id);
      const res = await changeContact(h, me, { email });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(email);
    },
  );

  it.each(['someone@gmail.com', 'someone@nhs.net.example.com', 'someone@notnhs.net', 'someone@gov.uk.evil.org', 'someone@ac.uk.co'])(
    'rule: an email outside the NHS, AC and GOV domains is refused before the passcode is asked for, saying why, and nothing changes (%s)',
    async (email) => {
      const me = await cardHolder(h, orgs.trustA.id);
      const before = await contactOf(h, me.userId);
      const audits = await auditLength(h.db);
      const res = await h.call('POST', '/v1/me/contact/challenge', { token: me.token, json: { email, mobile: '07700900999' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('bad-request');
      expect(res.body.fields).toHaveLength(1);
      expect(res.body.fields[0].path).toBe('body.email');
      expect(res.body.fields[0].message).toMatch(/NHS, AC or GOV/);
      expect(res.body.fields[0].message).toMatch(/self unlock/);
      expect(await contactOf(h, me.userId)).toEqual(before);
      expect(await auditLength(h.db)).toBe(audits);
    },
  );

  it('rule: a request naming neither an email nor a mobile is refused', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const res = await h.call('POST', '/v1/me/contact/challenge', { token: me.token, json: {} });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ path: 'body.email', message: 'give an email or a mobile number' }]);
  });

  it("rule: only the signed-in user's own contact details change", async () => {
    const me = await cardHolder(h, orgs.trustA.id, { name: 'Me' });
    const colleague = await actor(h.db, orgs.trustA.id, [], 'Colleague');
    const theirs = await contactOf(h, colleague.userId);
    expect((await changeContact(h, me, { email: 'me.only@nhs.net' })).status).toBe(200);
    expect(await contactOf(h, colleague.userId)).toEqual(theirs);
  });

  it('rule: without a session the contact details cannot be changed', async () => {
    const res = await h.call('PUT', '/v1/me/contact', { json: { email: 'x@nhs.net', nonce: 'abc', signature: 'AAAA' } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });
});

describe("a contact change needs the session card's fresh signature", () => {
  it('rule: the challenge names this session and the new values as they will be stored, and expires within a minute', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const res = await h.call('POST', '/v1/me/contact/challenge', { token: me.token, json: { mobile: '07700 900 456' } });
    expect(res.status).toBe(200);
    const challenge = ContactChallenge.parse(res.body);
    expect(challenge).toMatchObject({ email: null, mobile: '07700900456' });
    expect(Date.parse(challenge.expiresAt) - NOW.getTime()).toBeLessThanOrEqual(60_000);
  });

  it('rule: a contact change without a signature is refused and nothing changes', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const before = await contactOf(h, me.userId);
    const res = await h.call('PUT', '/v1/me/contact', { token: me.token, json: { email: 'unsigned@nhs.net' } });
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.nonce', 'body.signature']);
    expect(await contactOf(h, me.userId)).toEqual(before);
  });

  it('rule: a signature that is not a signature is refused and nothing changes', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const before = await contactOf(h, me.userId);
    const { nonce } = await approve(h, me, { email: 'forged@nhs.net' });
    const res = await putContact(h, me, { email: 'forged@nhs.net' }, { nonce, signature: Buffer.alloc(64, 7).toString('base64') });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/not approved by the smartcard you signed in with/);
    expect(await contactOf(h, me.userId)).toEqual(before);
  });

  it('rule: a stale approval (its challenge more than a minute old) is refused and nothing changes', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const before = await contactOf(h, me.userId);
    const approval = await approve(h, me, { email: 'late@nhs.net' });
    h.setNow(new Date(NOW.getTime() + 61_000));
    const res = await putContact(h, me, { email: 'late@nhs.net' }, approval);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/did not approve the change in time/);
    expect(await contactOf(h, me.userId)).toEqual(before);
    expect(await lastAudit(h.db)).toMatchObject({ action: 'contact.change-refused', actor: me.uuid });
  });

  it('rule: an approval is used once: replaying a signed change is refused', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const approval = await approve(h, me, { email: 'first@nhs.net' });
    expect((await putContact(h, me, { email: 'first@nhs.net' }, approval)).status).toBe(200);
    // Changed back by other means; the old approval must not set it again.
    await h.db.updateTable('users').set({ email: 'back@nhs.net' }).where('id', '=', me.userId).execute();
    const replay = await putContact(h, me, { email: 'first@nhs.net' }, approval);
    expect(replay.status).toBe(403);
    expect(replay.body.message).toMatch(/already been used/);
    expect((await contactOf(h, me.userId)).email).toBe('back@nhs.net');
  });

  it('rule: one approval sent several times at the same moment makes one change; the others are refused as used', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const approval = await approve(h, me, { email: 'once@nhs.net' });
    const replies = await Promise.all([1, 2, 3, 4].map(() => putContact(h, me, { email: 'once@nhs.net' }, approval)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 403, 403, 403]);
    for (const refused of replies.filter((r) => r.status === 403)) expect(refused.body.message).toMatch(/already been used/);
    // The one accepted change of email waits for its code: one code sent.
    const actions = await h.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor', '=', me.uuid)
      .where('action', 'in', ['contact.changed', 'contact.change-refused', 'contact.email-code-sent'])
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['contact.change-refused', 'contact.change-refused', 'contact.change-refused', 'contact.email-code-sent']);
  });

  it("rule: a signature by another card than the session's is refused and nothing changes", async () => {
    const me = await cardHolder(h, orgs.trustA.id, { name: 'Owner' });
    const other = await cardHolder(h, orgs.trustA.id, { name: 'Other' });
    const before = await contactOf(h, me.userId);
    const approval = await approve(h, me, { email: 'taken@nhs.net' }, { signer: other.card });
    const res = await putContact(h, me, { email: 'taken@nhs.net' }, approval);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/not approved by the smartcard you signed in with/);
    expect(await contactOf(h, me.userId)).toEqual(before);
  });

  it('rule: an approval signed for other values does not approve these ones', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const before = await contactOf(h, me.userId);
    const approval = await approve(h, me, { email: 'shown@nhs.net' }, { signed: { email: 'shown@nhs.net', mobile: '07700900111' } });
    const res = await putContact(h, me, { email: 'shown@nhs.net' }, approval);
    expect(res.status).toBe(403);
    expect(await contactOf(h, me.userId)).toEqual(before);
  });

  it("rule: an approval issued to one session cannot change another session's profile", async () => {
    const me = await cardHolder(h, orgs.trustA.id, { name: 'Victim' });
    const thief = await cardHolder(h, orgs.trustA.id, { name: 'Thief' });
    const before = await contactOf(h, me.userId);
    const approval = await approve(h, thief, { email: 'thief@nhs.net' });
    const res = await putContact(h, me, { email: 'thief@nhs.net' }, approval);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/not recognised/);
    expect(await contactOf(h, me.userId)).toEqual(before);
  });

  it('rule: a login challenge cannot approve a contact change, nor a contact-change challenge a login', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const before = await contactOf(h, me.userId);
    const login = await h.call('POST', '/v1/login/challenge', { json: { workstationId: 'test-ws' } });
    const forged = await approve(h, me, { email: 'x@nhs.net' });
    const res = await putContact(h, me, { email: 'x@nhs.net' }, { nonce: login.body.nonce, signature: forged.signature });
    expect(res.status).toBe(403);
    expect(await contactOf(h, me.userId)).toEqual(before);
    const asLogin = await h.call('POST', '/v1/login/verify', {
      json: { nonce: forged.nonce, workstationId: 'test-ws', algorithm: 'p256', certificate: me.card.certificate.der.toString('base64'), signature: forged.signature },
    });
    expect(asLogin.status).toBe(401);
    expect(asLogin.body.message).toMatch(/not recognised/);
  });
});

describe('the old contact is told of the change', () => {
  it('rule: a changed email sends a notice to the OLD address, never the new one, and it carries no code', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'old.address@nhs.net' });
    const sent = (await readOutbox(h.db, 1))[0]?.id ?? 0;
    expect((await changeContact(h, me, { email: 'new.address@nhs.net' })).status).toBe(200);
    // Besides the code sent to the new address (contact-email-code tests), one notice.
    const messages = (await readOutbox(h.db)).filter((m) => m.id > sent && m.subject !== 'Confirm your new email address');
    expect(messages).toHaveLength(1);
    const [notice] = messages;
    expect(notice).toMatchObject({ channel: 'email', to: 'old.address@nhs.net', subject: 'The contact details on your Care Identity profile were changed' });
    expect(notice?.text).toMatch(/email address on your Care Identity profile was changed at 11:00 on 15 June 2025 \(UK time\)/);
    expect(notice?.text).toMatch(/If you did not, tell your registration authority/);
    expect(notice?.text).not.toMatch(/\d{6}/);
    expect(notice?.text).not.toContain('new.address');
  });

  it('rule: a changed mobile sends a text message to the OLD number', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { mobile: '07700900001' });
    const sent = (await readOutbox(h.db, 1))[0]?.id ?? 0;
    expect((await changeContact(h, me, { mobile: '07700900002' })).status).toBe(200);
    const messages = (await readOutbox(h.db)).filter((m) => m.id > sent);
    expect(messages.map((m) => [m.channel, m.to])).toEqual([['sms', '07700900001']]);
    expect(messages[0]?.text).toMatch(/mobile number on your Care Identity profile was changed/);
  });

  it('rule: no notice is sent when there was no old value, or when the value did not change', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'same@nhs.net', mobile: null });
    const sent = (await readOutbox(h.db, 1))[0]?.id ?? 0;
    expect((await changeContact(h, me, { email: 'same@nhs.net', mobile: '07700900003' })).status).toBe(200);
    expect((await readOutbox(h.db)).filter((m) => m.id > sent)).toEqual([]);
  });

  it('rule: a refused change sends no notice', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'kept@nhs.net' });
    const other = await cardHolder(h, orgs.trustA.id, { name: 'Other' });
    const sent = (await readOutbox(h.db, 1))[0]?.id ?? 0;
    const approval = await approve(h, me, { email: 'taken@nhs.net' }, { signer: other.card });
    expect((await putContact(h, me, { email: 'taken@nhs.net' }, approval)).status).toBe(403);
    expect((await readOutbox(h.db)).filter((m) => m.id > sent)).toEqual([]);
  });

  it('rule: the time of each change is kept on the profile, and only for what changed', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'when@nhs.net', mobile: '07700900004' });
    expect((await changeContact(h, me, { email: 'when.new@nhs.net', mobile: '07700900004' })).status).toBe(200);
    const stamped = await h.db.selectFrom('users').select(['email_changed_at as e', 'mobile_changed_at as m']).where('id', '=', me.userId).executeTakeFirst();
    expect(stamped).toEqual({ e: NOW.getTime(), m: null });
  });
});
