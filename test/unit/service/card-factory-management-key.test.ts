import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardStatusError } from '../../../src-main/card/status-words.js';
import { ALG, SLOT } from '../../../src-main/card/piv/piv-constants.js';
import type { ManagementKeyResponder } from '../../../src-main/card/piv/piv-management-key.js';
import { makeCard, type MadeCard } from '../../../src-service/ca/card-factory.js';
import { ManagementKeyExchanges, managementKeyExchangesFor } from '../../../src-service/crypto/management-key-exchanges.js';
import { ServiceError } from '../../../src-service/service-error.js';
import { startService } from '../../../src-service/start-service.js';
import { holder, startServiceRig, withCard, type ServiceRig } from './support/card-login-rig.js';

// Management-key (9B) authentication with the key held only by the service: the agent's
// PivSession relays the card's witness to the service functions and the card's answer back;
// the card then accepts GENERATE. The responder below sees witnesses and challenges, never the key.

let rig: ServiceRig;
let card: MadeCard;
let other: MadeCard;

beforeAll(async () => {
  rig = await startServiceRig();
  const h = holder(rig.db);
  card = makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
  other = makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
});
afterAll(async () => rig.close());

/** The agent's half: relays to the service functions (later these calls become HTTP requests). */
function relayTo(exchanges: ManagementKeyExchanges, cardUuid: string, tamper?: (response: Uint8Array) => Uint8Array): ManagementKeyResponder & { exchangeIds: string[] } {
  const exchangeIds: string[] = [];
  return {
    algorithm: ALG.AES128,
    exchangeIds,
    async answerWitness(encryptedWitness) {
      const answer = exchanges.answerWitness(cardUuid, encryptedWitness);
      exchangeIds.push(answer.exchangeId);
      return { witness: answer.witness, challenge: answer.challenge };
    },
    async checkCardResponse(encryptedChallenge) {
      exchanges.checkCardResponse(exchangeIds.at(-1) as string, tamper ? tamper(encryptedChallenge) : encryptedChallenge);
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
    expect(exchanges.pendingCount).toBe(0);
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

  it('an exchange is one-use and expires after 30 seconds', () => {
    let now = 1_000_000;
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey, now: () => now });
    // Exchanges other tests began (and never finished) are in the same database.
    const before = exchanges.pendingCount;
    const first = exchanges.answerWitness(card.cardUuid, Buffer.alloc(16, 1));
    const second = exchanges.answerWitness(card.cardUuid, Buffer.alloc(16, 2));
    expect(exchanges.pendingCount).toBe(before + 2);
    expect(() => exchanges.checkCardResponse(first.exchangeId, Buffer.alloc(16))).toThrow(/did not prove/);
    expect(() => exchanges.checkCardResponse(first.exchangeId, Buffer.alloc(16))).toThrow(/expired or was already used/);
    now += 30_000;
    expect(() => exchanges.checkCardResponse(second.exchangeId, Buffer.alloc(16))).toThrow(/expired or was already used/);
    expect(exchanges.pendingCount).toBe(before);
  });

  it('pending challenges are bounded: the oldest gives way', () => {
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey }, { maxPending: 3 });
    const ids = Array.from({ length: 5 }, (_, i) => exchanges.answerWitness(card.cardUuid, Buffer.alloc(16, i)).exchangeId);
    expect(exchanges.pendingCount).toBe(3);
    expect(() => exchanges.checkCardResponse(ids[0] as string, Buffer.alloc(16))).toThrow(/expired or was already used/);
  });

  it('rule: no state that matters lives in one process: step 1 on one service instance, step 2 on another, and the exchange is still used once', async () => {
    const second = await startService({ dbFile: rig.service.ctx.config.dbFile });
    try {
      const atFirst = managementKeyExchangesFor(rig.service.ctx);
      const atSecond = managementKeyExchangesFor(second.ctx);
      let exchangeId = '';
      let answered: Uint8Array = Buffer.alloc(0);
      const split: ManagementKeyResponder = {
        algorithm: ALG.AES128,
        async answerWitness(encryptedWitness) {
          const answer = atFirst.answerWitness(card.cardUuid, encryptedWitness);
          exchangeId = answer.exchangeId;
          return { witness: answer.witness, challenge: answer.challenge };
        },
        async checkCardResponse(encryptedChallenge) {
          answered = Buffer.from(encryptedChallenge);
          atSecond.checkCardResponse(exchangeId, encryptedChallenge);
        },
      };
      const publicKey = await withCard(card.state, async (piv) => {
        await piv.authenticateManagementKey(split);
        return piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256);
      });
      expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      // The same answer again, at either instance: already used.
      expect(() => atFirst.checkCardResponse(exchangeId, answered)).toThrow(/expired or was already used/);
      expect(() => atSecond.checkCardResponse(exchangeId, answered)).toThrow(/expired or was already used/);
    } finally {
      await second.close();
    }
  });

  it('refuses unknown cards, revoked cards and witnesses that are not one AES block', () => {
    const exchanges = new ManagementKeyExchanges({ db: rig.db, dataKey: rig.service.ctx.dataKey });
    expect(() => exchanges.answerWitness('00000000-0000-4000-8000-000000000000', Buffer.alloc(16))).toThrow(/was not found/);
    expect(() => exchanges.answerWitness(card.cardUuid, Buffer.alloc(8))).toThrow(/16 bytes/);
    const gone = makeCard(rig.service.ctx, { userUuid: rig.db.prepare('SELECT uuid FROM users LIMIT 1').pluck().get() as string, algorithm: 'p256' });
    rig.db.prepare("UPDATE cards SET status = 'revoked' WHERE id = ?").run(gone.cardId);
    expect(() => exchanges.answerWitness(gone.cardUuid, Buffer.alloc(16))).toThrow(/revoked/);
  });
});
