import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardStatusError } from '../../../../src-main/card/status-words.js';
import { ALG, SLOT } from '../../../../src-main/card/piv/piv-constants.js';
import type { ManagementKeyResponder } from '../../../../src-main/card/piv/piv-management-key.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { ManagementKeyExchanges, managementKeyExchangesFor } from '../../../../src-service/crypto/management-key-exchanges.js';
import { ServiceError } from '../../../../src-service/service-error.js';
import { startService } from '../../../../src-service/start-service.js';
import { holder, startServiceRig, withCard, type ServiceRig } from '../support/card-login-rig.js';

// Management-key (9B) authentication with the key held only by the service: the agent's
// PivSession relays the card's witness to the service functions and the card's answer back;
// the card then accepts GENERATE. The responder below sees witnesses and challenges, never the key.

let rig: ServiceRig;
let card: MadeCard;
let other: MadeCard;

beforeAll(async () => {
  rig = await startServiceRig();
  const h = await holder(rig.db);
  card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
  other = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
});
afterAll(async () => rig.close());

/** The agent's half: relays to the service functions (later these calls become HTTP requests). */
function relayTo(exchanges: ManagementKeyExchanges, cardUuid: string, tamper?: (response: Uint8Array) => Uint8Array): ManagementKeyResponder & { exchangeIds: string[] } {
  const exchangeIds: string[] = [];
  return {
    algorithm: ALG.AES128,
    exchangeIds,
    async answerWitness(encryptedWitness) {
      const answer = await exchanges.answerWitness(cardUuid, encryptedWitness);
      exchangeIds.push(answer.exchangeId);
      return { witness: answer.witness, challenge: answer.challenge };
    },
    async checkCardResponse(encryptedChallenge) {
      await exchanges.checkCardResponse(exchangeIds.at(-1) as string, tamper ? tamper(encryptedChallenge) : encryptedChallenge);
    },
  };
}

describe('the service-side management key responder', () => {
  it('authenticates a factory card through PivSession, after which GENERATE works', async () => {
    const exchanges = managementKeyExchangesFor(rig.service.ctx);
    const responder = relayTo(exchanges, card.cardUuid);
    const publicKey = await withCard(card.state, async (piv) => {
      await piv.authenticateManagementKey(responder);
      return piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256);
    });
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(responder.exchangeIds).toHaveLength(1);
    expect(await exchanges.pendingCount).toBe(0);
  });

  it('without it the card refuses GENERATE (the check above is not vacuous)', async () => {
    await withCard(card.state, async (piv) => {
      await expect(piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256)).rejects.toBeInstanceOf(CardStatusError);
    });
  });

  it("answering with another card's key fails at the card: it never authenticates", async () => {
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey });
    await withCard(card.state, async (piv) => {
      await expect(piv.authenticateManagementKey(relayTo(exchanges, other.cardUuid))).rejects.toBeInstanceOf(CardStatusError);
      await expect(piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256)).rejects.toBeInstanceOf(CardStatusError);
    });
  });

  it("a card that cannot answer the service's challenge is refused 403 (a card without the key is not trusted)", async () => {
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey });
    const flip = (r: Uint8Array): Uint8Array => Buffer.from(r).map((b, i) => (i === 0 ? b ^ 1 : b));
    await withCard(card.state, async (piv) => {
      const err = await piv.authenticateManagementKey(relayTo(exchanges, card.cardUuid, flip)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).status).toBe(403);
    });
  });

  it('an exchange is one-use and expires after 30 seconds', async () => {
    let now = 1_000_000;
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey, now: () => now });
    // Exchanges other tests began (and never finished) are in the same database.
    const before = await exchanges.pendingCount;
    const first = await exchanges.answerWitness(card.cardUuid, Buffer.alloc(16, 1));
    const second = await exchanges.answerWitness(card.cardUuid, Buffer.alloc(16, 2));
    expect(await exchanges.pendingCount).toBe(before + 2);
    await expect(exchanges.checkCardResponse(first.exchangeId, Buffer.alloc(16))).rejects.toThrow(/did not prove/);
    await expect(exchanges.checkCardResponse(first.exchangeId, Buffer.alloc(16))).rejects.toThrow(/expired or was already used/);
    now += 30_000;
    await expect(exchanges.checkCardResponse(second.exchangeId, Buffer.alloc(16))).rejects.toThrow(/expired or was already used/);
    expect(await exchanges.pendingCount).toBe(before);
  });

  it('pending challenges are bounded: the oldest gives way', async () => {
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey }, { maxPending: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await exchanges.answerWitness(card.cardUuid, Buffer.alloc(16, i))).exchangeId);
    expect(await exchanges.pendingCount).toBe(3);
    await expect(exchanges.checkCardResponse(ids[0] as string, Buffer.alloc(16))).rejects.toThrow(/expired or was already used/);
  });

  it('rule: no state that matters lives in one process: step 1 on one service instance, step 2 on another, and the exchange is still used once', async () => {
    const { dbFile, secretFile } = rig.service.ctx.config;
    const second = await startService({ dbFile, ...(secretFile ? { secretFile } : {}) });
    try {
      const atFirst = managementKeyExchangesFor(rig.service.ctx);
      const atSecond = managementKeyExchangesFor(second.ctx);
      let exchangeId = '';
      let answered: Uint8Array = Buffer.alloc(0);
      const split: ManagementKeyResponder = {
        algorithm: ALG.AES128,
        async answerWitness(encryptedWitness) {
          const answer = await atFirst.answerWitness(card.cardUuid, encryptedWitness);
          exchangeId = answer.exchangeId;
          return { witness: answer.witness, challenge: answer.challenge };
        },
        async checkCardResponse(encryptedChallenge) {
          answered = Buffer.from(encryptedChallenge);
          await atSecond.checkCardResponse(exchangeId, encryptedChallenge);
        },
      };
      const publicKey = await withCard(card.state, async (piv) => {
        await piv.authenticateManagementKey(split);
        return piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256);
      });
      expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      // The same answer again, at either instance: already used.
      await expect(atFirst.checkCardResponse(exchangeId, answered)).rejects.toThrow(/expired or was already used/);
      await expect(atSecond.checkCardResponse(exchangeId, answered)).rejects.toThrow(/expired or was already used/);
    } finally {
      await second.close();
    }
  });

  it('refuses unknown cards, revoked cards and witnesses that are not one AES block', async () => {
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey });
    await expect(exchanges.answerWitness('00000000-0000-4000-8000-000000000000', Buffer.alloc(16))).rejects.toThrow(/was not found/);
    await expect(exchanges.answerWitness(card.cardUuid, Buffer.alloc(8))).rejects.toThrow(/16 bytes/);
    const someone = (await rig.db.selectFrom('users').select('uuid').limit(1).executeTakeFirstOrThrow()).uuid;
    const gone = await makeCard(rig.service.ctx, { userUuid: someone, algorithm: 'p256' });
    await rig.db.updateTable('cards').set({ status: 'revoked' }).where('id', '=', gone.cardId).execute();
    await expect(exchanges.answerWitness(gone.cardUuid, Buffer.alloc(16))).rejects.toThrow(/revoked/);
  });
});
