import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ServiceError, badRequest, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { pruneDue } from '../store/prune-due.js';
import { MANAGEMENT_KEY_ALGORITHM, readCardSecret } from './card-secrets.js';

// The service half of PIV management-key (9B) mutual authentication, so the key never leaves the
// service: the agent relays the card's encrypted witness here; the service decrypts it and adds
// a fresh challenge (step 1); the agent relays the card's encryption of that challenge back and
// the service checks it (step 2). Pending challenges are kept in the database, briefly, one use
// each, so the two steps may reach different service instances on one database.

const BLOCK = 16;
const DEFAULT_TTL_MS = 30_000;
const DEFAULT_MAX_PENDING = 10_000;

export interface WitnessAnswer {
  /** Names this exchange in step 2; random, single use. */
  readonly exchangeId: string;
  /** The card's decrypted witness, to send back to the card. */
  readonly witness: Buffer;
  /** The service's challenge for the card. */
  readonly challenge: Buffer;
}

/**
 * Where the key of the card named `cardUuid` comes from, opened (the exchange wipes it after
 * use); undefined when there is none. By default the registered card's (the cards row); a card
 * being issued has its key in its card operation until it is registered.
 */
export type ManagementKeySource = (cardUuid: string) => Promise<Buffer | undefined>;

const exchangeHash = (exchangeId: string): Buffer => createHash('sha256').update(exchangeId, 'utf8').digest();

function aes128Ecb(key: Buffer, data: Uint8Array, direction: 'encrypt' | 'decrypt'): Buffer {
  const cipher = direction === 'encrypt' ? createCipheriv('aes-128-ecb', key, null) : createDecipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

export class ManagementKeyExchanges {
  constructor(
    private readonly deps: { readonly db: Db; readonly dataKey: Buffer; readonly now?: () => number },
    private readonly options: { readonly ttlMs?: number; readonly maxPending?: number } = {},
  ) {}

  /** Exchanges waiting for their step 2 (not used, not expired), whichever instance began them. */
  get pendingCount(): Promise<number> {
    return this.deps.db
      .selectFrom('management_key_exchanges')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('expires_at', '>', this.now())
      .executeTakeFirstOrThrow()
      .then((row) => Number(row.count));
  }

  /**
   * Step 1: decrypts the card's witness with the card's key (from `keySource`, else the
   * registered card's: see registeredCardKey) and makes a challenge.
   */
  async answerWitness(cardUuid: string, encryptedWitness: Uint8Array, options: { proofOnly?: boolean; keySource?: ManagementKeySource } = {}): Promise<WitnessAnswer> {
    if (encryptedWitness.length !== BLOCK) throw badRequest('The card witness must be one AES block (16 bytes).');
    const now = this.now();
    if (pruneDue(this.deps.db, 'management_key_exchanges', now)) await this.deps.db.deleteFrom('management_key_exchanges').where('expires_at', '<=', now).execute();
    const key = await (options.keySource ?? ((uuid: string) => this.registeredCardKey(uuid, options.proofOnly === true)))(cardUuid);
    if (!key) throw notFound('That smartcard');
    try {
      const witness = aes128Ecb(key, encryptedWitness, 'decrypt');
      const challenge = randomBytes(BLOCK);
      const exchangeId = randomBytes(16).toString('base64url');
      await inTransaction(this.deps.db, async (trx) => {
        await trx
          .insertInto('management_key_exchanges')
          .values({ exchange_hash: exchangeHash(exchangeId), card_uuid: cardUuid, challenge, expires_at: now + (this.options.ttlMs ?? DEFAULT_TTL_MS) })
          .execute();
        // Bounded: the oldest pending exchanges give way (they then fail cleanly at step 2). The
        // newest one past the bound is found first; it and every older one go.
        const firstOver = await trx
          .selectFrom('management_key_exchanges')
          .select('id')
          .orderBy('id', 'desc')
          .limit(1)
          .offset(this.options.maxPending ?? DEFAULT_MAX_PENDING)
          .executeTakeFirst();
        if (firstOver) await trx.deleteFrom('management_key_exchanges').where('id', '<=', firstOver.id).execute();
      });
      return { exchangeId, witness, challenge };
    } finally {
      key.fill(0);
    }
  }

  /**
   * The registered card's key, for changing the card: a card that cannot be changed (revoked,
   * cancelled) is refused, unless `proofOnly`: it is only proving itself, so that it can be told
   * why nothing can be done for it.
   */
  private async registeredCardKey(cardUuid: string, proofOnly: boolean): Promise<Buffer | undefined> {
    const secret = await readCardSecret(this.deps.db, this.deps.dataKey, cardUuid, 'management-key');
    if (!secret) return undefined;
    if (secret.managementKeyAlgorithm !== MANAGEMENT_KEY_ALGORITHM || (!proofOnly && secret.status !== 'active' && secret.status !== 'locked')) {
      secret.value.fill(0);
      if (secret.managementKeyAlgorithm !== MANAGEMENT_KEY_ALGORITHM) {
        throw new ServiceError(409, 'conflict', 'That smartcard does not use a service-held AES-128 management key.');
      }
      throw new ServiceError(409, 'conflict', `That smartcard is ${secret.status} and cannot be changed.`);
    }
    return secret.value;
  }

  /** Whether `exchangeId` is still waiting for its step 2 (not used, not expired). */
  async isPending(exchangeId: string): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom('management_key_exchanges')
      .select('id')
      .where('exchange_hash', '=', exchangeHash(exchangeId))
      .where('expires_at', '>', this.now())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Step 2: checks the card's encryption of the challenge; throws 403 when it is wrong. */
  async checkCardResponse(exchangeId: string, encryptedChallenge: Uint8Array, options: { keySource?: ManagementKeySource } = {}): Promise<{ cardUuid: string }> {
    const now = this.now();
    // Taken out before anything else, in one statement: whatever happens next, and whichever
    // instance is asked, the exchange cannot be tried again.
    const row = await this.deps.db
      .deleteFrom('management_key_exchanges')
      .where('exchange_hash', '=', exchangeHash(exchangeId))
      .returning(['card_uuid', 'challenge', 'expires_at'])
      .executeTakeFirst();
    const p = row ? { cardUuid: row.card_uuid, challenge: row.challenge, expiresAt: row.expires_at } : undefined;
    if (!p || p.expiresAt <= now) {
      p?.challenge.fill(0);
      throw new ServiceError(409, 'conflict', 'That card authentication has expired or was already used. Start again.');
    }
    const key = options.keySource
      ? await options.keySource(p.cardUuid)
      : (await readCardSecret(this.deps.db, this.deps.dataKey, p.cardUuid, 'management-key'))?.value;
    if (!key) {
      p.challenge.fill(0);
      throw notFound('That smartcard');
    }
    const expected = aes128Ecb(key, p.challenge, 'encrypt');
    key.fill(0);
    p.challenge.fill(0);
    const ok = expected.length === encryptedChallenge.length && timingSafeEqual(expected, encryptedChallenge);
    expected.fill(0);
    if (!ok) throw new ServiceError(403, 'forbidden', 'The smartcard did not prove it holds its management key.');
    return { cardUuid: p.cardUuid };
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

}

const perService = new WeakMap<ServiceContext, ManagementKeyExchanges>();

/**
 * One exchange responder per running service (and per transaction context a step hands on, so
 * its queries run in that transaction); what it holds between the two requests is in the database.
 */
export function managementKeyExchangesFor(ctx: ServiceContext): ManagementKeyExchanges {
  let exchanges = perService.get(ctx);
  if (!exchanges) {
    exchanges = new ManagementKeyExchanges({ db: ctx.db, dataKey: ctx.dataKey, now: () => ctx.now().getTime() });
    perService.set(ctx, exchanges);
  }
  return exchanges;
}
