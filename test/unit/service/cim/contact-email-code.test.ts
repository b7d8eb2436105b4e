import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import { sessionFor } from '../../../support/service-fixtures.js';
import { NOW, startHarness, tableCounts, type Harness, type Orgs } from './cim-harness.js';
import { approve, cardHolder, contactOf, emailCodeSentTo, enterEmailCode, putContact, type CardHolder } from '../support/contact-change-rig.js';

// A new email address of one's own takes effect only once the 6-digit code sent to it is entered
// (POST /v1/me/contact/email-code), after the card approved the change.

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

/** The card-approved change of email; returns the code sent to the new address. */
async function askFor(holder: CardHolder, email: string): Promise<string> {
  const res = await putContact(h, holder, { email }, await approve(h, holder, { email }));
  expect(res.status).toBe(200);
  expect(res.body.emailConfirmation).toEqual({ sentTo: email, expiresAt: new Date(NOW.getTime() + 15 * 60_000).toISOString() });
  return emailCodeSentTo(h, email);
}

const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('confirming a new email address with the code sent to it', () => {
  it('rule: a new email takes effect only when the code sent to the NEW address is entered; until then the old one stays', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'old.one@nhs.net' });
    const sent = (await readOutbox(h.db, 1))[0]?.id ?? 0;
    const code = await askFor(me, 'new.one@nhs.net');
    expect(code).toMatch(/^\d{6}$/);
    expect((await contactOf(h, me.userId)).email).toBe('old.one@nhs.net');
    // Only the code so far, to the new address; the old one is told once the change is made.
    expect((await readOutbox(h.db)).filter((m) => m.id > sent).map((m) => [m.to, m.subject])).toEqual([['new.one@nhs.net', 'Confirm your new email address']]);

    const res = await enterEmailCode(h, me, code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ email: 'new.one@nhs.net', mobile: null, emailConfirmation: null });
    expect((await contactOf(h, me.userId)).email).toBe('new.one@nhs.net');
    const after = (await readOutbox(h.db)).filter((m) => m.id > sent).map((m) => m.to);
    expect(after).toContain('old.one@nhs.net');
    // A code is used once.
    expect((await enterEmailCode(h, me, code)).status).toBe(409);
  });

  it('rule: the code is never stored, only a MAC of it', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const code = await askFor(me, 'stored.not@nhs.net');
    const row = await h.db.selectFrom('email_confirmations').selectAll().where('user_id', '=', me.userId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row.code_mac.toString('latin1')).not.toContain(code);
  });

  it('rule: a wrong code spends one of five tries and says how many are left; after the fifth the right code no longer works', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'kept.here@nhs.net' });
    const code = await askFor(me, 'typo.here@nhs.net');
    for (const left of [4, 3, 2, 1]) {
      const res = await enterEmailCode(h, me, wrong(code));
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ path: 'body.code', message: `The code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` }]);
    }
    const fifth = await enterEmailCode(h, me, wrong(code));
    expect(fifth.status).toBe(409);
    expect(fifth.body.message).toMatch(/wrong too many times/);
    expect((await enterEmailCode(h, me, code)).status).toBe(409);
    expect((await contactOf(h, me.userId)).email).toBe('kept.here@nhs.net');
  });

  it('rule: a code expires after 15 minutes and the email stays as it was', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'before.late@nhs.net' });
    const code = await askFor(me, 'too.late@nhs.net');
    h.setNow(new Date(NOW.getTime() + 15 * 60_000 + 1));
    const res = await enterEmailCode(h, me, code);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/expired/);
    expect((await contactOf(h, me.userId)).email).toBe('before.late@nhs.net');
  });

  it('rule: only the session that asked may enter the code', async () => {
    const me = await cardHolder(h, orgs.trustA.id, { email: 'first.session@nhs.net' });
    const code = await askFor(me, 'other.session@nhs.net');
    const otherToken = await sessionFor(h.db, me.userId, me.positionId);
    const res = await h.call('POST', '/v1/me/contact/email-code', { token: otherToken, json: { code } });
    expect(res.status).toBe(409);
    expect((await contactOf(h, me.userId)).email).toBe('first.session@nhs.net');
  });

  it('rule: a newer change of email makes the earlier code useless', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    const first = await askFor(me, 'first.try@nhs.net');
    const second = await askFor(me, 'second.try@nhs.net');
    expect((await enterEmailCode(h, me, first)).status).toBe(first === second ? 200 : 400);
    expect((await enterEmailCode(h, me, second)).status).toBe(first === second ? 409 : 200);
    expect((await contactOf(h, me.userId)).email).toBe('second.try@nhs.net');
  });

  it('rule: a code that is not 6 digits is a 400 naming the code, and nothing changes', async () => {
    const me = await cardHolder(h, orgs.trustA.id);
    await askFor(me, 'format.check@nhs.net');
    const before = await tableCounts(h.db);
    for (const code of ['12345', '1234567', 'abcdef', '']) {
      const res = await enterEmailCode(h, me, code);
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path)).toEqual(['body.code']);
    }
    expect(await tableCounts(h.db)).toEqual(before);
    const row = await h.db.selectFrom('email_confirmations').select('tries').where('user_id', '=', me.userId).executeTakeFirstOrThrow();
    expect(row.tries).toBe(0);
  });

  it('rule: without a session no code can be entered', async () => {
    expect((await h.call('POST', '/v1/me/contact/email-code', { json: { code: '123456' } })).status).toBe(401);
  });
});
