import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../store/database.js';
import { clientPayloadOf } from './oidc-clients.js';

// The provider library's storage (sessions, interactions, codes, tokens, grants) in the service
// database, so every instance on one database shares it and a restart keeps sign-ins. One row per
// model instance; the payload is the library's JSON. Expiry and consumption are columns so they
// are judged without reading the payload, and expired rows are pruned by the sweep.
// Clients are read from oidc_clients (added with the CLI); the configured ones are the
// provider's static clients and never reach here.

/** Models whose rows carry the grant they belong to, so a grant's revocation finds them. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

type Row = { payload: string; expires_at: number | null; consumed_at: number | null };

function payloadOf(row: Row | undefined, now: number): AdapterPayload | undefined {
  if (!row) return undefined;
  if (row.expires_at !== null && row.expires_at <= now) return undefined;
  const payload = JSON.parse(row.payload) as AdapterPayload;
  return row.consumed_at !== null ? { ...payload, consumed: Math.floor(row.consumed_at / 1000) } : payload;
}

/**
 * The adapter class the provider is configured with, on `db`. Times are the wall clock the
 * library itself judges expiry by.
 */
export function kyselyAdapter(db: Db, dataKey: Buffer): new (model: string) => Adapter {
  return class KyselyAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const values = {
        payload: JSON.stringify(payload),
        grant_id: GRANTABLE.has(this.model) && typeof payload.grantId === 'string' ? payload.grantId : null,
        user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
      };
      await db
        .insertInto('oidc_models')
        .values({ model: this.model, id, ...values, consumed_at: null })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clientPayloadOf(db, dataKey, id);
      const row = await db.selectFrom('oidc_models').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', this.model).where('id', '=', id).executeTakeFirst();
      return payloadOf(row, Date.now());
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const row = await db.selectFrom('oidc_models').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', this.model).where('user_code', '=', userCode).executeTakeFirst();
      return payloadOf(row, Date.now());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const row = await db.selectFrom('oidc_models').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', this.model).where('uid', '=', uid).executeTakeFirst();
      return payloadOf(row, Date.now());
    }

    async consume(id: string): Promise<void> {
      await db.updateTable('oidc_models').set({ consumed_at: Date.now() }).where('model', '=', this.model).where('id', '=', id).execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
    }
  };
}

/** Removes provider state that has expired (the library no longer reads it). */
export async function pruneOidcModels(db: Db, now: number): Promise<void> {
  await db.deleteFrom('oidc_models').where('expires_at', '<=', now).execute();
}
