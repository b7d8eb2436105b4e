import { describe, expect, it } from 'vitest';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import { ukTimeOnDate } from '../../../../src-service/notify/uk-time.js';
import { lastAudit, selfUnlockRequest, unlockRigPerFile, type UnlockRig } from '../support/unlock-rig.js';

// A contact changed in the last 24 hours gets no self-service unlock codes: whoever changed it
// must not be able to unlock the card with it at once, and the holder has a day to see the
// notice sent to the old one. The unlock page is told why, in words, and until when.

let rig: UnlockRig;
let orgId: number;
unlockRigPerFile((file) => ({ rig, orgId } = file));

const HOUR = 3_600_000;

async function holderWithCard(contact: { email?: string | null; mobile?: string | null }, changedAgo: { email?: number; mobile?: number }) {
  const person = await rig.person({ orgId, ...contact });
  const now = rig.now().getTime();
  await rig.db
    .updateTable('users')
    .set({
      email_changed_at: changedAgo.email === undefined ? null : now - changedAgo.email,
      mobile_changed_at: changedAgo.mobile === undefined ? null : now - changedAgo.mobile,
    })
    .where('id', '=', person.userId)
    .execute();
  const card = await rig.card(person.uuid);
  return { person, card, request: selfUnlockRequest(card), changedAt: now };
}

describe('a contact changed in the last 24 hours receives no security codes', () => {
  it('rule: an email changed an hour ago, the only contact, is refused with the reason and when to try again; no code is sent', async () => {
    const { card, request, changedAt } = await holderWithCard({ email: 'sam@nhs.net', mobile: null }, { email: HOUR });
    const sent = (await readOutbox(rig.db, 1))[0]?.id ?? 0;
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(
      'Your email address was changed less than 24 hours ago, so we cannot send a security code to it. ' +
        `Try again after ${ukTimeOnDate(new Date(changedAt - HOUR + 24 * HOUR))} (UK time), or ask your sponsor or local smartcard administrator to unlock your smartcard.`,
    );
    expect((await readOutbox(rig.db)).filter((m) => m.id > sent)).toEqual([]);
    expect(await lastAudit(rig.db)).toMatchObject({ action: 'card.unlock-refused', subject: card.cardUuid });
    expect(JSON.parse((await lastAudit(rig.db))!.details)).toMatchObject({ reason: 'contact-recently-changed' });
  });

  it('rule: a mobile changed recently, the only contact, is refused naming the mobile number', async () => {
    const { request } = await holderWithCard({ email: null, mobile: '07700900321' }, { mobile: 23 * HOUR });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/^Your mobile number was changed less than 24 hours ago, so we cannot send a security code to it\. Try again after /);
  });

  it('rule: both changed recently: refused naming both, with the earlier time they may be used again', async () => {
    const { request, changedAt } = await holderWithCard({ email: 'sam@nhs.net', mobile: '07700900321' }, { email: 2 * HOUR, mobile: HOUR });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('Your email address and mobile number were changed less than 24 hours ago, so we cannot send a security code to either.');
    expect(res.body.message).toContain(`Try again after ${ukTimeOnDate(new Date(changedAt - 2 * HOUR + 24 * HOUR))}`);
  });

  it('rule: with one contact changed recently the code goes to the other, which is then the only one offered', async () => {
    const { request } = await holderWithCard({ email: 'sam@nhs.net', mobile: '07700900654' }, { email: HOUR });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'sms', sentTo: '•••••••654', otherChannel: null });
    expect((await readOutbox(rig.db, 1))[0]).toMatchObject({ channel: 'sms', to: '07700900654' });

    const asked = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...request, channel: 'email' }));
    expect(asked.status).toBe(409);
    expect(asked.body.message).toBe('Your email address was changed less than 24 hours ago, so we cannot send a security code to it. Ask for the code by text message instead.');
  });

  it('rule: a contact changed more than 24 hours ago receives codes again', async () => {
    const { request } = await holderWithCard({ email: 'sam@nhs.net', mobile: null }, { email: 24 * HOUR + 1000 });
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
    expect(res.status).toBe(200);
    expect(res.body.channel).toBe('email');
  });
});
