import { describe, expect, it } from 'vitest';
import { auditRows, certificateOf, codeFromOutbox, OTHER_WS, selfUnlockRequest, unlockRigPerFile, WS, type UnlockRig } from '../support/unlock-rig.js';

// POST /v1/unlock/{unlockId}/code: the security code is valid 15 minutes, works once, and
// allows five tries (domain.md, "Self-service unlock"; SECURITY_CODE_MAX_TRIES).

let rig: UnlockRig;
let orgId: number;
unlockRigPerFile((file) => ({ rig, orgId } = file));

/** A fresh card with a code sent: its unlock id, the code, and a wrong code. */
async function codeSent(): Promise<{ unlockId: string; code: string; wrong: string; cardUuid: string }> {
  const person = await rig.person({ orgId, email: 'sam@nhs.net' });
  const card = await rig.card(person.uuid);
  const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)));
  expect(res.status).toBe(200);
  const code = await codeFromOutbox(rig.db);
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  return { unlockId: res.body.unlockId, code, wrong, cardUuid: card.cardUuid };
}

const enter = (unlockId: string, code: unknown, workstationId = WS) => rig.call('POST', `/v1/unlock/${unlockId}/code`, { workstationId, code });
/** The newest unlock of the card `cardUuid`. */
const newestUnlock = (cardUuid: string) =>
  rig.db
    .selectFrom('card_unlocks as u')
    .innerJoin('cards as k', 'k.id', 'u.card_id')
    .select(['u.code_tries', 'u.status'])
    .where('k.uuid', '=', cardUuid)
    .orderBy('u.id', 'desc')
    .executeTakeFirstOrThrow();
const triesSpent = async (cardUuid: string): Promise<number> => (await newestUnlock(cardUuid)).code_tries;

describe('the security code', () => {
  it('rule: the right code is accepted once, and the unlock is ready for the card', async () => {
    const s = await codeSent();
    const res = await enter(s.unlockId, s.code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: true });
    expect((await newestUnlock(s.cardUuid)).status).toBe('ready');
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.unlock-code-accepted', subject: s.cardUuid });
  });

  it('rule: a code already used is refused (409)', async () => {
    const s = await codeSent();
    expect((await enter(s.unlockId, s.code)).status).toBe(200);
    const again = await enter(s.unlockId, s.code);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already been used/);
  });

  it('rule: a code is valid 15 minutes: at 15 minutes it has expired (409), and the holder is told to ask for a new one', async () => {
    const s = await codeSent();
    rig.advance(14 * 60_000);
    const early = await codeSent();
    rig.advance(60_000 + 50);
    const res = await enter(s.unlockId, s.code);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/has expired\. Ask for a new one/);
    // The one sent a minute later still works.
    expect((await enter(early.unlockId, early.code)).status).toBe(200);
  });

  it('rule: a wrong code spends a try (403 forbidden, saying how many are left)', async () => {
    const s = await codeSent();
    const res = await enter(s.unlockId, s.wrong);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(res.body.message).toMatch(/You have 4 tries left/);
    expect(await triesSpent(s.cardUuid)).toBe(1);
    expect((await enter(s.unlockId, s.code)).status).toBe(200);
  });

  it('rule: after 5 wrong codes the code can no longer be used, even the right one', async () => {
    const s = await codeSent();
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await enter(s.unlockId, s.wrong);
      expect(res.status).toBe(403);
      messages.push(res.body.message);
    }
    expect(messages[3]).toMatch(/You have 1 try left/);
    expect(messages[4]).toMatch(/can no longer be used/);
    const right = await enter(s.unlockId, s.code);
    expect(right.status).toBe(409);
    expect(right.body.message).toMatch(/wrongly 5 times/);
    expect(await triesSpent(s.cardUuid)).toBe(5);
  });

  it('rule: wrong codes entered at the same moment each spend a try: never more than 5 are tried', async () => {
    const s = await codeSent();
    const answers = await Promise.all(Array.from({ length: 8 }, () => enter(s.unlockId, s.wrong)));
    expect(answers.map((a) => a.status).sort()).toEqual([403, 403, 403, 403, 403, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => /wrongly 5 times/.test(a.body.message))).toBe(true);
    expect(await triesSpent(s.cardUuid)).toBe(5);
    expect((await enter(s.unlockId, s.code)).status).toBe(409);
  });

  it.each([
    ['letters', '12a456'],
    ['five digits', '12345'],
    ['seven digits', '1234567'],
    ['a number, not text', 123456],
    ['spaces', '123 456'],
  ])('rule: a code that is not six digits (%s) is 400 and spends no try', async (_what, code) => {
    const s = await codeSent();
    const res = await enter(s.unlockId, code);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad-request');
    expect(await triesSpent(s.cardUuid)).toBe(0);
    expect((await enter(s.unlockId, s.code)).status).toBe(200);
  });

  it('rule: the code is entered on the workstation that asked for it; elsewhere the unlock is not found (404)', async () => {
    const s = await codeSent();
    const res = await enter(s.unlockId, s.code, OTHER_WS);
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/Start again/);
    expect(await triesSpent(s.cardUuid)).toBe(0);
    expect((await enter(s.unlockId, s.code)).status).toBe(200);
  });

  it('rule: an unknown unlock id is 404 "start again"', async () => {
    const res = await enter('bm90LWFuLXVubG9jay1pZC1hdC1hbGwtcmVhbGx5', '123456');
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/Start again/);
  });

  it("rule: a sponsor's unlock takes no code (404)", async () => {
    const sponsor = await rig.sponsor(orgId, ['S']);
    const holder = await rig.person({ orgId });
    const card = await rig.card(holder.uuid);
    const started = await rig.call('POST', '/v1/card-service/unlock', { cardUuid: card.cardUuid, certificate: certificateOf(card) }, { token: sponsor.token });
    expect(started.status).toBe(200);
    expect((await enter(started.body.unlockId, '123456')).status).toBe(404);
  });

  it('rule: refused codes are audited with the reason and tries left, never the code', async () => {
    const s = await codeSent();
    await enter(s.unlockId, s.wrong);
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.unlock-code-refused', subject: s.cardUuid, workstation_id: WS });
    expect(JSON.parse(entry.details)).toMatchObject({ reason: 'code-wrong', triesLeft: 4 });
    expect(entry.details).not.toContain(s.wrong);
    expect(entry.details).not.toContain(s.code);
  });
});
