import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import { holderWithCard as renewalHolder, openSelfRenewal, renewalRigPerFile, type RenewalRig } from '../support/renewal-rig.js';
import { auditRows, codeFromOutbox, selfUnlockRequest, WS, type Reply } from '../support/unlock-rig.js';

// A card's UUID and its certificate are public. Someone who knows only those must not be able
// to void its holder's pending security codes, bar their self-service unlock for a day, cancel
// a renewal in progress, or learn anything about the card: the card proves itself first
// (POST /v1/card-proof/witness, then `cardProof`), and every card that has not gets the same answers.

let rig: RenewalRig;
let orgId: number;
renewalRigPerFile((file) => ({ rig, orgId } = file));

const holder = async () => await renewalHolder(rig, { orgId, given: 'Ines', days: 60 });
const setStatus = async (card: MadeCard, status: 'locked' | 'revoked'): Promise<void> => {
  await rig.db.updateTable('cards').set({ status }).where('id', '=', card.cardId).execute();
};
const lock = (card: MadeCard): Promise<void> => setStatus(card, 'locked');
const count = async (table: 'card_unlocks' | 'outbox'): Promise<number> =>
  Number((await rig.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/** What someone holding only the UUID and certificate can send: a proof made up without the card's key. */
async function withoutTheCard<T extends { workstationId: string; cardUuid: string }>(body: T): Promise<{ witness: Reply; body: T & { cardProof: { exchangeId: string; cardResponse: string } } }> {
  const witness = await rig.call('POST', '/v1/card-proof/witness', { workstationId: body.workstationId, cardUuid: body.cardUuid, witness: randomBytes(16).toString('base64') });
  const exchangeId = witness.body?.exchangeId ?? randomBytes(16).toString('base64url');
  return { witness, body: { ...body, cardProof: { exchangeId, cardResponse: randomBytes(16).toString('base64') } } };
}

/** Rows that record what was done for or to cards, and the audit log. */
const footprint = async () => ({
  unlocks: await count('card_unlocks'),
  renewals: (await rig.db.selectFrom('card_renewals').select('id').where('status', '<>', 'void').execute()).length,
  barred: (await rig.db.selectFrom('cards').select('id').where('self_unlock_barred_until', 'is not', null).execute()).length,
  audit: (await auditRows(rig.db)).length,
  outbox: await count('outbox'),
});

describe("a card's UUID and certificate alone get nothing done and tell nothing", () => {
  it("rule: with only a card's UUID and certificate nobody can void its holder's pending security code", async () => {
    const { card } = await holder();
    await lock(card);
    const sent = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)));
    expect(sent.status).toBe(200);
    const code = await codeFromOutbox(rig.db);
    const before = await footprint();

    // Asking again without the card's proof: refused, whether the proof is missing or made up.
    const { body } = await withoutTheCard(selfUnlockRequest(card));
    const { cardProof: _dropped, ...noProof } = body;
    expect((await rig.call('POST', '/v1/unlock/self', noProof)).status).toBe(400);
    const refused = await rig.call('POST', '/v1/unlock/self', body);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/did not prove itself/);
    expect(await footprint()).toEqual(before);

    // The holder's code still works.
    const entered = await rig.call('POST', `/v1/unlock/${sent.body.unlockId}/code`, { workstationId: WS, code });
    expect(entered.status).toBe(200);
  });

  it("rule: with only a card's UUID and certificate nobody can bar its self-service unlock: no unlock to guess codes against is opened", async () => {
    const { card } = await holder();
    await lock(card);
    const before = await footprint();
    for (let i = 0; i < 20; i++) {
      const { body } = await withoutTheCard(selfUnlockRequest(card));
      const refused = await rig.call('POST', '/v1/unlock/self', body);
      expect(refused.status).toBe(403);
      expect(refused.body.unlockId).toBeUndefined();
    }
    expect(await footprint()).toEqual(before);
    // The holder, with the card, is sent a code as usual.
    expect((await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)))).status).toBe(200);
  });

  it("rule: with only a card's UUID nobody can cancel its renewal in progress", async () => {
    const { holder: person, card } = await holder();
    await openSelfRenewal(rig, person, card);
    const open = (): Promise<unknown[]> => rig.db.selectFrom('card_renewals').select(['id', 'status']).where('card_id', '=', card.cardId).where('status', '<>', 'void').execute();
    const renewals = await open();
    expect(renewals).toHaveLength(1);
    const before = await footprint();

    const { body } = await withoutTheCard({ workstationId: WS, cardUuid: card.cardUuid });
    const refused = await rig.call('POST', '/v1/renewals/recover', body);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/did not prove itself/);
    expect(await open()).toEqual(renewals);
    expect(await footprint()).toEqual(before);
  });

  it("rule: without the card's proof nobody learns a card's status: locked, active, revoked, barred or unknown get the same answers", async () => {
    const active = (await holder()).card;
    const locked = (await holder()).card;
    await lock(locked);
    const revoked = (await holder()).card;
    await setStatus(revoked, 'revoked');
    const barred = (await holder()).card;
    await lock(barred);
    await rig.db.updateTable('cards').set({ self_unlock_barred_until: rig.now().getTime() + 3_600_000 }).where('id', '=', barred.cardId).execute();
    const renewing = await renewalHolder(rig, { orgId, given: 'Ren', days: 60 });
    await openSelfRenewal(rig, renewing.holder, renewing.card);
    const unknown = { ...selfUnlockRequest(active), cardUuid: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };

    const answers: string[] = [];
    for (const request of [selfUnlockRequest(active), selfUnlockRequest(locked), selfUnlockRequest(revoked), selfUnlockRequest(barred), selfUnlockRequest(renewing.card), unknown]) {
      const { witness, body } = await withoutTheCard(request);
      // Step 1 answers every card in the same form.
      expect(witness.status).toBe(200);
      expect(Object.keys(witness.body).sort()).toEqual(['challenge', 'exchangeId', 'witness']);
      expect(Buffer.from(witness.body.witness, 'base64')).toHaveLength(16);
      const unlock = await rig.call('POST', '/v1/unlock/self', body);
      const recover = await rig.call('POST', '/v1/renewals/recover', (await withoutTheCard({ workstationId: WS, cardUuid: request.cardUuid })).body);
      answers.push(JSON.stringify([unlock.status, unlock.body, recover.status, recover.body]));
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0] as string)[0]).toBe(403);
  });

  it('rule: a card that has proved itself is told why nothing can be done for it (a revoked card)', async () => {
    const { card } = await holder();
    await setStatus(card, 'revoked');
    const res = await rig.call('POST', '/v1/unlock/self', await rig.proved(selfUnlockRequest(card)));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/has been revoked/);
  });

  it("rule: one card's proof does not speak for another card", async () => {
    const a = (await holder()).card;
    const b = (await holder()).card;
    await lock(b);
    const proofOfA = await rig.proved(selfUnlockRequest(a));
    const before = await footprint();
    const res = await rig.call('POST', '/v1/unlock/self', { ...selfUnlockRequest(b), cardProof: proofOfA.cardProof });
    expect(res.status).toBe(403);
    expect(await footprint()).toEqual(before);
  });
});
