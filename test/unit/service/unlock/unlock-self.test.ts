import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMessage, SelfUnlockResponse } from '../../../../src-shared/api/service-unlock.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import { closeProfile } from '../../../../src-service/auth/login-profile-closure.js';
import { onOutboxMessage, readOutbox } from '../../../../src-service/notify/outbox.js';
import { auditRows, codeFromOutbox, lastAudit, selfUnlockRequest, startUnlockRig, unlockRigPerFile, WS, type UnlockRig } from '../support/unlock-rig.js';

// POST /v1/unlock/self: a holder of a locked card asks for a security code (domain.md,
// "Self-service unlock": an NHS, AC or GOV email or a mobile on the profile, unexpired
// certificates, a code valid 15 minutes).

let rig: UnlockRig;
let orgId: number;
unlockRigPerFile((file) => ({ rig, orgId } = file));

const HOUR = 3_600_000;

async function holderWithCard(contact: { email?: string | null; mobile?: string | null } = {}, cardOptions: { notAfter?: Date } = {}) {
  const person = await rig.person({ orgId, ...contact });
  const card = await rig.card(person.uuid, cardOptions);
  return { person, card, request: selfUnlockRequest(card) };
}

describe('sending a security code', () => {
  it('rule: the code goes to the eligible email by default, masked in the answer, and expires in 15 minutes', async () => {
    const { card, request } = await holderWithCard({ email: 'amara.okafor@nhs.net', mobile: '07700900012' });
    const before = rig.now().getTime();
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(200);
    const body = SelfUnlockResponse.parse(res.body);
    expect(body).toMatchObject({ channel: 'email', sentTo: 'a•••@nhs.net', otherChannel: 'sms' });
    const expiresIn = Date.parse(body.codeExpiresAt) - before;
    expect(expiresIn).toBeGreaterThanOrEqual(15 * 60_000 - 1000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000 + 1000);

    const message = OutboxMessage.parse((await readOutbox(rig.db, 1))[0]);
    expect(message).toMatchObject({ channel: 'email', to: 'amara.okafor@nhs.net', subject: 'Your smartcard security code' });
    const code = await codeFromOutbox(rig.db);
    expect(message.text).toContain(code);
    expect(message.text).toMatch(/15 minutes/);
    expect(message.text).toMatch(/did not ask for (this|it).*registration authority/i);
    expect(res.text).not.toContain(code);

    const audit = await lastAudit(rig.db);
    expect(audit).toMatchObject({ action: 'card.unlock-code-sent', subject: card.cardUuid, workstation_id: WS });
    expect(JSON.parse(audit!.details)).toMatchObject({ channel: 'email' });
    expect(audit!.details).not.toContain(code);
    expect(audit!.details).not.toContain('amara.okafor');
  });

  it('rule: the holder may ask for the code by text message; the number is masked to its last three digits', async () => {
    const { request } = await holderWithCard({ email: 'sam@nhs.net', mobile: '07700900012' });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...request, channel: 'sms' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'sms', sentTo: '•••••••012', otherChannel: 'email' });
    expect((await readOutbox(rig.db, 1))[0]).toMatchObject({ channel: 'sms', to: '07700900012', subject: null });
  });

  it('rule: with no email in an allowed domain the code goes to the mobile, and there is no other channel', async () => {
    const { request } = await holderWithCard({ email: 'sam@gmail.com', mobile: '07700900345' });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'sms', sentTo: '•••••••345', otherChannel: null });
  });

  it('rule: an email in a subdomain of an allowed domain is eligible', async () => {
    const { request } = await holderWithCard({ email: 'sam@leeds.nhs.uk' });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(200);
    expect(res.body.sentTo).toBe('s•••@leeds.nhs.uk');
  });

  it('rule: a profile with neither an eligible email nor a mobile is refused (409), naming what is missing', async () => {
    const other = await holderWithCard({ email: 'sam@gmail.com', mobile: null });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(other.request));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(res.body.message).toMatch(/email address on your profile is not an NHS, AC or GOV email address/);
    expect(res.body.message).toMatch(/no mobile number/);
    expect(res.body.message).not.toContain('gmail');

    const none = await holderWithCard({ email: null, mobile: null });
    const res2 = await rig.call('POST', '/v1/unlock/self', await rig.proved(none.request));
    expect(res2.status).toBe(409);
    expect(res2.body.message).toMatch(/no email address on your profile, and there is no mobile number/);
    expect(await lastAudit(rig.db)).toMatchObject({ action: 'card.unlock-refused', subject: none.card.cardUuid });
    expect(JSON.parse((await lastAudit(rig.db))!.details)).toMatchObject({ reason: 'no-eligible-contact' });
  });

  it('rule: a channel asked for that the profile cannot use is refused (409)', async () => {
    const emailOnly = await holderWithCard({ email: 'sam@nhs.net', mobile: null });
    const sms = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...emailOnly.request, channel: 'sms' }));
    expect(sms.status).toBe(409);
    expect(sms.body.message).toMatch(/no mobile number/);

    const mobileOnly = await holderWithCard({ email: 'sam@example.com', mobile: '07700900999' });
    const email = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...mobileOnly.request, channel: 'email' }));
    expect(email.status).toBe(409);
    expect(email.body.message).toMatch(/cannot be emailed/);
  });
});

describe('which cards may ask', () => {
  it('rule: an unknown card cannot prove itself, so it is refused like any card that did not (403)', async () => {
    const { request } = await holderWithCard();
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...request, cardUuid: '0b5f2c0e-8a47-4d3c-9c1e-2f6a1b7d9e00' }));
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/did not prove itself/);
  });

  it("rule: the certificate must be the one issued to that card (another card's certificate is 409)", async () => {
    const a = await holderWithCard();
    const b = await holderWithCard();
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...a.request, certificate: b.request.certificate }));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/not the one the identity service issued to it/);
  });

  it('rule: a card whose certificates have expired cannot be unlocked here (409), and no code is sent', async () => {
    const { request } = await holderWithCard({}, { notAfter: new Date(rig.now().getTime() + HOUR) });
    rig.advance(HOUR + 60_000);
    const sent = (await readOutbox(rig.db, 1))[0]?.id;
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(409);
    expect(res.body.message).toBe("This smartcard's certificates have expired, so it cannot be unlocked here; contact your registration authority.");
    expect((await readOutbox(rig.db, 1))[0]?.id).toBe(sent);
  });

  it('rule: a revoked card is refused (409)', async () => {
    const { card, request } = await holderWithCard();
    await revokeCard(rig.service.ctx, { cardUuid: card.cardUuid, reason: 'lost', actor: 'system' });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/has been revoked/);
  });

  it('rule: a cancelled card is refused (409)', async () => {
    const { card, request } = await holderWithCard();
    await rig.db.updateTable('cards').set({ status: 'cancelled' }).where('id', '=', card.cardId).execute();
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/has been cancelled/);
  });

  it('rule: a card the directory has locked may ask (the unlock makes it active again)', async () => {
    const { card, request } = await holderWithCard();
    await rig.db.updateTable('cards').set({ status: 'locked' }).where('id', '=', card.cardId).execute();
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved(request))).status).toBe(200);
  });

  it('rule: a closed profile is refused (409)', async () => {
    const { person, request } = await holderWithCard();
    await closeProfile(rig.service.ctx, { userUuid: person.uuid, actor: 'system' });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/profile is closed/);
  });
});

describe('how often', () => {
  it('rule: more than 5 codes for one card in an hour is 429 rate-limited; an hour later codes flow again', async () => {
    const { request } = await holderWithCard();
    for (let i = 0; i < 5; i++) expect((await rig.call('POST', '/v1/unlock/self', await rig.proved(request))).status).toBe(200);
    const sent = (await readOutbox(rig.db, 1))[0]?.id;
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('rate-limited');
    expect(res.body.message).toMatch(/Try again in \d+ minutes?/);
    expect((await readOutbox(rig.db, 1))[0]?.id).toBe(sent);
    // Another card is not held back by this one.
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved((await holderWithCard()).request))).status).toBe(200);
    rig.advance(HOUR + 1000);
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved(request))).status).toBe(200);
  });

  it('rule: codes asked for at the same moment still count against the 5 an hour: never more are sent', async () => {
    const { request } = await holderWithCard();
    // Each request with its own card proof, all sent together.
    const proved = await Promise.all(Array.from({ length: 8 }, () => rig.proved(request)));
    const answers = await Promise.all(proved.map((body) => rig.call('POST', '/v1/unlock/self', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const unlocks = await rig.db.selectFrom('card_unlocks as u').innerJoin('cards as k', 'k.id', 'u.card_id').select('u.id').where('k.uuid', '=', request.cardUuid).execute();
    expect(unlocks).toHaveLength(5);
  });

  it('rule: asking for a new code makes the earlier one useless', async () => {
    const { request } = await holderWithCard();
    const first = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    const firstCode = await codeFromOutbox(rig.db);
    const second = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(second.status).toBe(200);
    const old = await rig.call('POST', `/v1/unlock/${first.body.unlockId}/code`, { workstationId: WS, code: firstCode });
    expect(old.status).toBe(409);
    expect(old.body.message).toMatch(/no longer valid/);
    const fresh = await rig.call('POST', `/v1/unlock/${second.body.unlockId}/code`, { workstationId: WS, code: await codeFromOutbox(rig.db) });
    expect(fresh.status).toBe(200);
  });
});

describe('guessing codes, and asking again', () => {
  /** A new code for the card, then `wrong` wrong guesses at it; the last answer. */
  async function guess(request: { workstationId: string; cardUuid: string; certificate: string }, wrong: number) {
    const sent = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(sent.status).toBe(200);
    const code = await codeFromOutbox(rig.db);
    const bad = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    let last: Awaited<ReturnType<typeof rig.call>> | undefined;
    for (let i = 0; i < wrong; i++) last = await rig.call('POST', `/v1/unlock/${sent.body.unlockId}/code`, { workstationId: WS, code: bad });
    return { last: last!, unlockId: sent.body.unlockId as string, code };
  }

  it('rule: 15 wrong codes for one card in a day bar self-service unlock of it for 24 hours, audited; the holder is sent to a sponsor, LSA or the RA', async () => {
    const { request } = await holderWithCard();
    await guess(request, 5);
    await guess(request, 5);
    const third = await guess(request, 4);
    expect(third.last.status).toBe(403);
    expect(third.last.body.message).toMatch(/You have 1 try left/);
    const { last } = await guess(request, 1);
    expect(last.status).toBe(403);
    expect(last.body.message).toMatch(/cannot be unlocked with a security code for 24 hours/);
    expect((await auditRows(rig.db)).some((r) => r.action === 'card.self-unlock-barred' && r.subject === request.cardUuid)).toBe(true);
    expect(JSON.parse((await auditRows(rig.db)).find((r) => r.action === 'card.self-unlock-barred' && r.subject === request.cardUuid)!.details)).toMatchObject({ wrongCodes: 15 });

    const sent = (await readOutbox(rig.db, 1))[0]?.id;
    rig.advance(2 * HOUR);
    const refused = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/Ask your sponsor, local smartcard administrator or registration authority/);
    expect(JSON.parse((await lastAudit(rig.db))!.details)).toMatchObject({ reason: 'self-unlock-barred' });
    expect((await readOutbox(rig.db, 1))[0]?.id).toBe(sent);
    // Another card is not held back, and a day later this one may try again.
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved((await holderWithCard()).request))).status).toBe(200);
    rig.advance(22 * HOUR + 1000);
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved(request))).status).toBe(200);
  });

  it('rule: the code in hand when the card is barred can no longer be used', async () => {
    const { request } = await holderWithCard();
    await guess(request, 5);
    await guess(request, 5);
    const open = await guess(request, 5);
    expect(open.last.body.message).toMatch(/24 hours/);
    const late = await rig.call('POST', `/v1/unlock/${open.unlockId}/code`, { workstationId: WS, code: open.code });
    expect(late.status).toBe(409);
  });

  it('rule: wrong codes older than a day no longer count', async () => {
    const { request } = await holderWithCard();
    await guess(request, 5);
    await guess(request, 5);
    rig.advance(24 * HOUR + 1000);
    const { last } = await guess(request, 5);
    expect(last.body.message).not.toMatch(/24 hours/);
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved(request))).status).toBe(200);
  });

  it('rule: asking for a new code does not void an unlock whose code was already entered', async () => {
    const { request } = await holderWithCard();
    const first = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect((await rig.call('POST', `/v1/unlock/${first.body.unlockId}/code`, { workstationId: WS, code: await codeFromOutbox(rig.db) })).status).toBe(200);
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved(request))).status).toBe(200);
    const statuses = (
      await rig.db.selectFrom('card_unlocks as u').innerJoin('cards as k', 'k.id', 'u.card_id').select('u.status').where('k.uuid', '=', request.cardUuid).orderBy('u.id').execute()
    ).map((r) => r.status);
    expect(statuses).toEqual(['ready', 'code-sent']);
  });
});

describe('the outbox', () => {
  it('rule: a listener hears each message as it is written, until it unsubscribes; the outbox reads newest first', async () => {
    const heard: OutboxMessage[] = [];
    const stop = onOutboxMessage(rig.service.ctx, (m) => heard.push(m));
    await rig.call('POST', '/v1/unlock/self', await rig.proved((await holderWithCard({ email: 'one@nhs.net' })).request));
    await rig.call('POST', '/v1/unlock/self', await rig.proved((await holderWithCard({ email: 'two@nhs.net' })).request));
    stop();
    await rig.call('POST', '/v1/unlock/self', await rig.proved((await holderWithCard({ email: 'three@nhs.net' })).request));
    expect(heard.map((m) => m.to)).toEqual(['one@nhs.net', 'two@nhs.net']);
    expect((await readOutbox(rig.db, 3)).map((m) => m.to)).toEqual(['three@nhs.net', 'two@nhs.net', 'one@nhs.net']);
  });

  it('rule: a listener that throws does not stop the code being sent', async () => {
    const stop = onOutboxMessage(rig.service.ctx, () => {
      throw new Error('panel gone');
    });
    try {
      expect((await rig.call('POST', '/v1/unlock/self', await rig.proved((await holderWithCard()).request))).status).toBe(200);
    } finally {
      stop();
    }
  });
});

describe('the email domains come from the configuration', () => {
  let custom: UnlockRig;
  let customOrg: number;
  beforeAll(async () => {
    custom = await startUnlockRig({ unlockEmailDomains: ['example.org'], unlockCodesPerHour: 2 });
    customOrg = (await custom.org()).id;
  });
  afterAll(async () => custom.close());

  const requestFor = async (email: string) => {
    const person = await custom.person({ orgId: customOrg, email });
    const card = await custom.card(person.uuid);
    return selfUnlockRequest(card);
  };

  it('rule: an email in a configured domain is eligible; one in a default domain no longer is', async () => {
    const ok = await custom.call('POST', '/v1/unlock/self', await custom.proved(await requestFor('sam@mail.example.org')));
    expect(ok.status).toBe(200);
    expect(ok.body.sentTo).toBe('s•••@mail.example.org');
    const refused = await custom.call('POST', '/v1/unlock/self', await custom.proved(await requestFor('sam@nhs.net')));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/example\.org/);
  });

  it('rule: changing your own email obeys the same configured domains', async () => {
    const me = await custom.sponsor(customOrg, []);
    expect((await custom.call('POST', '/v1/me/contact/challenge', { email: 'me@example.org' }, { token: me.token })).status).toBe(200);
    const refused = await custom.call('POST', '/v1/me/contact/challenge', { email: 'me@nhs.net' }, { token: me.token });
    expect(refused.status).toBe(400);
    expect(refused.body.fields[0].message).toMatch(/example\.org/);
  });

  it('rule: the codes-per-hour limit comes from the configuration', async () => {
    const request = await requestFor('limit@example.org');
    expect((await custom.call('POST', '/v1/unlock/self', await custom.proved(request))).status).toBe(200);
    expect((await custom.call('POST', '/v1/unlock/self', await custom.proved(request))).status).toBe(200);
    expect((await custom.call('POST', '/v1/unlock/self', await custom.proved(request))).status).toBe(429);
  });
});

describe('when the code cannot be sent', () => {
  it('rule: a failing SMS gateway is 503 unavailable, and that unlock can never be used', async () => {
    const failing = await startUnlockRig({
      smsSender: {
        send: async () => {
          throw new Error('gateway down for 07700900123');
        },
      },
    });
    try {
      const person = await failing.person({ orgId: (await failing.org()).id, email: null, mobile: '07700900123' });
      const card = await failing.card(person.uuid);
      const res = await failing.call('POST', '/v1/unlock/self', await failing.proved(selfUnlockRequest(card)));
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('unavailable');
      expect(res.body.message).toMatch(/could not be sent by text message/);
      expect(res.text).not.toContain('07700900123');
      const rows = (await failing.db.selectFrom('card_unlocks').select('status').where('card_id', '=', card.cardId).execute()).map((r) => r.status);
      expect(rows).toEqual(['void']);
      expect((await auditRows(failing.db)).at(-1)).toMatchObject({ action: 'card.unlock-code-not-sent', subject: card.cardUuid });
    } finally {
      await failing.close();
    }
  });

  it('rule: an SMTP server that cannot be reached is 503 unavailable', async () => {
    const failing = await startUnlockRig({ smtpUrl: 'smtp://127.0.0.1:1' });
    try {
      const person = await failing.person({ orgId: (await failing.org()).id, email: 'sam@nhs.net' });
      const card = await failing.card(person.uuid);
      const res = await failing.call('POST', '/v1/unlock/self', await failing.proved(selfUnlockRequest(card)));
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/could not be sent by email/);
      expect(await readOutbox(failing.db, 10)).toEqual([]);
    } finally {
      await failing.close();
    }
  });
});
