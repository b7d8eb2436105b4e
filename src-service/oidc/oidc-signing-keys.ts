import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Configuration } from 'oidc-provider';
import { open, seal } from '../crypto/secret-box.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';

// The provider's signing keys (ID tokens, logout tokens), kept in oidc_signing_keys with the
// private half sealed by the data key. One key signs; on rotation (`oidc-keys rotate`, or when
// the signing key is older than oidcKeyRotationDays) a new key signs from then on and the old one
// stays in the published JWKS until every token it signed has expired, so an app holding such a
// token can still check it. ES256 (P-256): every OpenID Connect library verifies it when
// discovery names it, and making a key takes a millisecond where an RSA key takes a blocking
// quarter second or more, at every first start.

export const SIGNING_ALG = 'ES256';
/** How long a retired key stays published: longer than any token it signed lives (ID and access tokens: 1 hour). */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 3_600_000;

type JSONWebKey = NonNullable<Configuration['jwks']>['keys'][number];

const sealContext = (kid: string): string => `oidc signing key ${kid}`;

function newKey(dataKey: Buffer, now: number): { kid: string; alg: string; private_jwk_sealed: Buffer; created_at: number; retired_at: null } {
  const kid = randomUUID();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: SIGNING_ALG, use: 'sig' };
  return { kid, alg: SIGNING_ALG, private_jwk_sealed: seal(dataKey, Buffer.from(JSON.stringify(jwk), 'utf8'), sealContext(kid)), created_at: now, retired_at: null };
}

/** Makes a new signing key and retires the one that signed until now. Returns the new kid. */
export async function rotateSigningKey(db: Db, dataKey: Buffer, now: number): Promise<string> {
  return inTransaction(db, async (trx) => {
    await trx.updateTable('oidc_signing_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
    const key = newKey(dataKey, now);
    await trx.insertInto('oidc_signing_keys').values(key).execute();
    return key.kid;
  });
}

export interface SigningKeys {
  /** Private JWKs for the provider: the signing key first, then retired keys still published. */
  readonly keys: JSONWebKey[];
  /** Changes whenever the set changes, so a running service knows to take the new set. */
  readonly fingerprint: string;
}

/**
 * The keys to publish and sign with at `now`: makes the first key, rotates one past its age,
 * and drops retired keys whose tokens have all expired.
 */
export async function currentSigningKeys(db: Db, dataKey: Buffer, now: number, rotationDays: number): Promise<SigningKeys> {
  const rows = await inTransaction(db, async (trx) => {
    await trx.deleteFrom('oidc_signing_keys').where('retired_at', '<=', now - RETIRED_KEY_PUBLISHED_MS).execute();
    const active = await trx.selectFrom('oidc_signing_keys').select('created_at').where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
    if (!active || active.created_at <= now - rotationDays * 86_400_000) await rotateSigningKey(trx, dataKey, now);
    return trx.selectFrom('oidc_signing_keys').selectAll().execute();
  });
  // The signing key first: the library signs with the first key of the algorithm.
  rows.sort((a, b) => (a.retired_at === null ? 0 : 1) - (b.retired_at === null ? 0 : 1) || b.created_at - a.created_at);
  return {
    keys: rows.map((r) => JSON.parse(open(dataKey, r.private_jwk_sealed, sealContext(r.kid)).toString('utf8')) as JSONWebKey),
    fingerprint: rows.map((r) => `${r.kid}:${r.retired_at ?? ''}`).join(','),
  };
}

/** The kids and state of the keys, for `oidc-keys list`. */
export async function listSigningKeys(db: Db): Promise<{ kid: string; alg: string; createdAt: number; retiredAt: number | null }[]> {
  const rows = await db.selectFrom('oidc_signing_keys').select(['kid', 'alg', 'created_at', 'retired_at']).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ kid: r.kid, alg: r.alg, createdAt: r.created_at, retiredAt: r.retired_at }));
}
