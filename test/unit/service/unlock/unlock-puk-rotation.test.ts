import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PukReleaseResponse } from '../../../../src-shared/api/service-unlock.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import {
  auditRows,
  cardEncrypt,
  certificateOf,
  codeFromOutbox,
  OTHER_WS,
  sealedPuks,
  selfUnlockRequest,
  startUnlockRig,
  witnessAndRelease,
  WS,
  type Sponsor,
  type UnlockRig,
} from '../support/unlock-rig.js';

// The card steps of every unlock: the card proves itself (management-key challenge relayed
// through the service), the service releases the current PUK and the one to replace it, and
// the agent's commit makes the new one current (two-phase rotation, service-unlock.ts).

let rig: UnlockRig;
let orgId: number;
let sponsor: Sponsor;
beforeAll(async () => {
  rig = await startUnlockRig();
  orgId = (await rig.org()).id;
  sponsor = await rig.sponsor(orgId, ['LSA']);
});
afterAll(async () => rig.close());

async function lockedCard(): Promise<{ card: MadeCard; holderUuid: string }> {
  const holder = await rig.person({ orgId, email: 'holder@nhs.net' });
  const card = await rig.card(holder.uuid);
  return { card, holderUuid: holder.uuid };
}

async function sponsorUnlock(card: MadeCard): Promise<string> {
  const res = await rig.call('POST', '/v1/card-service/unlock', { cardUuid: card.cardUuid, certificate: certificateOf(card) }, { token: sponsor.token });
  expect(res.status).toBe(200);
  return res.body.unlockId;
}

const commit = (unlockId: string, workstationId = WS) => rig.call('POST', `/v1/unlock/${unlockId}/commit`, { workstationId });
const unlockStatus = async (card: MadeCard): Promise<string[]> =>
  (await rig.db.selectFrom('card_unlocks').select('status').where('card_id', '=', card.cardId).orderBy('id').execute()).map((r) => r.status);
const cardStatus = async (card: MadeCard): Promise<string> =>
  (await rig.db.selectFrom('cards').select('status').where('id', '=', card.cardId).executeTakeFirstOrThrow()).status;
const lock = async (card: MadeCard): Promise<void> => {
  await rig.db.updateTable('cards').set({ status: 'locked' }).where('id', '=', card.cardId).execute();
};

describe('release and commit', () => {
  it('rule: release hands out the current PUK and a new one; commit makes the new one current and the locked card active', async () => {
    const { card, holderUuid } = await lockedCard();
    await lock(card);
    const before = await sealedPuks(rig, card);
    const unlockId = await sponsorUnlock(card);
    const { witness, release } = await witnessAndRelease(rig, unlockId, card);
    expect(witness.status).toBe(200);
    expect(release.status).toBe(200);
    const released = PukReleaseResponse.parse(release.body);
    expect(released.puk).toBe(before.puk);
    expect(released.nextPuk).not.toBe(released.puk);
    expect(released.rotationPending).toBe(false);
    expect(await sealedPuks(rig, card)).toEqual({ puk: before.puk, pending: released.nextPuk });
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.puk-released', actor: sponsor.uuid, subject: card.cardUuid });

    const done = await commit(unlockId);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ unlocked: true });
    expect(await sealedPuks(rig, card)).toEqual({ puk: released.nextPuk, pending: null });
    expect(await cardStatus(card)).toBe('active');
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.unlocked', actor: sponsor.uuid, subject: card.cardUuid, workstation_id: WS });
    expect(JSON.parse(entry.details)).toEqual({ kind: 'sponsor', holderUuid, cardUuid: card.cardUuid, sponsorUuid: sponsor.uuid, workstationId: WS });
  });

  it('rule: commit said twice answers the same and is recorded once', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    await witnessAndRelease(rig, unlockId, card);
    expect((await commit(unlockId)).status).toBe(200);
    const puks = await sealedPuks(rig, card);
    const again = await commit(unlockId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ unlocked: true });
    expect(await sealedPuks(rig, card)).toEqual(puks);
    expect((await auditRows(rig.db)).filter((r) => r.action === 'card.unlocked' && r.subject === card.cardUuid)).toHaveLength(1);
  });

  it('rule: one card answer sent twice at the same moment releases the PUKs once', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    const witness = await rig.call('POST', `/v1/unlock/${unlockId}/card-witness`, { workstationId: WS, witness: cardEncrypt(card, randomBytes(16)).toString('base64') });
    expect(witness.status).toBe(200);
    const cardResponse = cardEncrypt(card, Buffer.from(witness.body.challenge, 'base64')).toString('base64');
    const body = { workstationId: WS, exchangeId: witness.body.exchangeId, cardResponse };
    const answers = await Promise.all([0, 1].map(() => rig.call('POST', `/v1/unlock/${unlockId}/release`, body)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 403]);
    const released = (await auditRows(rig.db)).filter((r) => r.action === 'card.puk-released' && r.subject === card.cardUuid);
    expect(released).toHaveLength(1);
    expect((await rig.db.selectFrom('card_unlocks').select('releases').where('card_id', '=', card.cardId).executeTakeFirstOrThrow()).releases).toBe(1);
  });

  it('rule: a release without a commit leaves the rotation pending: the next release hands out the same new PUK and says so; its commit makes it current', async () => {
    const { card } = await lockedCard();
    const original = (await sealedPuks(rig, card)).puk;
    const first = await sponsorUnlock(card);
    const r1 = PukReleaseResponse.parse((await witnessAndRelease(rig, first, card)).release.body);
    // The agent was killed here: no commit. A new unlock of the same card:
    const second = await sponsorUnlock(card);
    const r2 = PukReleaseResponse.parse((await witnessAndRelease(rig, second, card)).release.body);
    expect(r2).toEqual({ puk: original, nextPuk: r1.nextPuk, rotationPending: true });
    // Only the newest release may commit.
    expect((await commit(first)).status).toBe(409);
    expect((await commit(second)).status).toBe(200);
    expect(await sealedPuks(rig, card)).toEqual({ puk: r1.nextPuk, pending: null });
    // And the rotation after that starts from the committed PUK.
    const third = await sponsorUnlock(card);
    const r3 = PukReleaseResponse.parse((await witnessAndRelease(rig, third, card)).release.body);
    expect(r3.puk).toBe(r1.nextPuk);
    expect(r3.nextPuk).not.toBe(r1.nextPuk);
    expect(r3.rotationPending).toBe(false);
    expect(await unlockStatus(card)).toEqual(['void', 'committed', 'released']);
  });

  it('rule: pukOnly (the card refused the current PUK with a rotation pending) makes the pending PUK current at once, audited; the unlock’s commit after the reset then completes it', async () => {
    const { card } = await lockedCard();
    await lock(card);
    const cut = await sponsorUnlock(card);
    const r1 = PukReleaseResponse.parse((await witnessAndRelease(rig, cut, card)).release.body);
    // Cut short after the card took r1.nextPuk; then the reconciling unlock:
    const unlockId = await sponsorUnlock(card);
    const r2 = PukReleaseResponse.parse((await witnessAndRelease(rig, unlockId, card)).release.body);
    expect(r2.rotationPending).toBe(true);
    const reconciled = await rig.call('POST', `/v1/unlock/${unlockId}/commit`, { workstationId: WS, pukOnly: true });
    expect(reconciled.status).toBe(200);
    expect(reconciled.body).toEqual({ pukReconciled: true });
    expect(await sealedPuks(rig, card)).toEqual({ puk: r1.nextPuk, pending: null });
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.puk-reconciled', actor: sponsor.uuid, subject: card.cardUuid });
    // Said again: the same answer, nothing more recorded. The card is not usable yet.
    expect((await rig.call('POST', `/v1/unlock/${unlockId}/commit`, { workstationId: WS, pukOnly: true })).body).toEqual({ pukReconciled: true });
    expect((await auditRows(rig.db)).filter((r) => r.action === 'card.puk-reconciled' && r.subject === card.cardUuid)).toHaveLength(1);
    expect(await cardStatus(card)).toBe('locked');

    const done = await commit(unlockId);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ unlocked: true });
    expect(await sealedPuks(rig, card)).toEqual({ puk: r1.nextPuk, pending: null });
    expect(await cardStatus(card)).toBe('active');
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.unlocked', subject: card.cardUuid });
  });

  it('rule: after pukOnly, the next release hands out the reconciled PUK as current with a fresh pending one, rotation not pending', async () => {
    const { card } = await lockedCard();
    const cut = await sponsorUnlock(card);
    const r1 = PukReleaseResponse.parse((await witnessAndRelease(rig, cut, card)).release.body);
    const reconciling = await sponsorUnlock(card);
    await witnessAndRelease(rig, reconciling, card);
    expect((await rig.call('POST', `/v1/unlock/${reconciling}/commit`, { workstationId: WS, pukOnly: true })).status).toBe(200);
    // The card was pulled before the reset with that PUK: a new unlock.
    const next = await sponsorUnlock(card);
    const r3 = PukReleaseResponse.parse((await witnessAndRelease(rig, next, card)).release.body);
    expect(r3.puk).toBe(r1.nextPuk);
    expect(r3.nextPuk).not.toBe(r1.nextPuk);
    expect(r3.rotationPending).toBe(false);
    // The cut-short unlock was voided by that release: it can no longer commit.
    expect((await commit(reconciling)).status).toBe(409);
    expect((await commit(next)).status).toBe(200);
    expect(await sealedPuks(rig, card)).toEqual({ puk: r3.nextPuk, pending: null });
  });

  it('rule: pukOnly without a pending rotation is refused (409) and changes nothing', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    expect((await rig.call('POST', `/v1/unlock/${unlockId}/commit`, { workstationId: WS, pukOnly: true })).status).toBe(409);
    await witnessAndRelease(rig, unlockId, card);
    await rig.db.updateTable('cards').set({ puk_pending_sealed: null }).where('id', '=', card.cardId).execute();
    const before = await sealedPuks(rig, card);
    expect((await rig.call('POST', `/v1/unlock/${unlockId}/commit`, { workstationId: WS, pukOnly: true })).status).toBe(409);
    expect(await sealedPuks(rig, card)).toEqual(before);
  });

  it('rule: a self-service unlock ends the same way, audited with the holder as actor and no sponsor', async () => {
    const { card, holderUuid } = await lockedCard();
    const sent = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)));
    const unlockId = sent.body.unlockId;
    expect((await rig.call('POST', `/v1/unlock/${unlockId}/code`, { workstationId: WS, code: await codeFromOutbox(rig.db) })).status).toBe(200);
    const { release } = await witnessAndRelease(rig, unlockId, card);
    expect(release.status).toBe(200);
    expect((await commit(unlockId)).status).toBe(200);
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.unlocked', actor: holderUuid, workstation_id: WS });
    expect(JSON.parse(entry.details)).toEqual({ kind: 'self', holderUuid, cardUuid: card.cardUuid, sponsorUuid: null, workstationId: WS });
  });
});

describe('the steps in order, on one workstation, by the card itself', () => {
  it('rule: before the security code is entered the card steps are refused (409)', async () => {
    const { card } = await lockedCard();
    const sent = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)));
    const { witness } = await witnessAndRelease(rig, sent.body.unlockId, card);
    expect(witness.status).toBe(409);
    expect(witness.body.message).toMatch(/Enter the security code first/);
  });

  it('rule: commit before release is refused (409)', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    const res = await commit(unlockId);
    expect(res.status).toBe(409);
    expect((await sealedPuks(rig, card)).pending).toBeNull();
  });

  it('rule: a released unlock may release again after a fresh card proof (the same PUKs, rotation pending), three more times at most; once committed, never', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    const first = PukReleaseResponse.parse((await witnessAndRelease(rig, unlockId, card)).release.body);
    for (let i = 0; i < 3; i++) {
      const again = await witnessAndRelease(rig, unlockId, card);
      expect(again.release.status).toBe(200);
      expect(PukReleaseResponse.parse(again.release.body)).toEqual({ puk: first.puk, nextPuk: first.nextPuk, rotationPending: true });
    }
    expect(JSON.parse((await auditRows(rig.db)).at(-1)!.details)).toMatchObject({ release: 4, rotationPending: true });
    const fifth = await witnessAndRelease(rig, unlockId, card);
    expect(fifth.witness.status).toBe(409);
    expect(fifth.witness.body.message).toMatch(/Start again/);
    expect((await commit(unlockId)).status).toBe(200);
    expect((await witnessAndRelease(rig, unlockId, card)).witness.status).toBe(409);
    expect(await sealedPuks(rig, card)).toEqual({ puk: first.nextPuk, pending: null });
  });

  it('rule: one witness exchange at a time per unlock (429 while it waits); the release must present the exchange made for this unlock', async () => {
    const { card } = await lockedCard();
    const other = (await lockedCard()).card;
    const unlockId = await sponsorUnlock(card);
    const otherUnlock = await sponsorUnlock(other);
    const witness = (id: string, c: MadeCard) => rig.call('POST', `/v1/unlock/${id}/card-witness`, { workstationId: WS, witness: cardEncrypt(c, randomBytes(16)).toString('base64') });
    const w1 = await witness(unlockId, card);
    expect(w1.status).toBe(200);
    const w2 = await witness(unlockId, card);
    expect(w2.status).toBe(429);
    expect(w2.body.message).toMatch(/already being checked/);
    expect(JSON.parse((await auditRows(rig.db)).at(-1)!.details)).toMatchObject({ reason: 'witness-outstanding' });

    // An exchange opened for another unlock (of another card) does not release this one's PUKs,
    // even though that card answers its own challenge rightly.
    const wOther = await witness(otherUnlock, other);
    const otherAnswer = cardEncrypt(other, Buffer.from(wOther.body.challenge, 'base64')).toString('base64');
    const crossed = await rig.call('POST', `/v1/unlock/${unlockId}/release`, { workstationId: WS, exchangeId: wOther.body.exchangeId, cardResponse: otherAnswer });
    expect(crossed.status).toBe(403);
    expect((await sealedPuks(rig, card)).pending).toBeNull();
    // Nor does this unlock's exchange serve the other unlock.
    const answer = cardEncrypt(card, Buffer.from(w1.body.challenge, 'base64')).toString('base64');
    expect((await rig.call('POST', `/v1/unlock/${otherUnlock}/release`, { workstationId: WS, exchangeId: w1.body.exchangeId, cardResponse: answer })).status).toBe(403);
    // Its own exchange releases this unlock's; the exchange is then spent, and a new witness may start.
    const own = await rig.call('POST', `/v1/unlock/${unlockId}/release`, { workstationId: WS, exchangeId: w1.body.exchangeId, cardResponse: answer });
    expect(own.status).toBe(200);
    expect((await witness(unlockId, card)).status).toBe(200);
  });

  it('rule: an unanswered witness stops blocking the next one once its exchange has expired (30 s)', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    const witness = () => rig.call('POST', `/v1/unlock/${unlockId}/card-witness`, { workstationId: WS, witness: cardEncrypt(card, randomBytes(16)).toString('base64') });
    expect((await witness()).status).toBe(200);
    rig.advance(31_000);
    expect((await witness()).status).toBe(200);
  });

  it('rule: each step on another workstation is 404 "start again"', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    const elsewhere = await witnessAndRelease(rig, unlockId, card, OTHER_WS);
    expect(elsewhere.witness.status).toBe(404);
    expect(elsewhere.witness.body.message).toMatch(/Start again/);
    const { witness } = await witnessAndRelease(rig, unlockId, card);
    expect(witness.status).toBe(200);
    expect((await commit(unlockId, OTHER_WS)).status).toBe(404);
  });

  it('rule: a release on another workstation is 404 and hands out nothing', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    const plain = randomBytes(16);
    const w = await rig.call('POST', `/v1/unlock/${unlockId}/card-witness`, { workstationId: WS, witness: cardEncrypt(card, plain).toString('base64') });
    const cardResponse = cardEncrypt(card, Buffer.from(w.body.challenge, 'base64')).toString('base64');
    const res = await rig.call('POST', `/v1/unlock/${unlockId}/release`, { workstationId: OTHER_WS, exchangeId: w.body.exchangeId, cardResponse });
    expect(res.status).toBe(404);
    expect((await sealedPuks(rig, card)).pending).toBeNull();
  });

  it('rule: a wrong answer to the challenge is refused (403) and releases nothing', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    const w = await rig.call('POST', `/v1/unlock/${unlockId}/card-witness`, { workstationId: WS, witness: cardEncrypt(card, randomBytes(16)).toString('base64') });
    const res = await rig.call('POST', `/v1/unlock/${unlockId}/release`, { workstationId: WS, exchangeId: w.body.exchangeId, cardResponse: randomBytes(16).toString('base64') });
    expect(res.status).toBe(403);
    expect(res.text).not.toMatch(/\d{8}/);
    expect((await sealedPuks(rig, card)).pending).toBeNull();
    expect(await unlockStatus(card)).toEqual(['ready']);
  });

  it("rule: another card's proof does not release this card's PUK (403)", async () => {
    const a = (await lockedCard()).card;
    const b = (await lockedCard()).card;
    const unlockA = await sponsorUnlock(a);
    const unlockB = await sponsorUnlock(b);
    const wB = await rig.call('POST', `/v1/unlock/${unlockB}/card-witness`, { workstationId: WS, witness: cardEncrypt(b, randomBytes(16)).toString('base64') });
    const cardResponse = cardEncrypt(b, Buffer.from(wB.body.challenge, 'base64')).toString('base64');
    const res = await rig.call('POST', `/v1/unlock/${unlockA}/release`, { workstationId: WS, exchangeId: wB.body.exchangeId, cardResponse });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/not the one being unlocked/);
    expect((await sealedPuks(rig, a)).pending).toBeNull();
  });

  it('rule: a card revoked after the unlock started is refused at the card step (409)', async () => {
    const { card } = await lockedCard();
    const unlockId = await sponsorUnlock(card);
    await revokeCard(rig.service.ctx, { cardUuid: card.cardUuid, reason: 'stolen', actor: 'system' });
    const { witness } = await witnessAndRelease(rig, unlockId, card);
    expect(witness.status).toBe(409);
    expect(witness.body.message).toMatch(/revoked/);
  });
});
