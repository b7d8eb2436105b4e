import { describe, expect, it } from 'vitest';
import { sessionFor } from '../../../support/service-fixtures.js';
import { NOW, tableCounts } from '../cim/cim-harness.js';
import { harnessPerFile } from './harness-per-file.js';
import { outboxMark, outboxSince, sponsorAt } from './sponsor-support.js';

// The sponsor's email address for applicants' queries: set only once the 6-digit code sent to
// it comes back (the contact email's rules: 15 minutes, five tries, only the asking session).

const { h, orgs } = harnessPerFile({ resetClock: true });

const settings = (token: string) => h.call('GET', '/v1/apply/settings', { token });
const change = (token: string, email: string) => h.call('POST', '/v1/apply/settings/email', { token, json: { email } });
const confirm = (token: string, code: string) => h.call('POST', '/v1/apply/settings/email/confirm', { token, json: { code } });
const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function codeSentTo(mark: number, email: string): Promise<string> {
  const message = (await outboxSince(h, mark)).find((m) => m.to === email);
  const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code was sent to ${email}`);
  return code;
}

describe("the email address for applicants' queries", () => {
  it("rule: the profile's email is offered as the current address; a new one is set only when the 6-digit code sent to it is entered", async () => {
    const me = await sponsorAt(h, orgs.trustA.id, ['S'], null);
    const profileEmail = (await h.db.selectFrom('users').select('email').where('id', '=', me.userId).executeTakeFirstOrThrow()).email;
    expect((await settings(me.token)).body).toEqual({ queryEmail: null, profileEmail, pendingEmail: null });

    const mark = await outboxMark(h);
    const sent = await change(me.token, 'ward7.queries@example.nhs.net');
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ sentTo: 'ward7.queries@example.nhs.net', expiresAt: new Date(NOW.getTime() + 15 * 60_000).toISOString() });
    const code = await codeSentTo(mark, 'ward7.queries@example.nhs.net');
    expect((await settings(me.token)).body).toEqual({ queryEmail: null, profileEmail, pendingEmail: 'ward7.queries@example.nhs.net' });
    const row = await h.db.selectFrom('apply_email_confirmations').selectAll().where('user_id', '=', me.userId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code);

    const ok = await confirm(me.token, code);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ queryEmail: 'ward7.queries@example.nhs.net', profileEmail, pendingEmail: null });
    expect((await h.db.selectFrom('audit_log').select('action').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).action).toBe('apply.settings-email-confirmed');
    // A code is used once.
    expect((await confirm(me.token, code)).status).toBe(409);
  });

  it('rule: a wrong code is refused in words and spends one of five tries; after the fifth the right code no longer works', async () => {
    const me = await sponsorAt(h, orgs.trustA.id, ['S'], null);
    const mark = await outboxMark(h);
    await change(me.token, 'typo.queries@example.nhs.net');
    const code = await codeSentTo(mark, 'typo.queries@example.nhs.net');
    for (const left of [4, 3, 2, 1]) {
      const res = await confirm(me.token, wrong(code));
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ path: 'body.code', message: `The code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` }]);
    }
    expect((await confirm(me.token, wrong(code))).status).toBe(409);
    expect((await confirm(me.token, code)).status).toBe(409);
    expect((await settings(me.token)).body.queryEmail).toBeNull();
  });

  it('rule: the code lasts 15 minutes and only the session that asked for it may enter it', async () => {
    const me = await sponsorAt(h, orgs.trustA.id, ['S'], null);
    const mark = await outboxMark(h);
    await change(me.token, 'late.queries@example.nhs.net');
    const code = await codeSentTo(mark, 'late.queries@example.nhs.net');
    const position = (await h.db.selectFrom('position_assignments').select('position_id').where('user_id', '=', me.userId).executeTakeFirstOrThrow()).position_id;
    const otherSession = await sessionFor(h.db, me.userId, position);
    expect((await confirm(otherSession, code)).status).toBe(409);
    h.setNow(new Date(NOW.getTime() + 15 * 60_000 + 1));
    const late = await confirm(me.token, code);
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/expired/);
    expect((await settings(me.token)).body.queryEmail).toBeNull();
  });

  it('rule: bad input is refused naming the field, and nothing changes', async () => {
    const me = await sponsorAt(h, orgs.trustA.id, ['S'], null);
    const before = await tableCounts(h.db);
    const badEmail = await change(me.token, 'not an email');
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.fields[0].path).toBe('body.email');
    const badCode = await confirm(me.token, '12ab');
    expect(badCode.status).toBe(400);
    expect(badCode.body.fields[0]).toEqual({ path: 'body.code', message: 'the security code is 6 digits' });
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
