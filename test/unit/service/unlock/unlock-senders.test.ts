import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import type { TextMessage } from '../../../../src-service/notify/sms.js';
import { lastAudit, selfUnlockRequest, startUnlockRig, type UnlockRig } from '../support/unlock-rig.js';

// Self-service unlock needs a way to send the security code. A service with no mail or SMS
// sender (the embedded one outside training, with no SMTP or Notify configured) keeps no code
// in an outbox: it says self-service unlock is not available at this workstation and points to
// a sponsor or local smartcard administrator. With one channel only, the other is never offered.

describe('a service with no sender', () => {
  let rig: UnlockRig;
  beforeAll(async () => {
    rig = await startUnlockRig({ outbox: false });
  });
  afterAll(async () => rig.close());

  it('rule: without a mail or SMS sender, self-service unlock is not available at this workstation, pointing to a sponsor, and no code is kept', async () => {
    const person = await rig.person({ orgId: (await rig.org()).id, email: 'amara.okafor@nhs.net', mobile: '07700900012' });
    const card = await rig.card(person.uuid);
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(res.body.message).toMatch(/^Self-service unlock is not available at this workstation/);
    expect(res.body.message).toMatch(/Ask your sponsor or local smartcard administrator to unlock your smartcard\./);
    expect(await readOutbox(rig.db)).toEqual([]);
    expect(await rig.db.selectFrom('card_unlocks').select('id').where('card_id', '=', card.cardId).execute()).toEqual([]);
    expect(await lastAudit(rig.db)).toMatchObject({ action: 'card.unlock-refused', subject: card.cardUuid });
    expect(JSON.parse((await lastAudit(rig.db))?.details ?? '{}')).toMatchObject({ reason: 'not-available-here' });
  });
});

describe('a service that can send text messages only', () => {
  let rig: UnlockRig;
  const sent: TextMessage[] = [];
  beforeAll(async () => {
    rig = await startUnlockRig({ outbox: false, smsSender: { send: async (message) => void sent.push(message) } });
  });
  afterAll(async () => rig.close());

  it('rule: the code goes by text, the email is not offered, and asking for email is refused', async () => {
    const person = await rig.person({ orgId: (await rig.org()).id, email: 'sam.jones@nhs.net', mobile: '07700900034' });
    const card = await rig.card(person.uuid);
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'sms', otherChannel: null });
    expect(sent.at(-1)).toMatchObject({ to: '07700900034', fields: { minutes: '15' }, reference: expect.stringMatching(/^unlock-\d+$/) });
    const byEmail = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...selfUnlockRequest(card), channel: 'email' }));
    expect(byEmail.status).toBe(409);
    expect(byEmail.body.message).toBe('Security codes cannot be sent by email from this workstation. Ask for the code by text message instead.');
  });

  it('rule: a holder with an email only is told self-service unlock is not available here, and to ask a sponsor', async () => {
    const person = await rig.person({ orgId: (await rig.org()).id, email: 'kai.lee@nhs.net', mobile: null });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(await rig.card(person.uuid))));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/not available at this workstation for your smartcard: security codes can be sent from here only by text message/);
    expect(res.body.message).toMatch(/There is no mobile number on your profile\. Ask your sponsor or local smartcard administrator/);
  });
});
