import type { AdapterPayload, ClientMetadata } from 'oidc-provider';
import { OidcClientMetadata } from '../../src-shared/api/oidc.js';
import { open, seal } from '../crypto/secret-box.js';
import type { Db } from '../store/database.js';

// Relying parties: from the configuration (`oidcClients`, CIS_OIDC_CLIENTS_FILE) and from
// oidc_clients (`npm run service -- oidc-client add <file.json>`). Both in the standard client
// metadata names (src-shared/api/oidc.ts). Every client uses the authorization code flow with
// PKCE; a client secret is kept sealed by the data key, never in clear on disk.

export class ClientMetadataError extends Error {
  override name = 'ClientMetadataError';
}

/**
 * `input` as client metadata, or ClientMetadataError naming the field at fault: the shared shape,
 * then what only makes sense together (a secret for the secret methods, keys for private_key_jwt).
 */
function checkClientMetadata(input: unknown): OidcClientMetadata {
  const parsed = OidcClientMetadata.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(client)'}: ${i.message}`).join('; ');
    throw new ClientMetadataError(`The client metadata is not valid: ${problems}.`);
  }
  const m = parsed.data;
  const method = authMethodOf(m);
  if ((method === 'client_secret_basic' || method === 'client_secret_post') && !m.client_secret) {
    throw new ClientMetadataError(`The client metadata is not valid: client_secret: needed with token_endpoint_auth_method ${method}.`);
  }
  if (method === 'private_key_jwt' && !m.jwks) {
    throw new ClientMetadataError('The client metadata is not valid: jwks: needed with token_endpoint_auth_method private_key_jwt.');
  }
  if (method === 'none' && m.client_secret) {
    throw new ClientMetadataError('The client metadata is not valid: client_secret: not used with token_endpoint_auth_method none.');
  }
  if (m.backchannel_logout_session_required === false) {
    // Apps are told which sign-in ended by its sid: without it a logout token ends every sign-in of the user.
    throw new ClientMetadataError('The client metadata is not valid: backchannel_logout_session_required: must be true (logout tokens always name the session).');
  }
  return m;
}

function authMethodOf(m: OidcClientMetadata): NonNullable<OidcClientMetadata['token_endpoint_auth_method']> {
  return m.token_endpoint_auth_method ?? (m.client_secret ? 'client_secret_basic' : m.jwks ? 'private_key_jwt' : 'none');
}

/** The provider library's metadata for a relying party: code flow only, the sid in logout tokens. */
export function providerMetadataOf(m: OidcClientMetadata): ClientMetadata {
  return {
    ...m,
    token_endpoint_auth_method: authMethodOf(m),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    ...(m.backchannel_logout_uri ? { backchannel_logout_session_required: true } : {}),
  };
}

const secretContext = (clientId: string): string => `oidc client secret ${clientId}`;

/** A client added with the CLI, for the provider (its secret opened), or undefined. */
export async function clientPayloadOf(db: Db, dataKey: Buffer, clientId: string): Promise<AdapterPayload | undefined> {
  const row = await db.selectFrom('oidc_clients').select('metadata').where('client_id', '=', clientId).executeTakeFirst();
  if (!row) return undefined;
  const stored = JSON.parse(row.metadata) as OidcClientMetadata & { client_secret_sealed?: string };
  const { client_secret_sealed: sealed, ...metadata } = stored;
  const secret = sealed ? open(dataKey, Buffer.from(sealed, 'base64'), secretContext(clientId)).toString('utf8') : undefined;
  return providerMetadataOf({ ...metadata, ...(secret ? { client_secret: secret } : {}) });
}

/**
 * Adds (or replaces) a client in oidc_clients; refuses one whose client_id the configuration
 * already names (two definitions of one app would disagree).
 */
export async function addClient(db: Db, dataKey: Buffer, input: unknown, configured: readonly OidcClientMetadata[], now: Date): Promise<OidcClientMetadata> {
  const m = checkClientMetadata(input);
  if (configured.some((c) => c.client_id === m.client_id)) {
    throw new ClientMetadataError(`The client metadata is not valid: client_id: ${m.client_id} is already in the service configuration.`);
  }
  const { client_secret: secret, ...rest } = m;
  const metadata = JSON.stringify({ ...rest, ...(secret ? { client_secret_sealed: seal(dataKey, Buffer.from(secret, 'utf8'), secretContext(m.client_id)).toString('base64') } : {}) });
  await db
    .insertInto('oidc_clients')
    .values({ client_id: m.client_id, metadata, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('client_id').doUpdateSet({ metadata }))
    .execute();
  return m;
}

/** What the service itself reads of an app's registration (never its secret). */
export type ClientRegistration = Pick<OidcClientMetadata, 'client_name' | 'backchannel_logout_uri'>;

/**
 * The registrations of `clientIds` that exist: the configured ones, then those added with the
 * CLI, read through `db` (the caller's transaction, where it has one).
 */
export async function registrationsOf(configured: readonly OidcClientMetadata[], db: Db, clientIds: readonly string[]): Promise<Map<string, ClientRegistration>> {
  const found = new Map<string, ClientRegistration>();
  for (const c of configured) if (clientIds.includes(c.client_id)) found.set(c.client_id, c);
  const rest = clientIds.filter((id) => !found.has(id));
  if (rest.length > 0) {
    const rows = await db.selectFrom('oidc_clients').select(['client_id', 'metadata']).where('client_id', 'in', rest).execute();
    for (const row of rows) found.set(row.client_id, JSON.parse(row.metadata) as ClientRegistration);
  }
  return found;
}

/** The clients added with the CLI, without their secrets. */
export async function listClients(db: Db): Promise<{ clientId: string; name: string | null; redirectUris: string[]; backchannelLogoutUri: string | null; createdAt: string }[]> {
  const rows = await db.selectFrom('oidc_clients').select(['client_id', 'metadata', 'created_at']).orderBy('client_id').execute();
  return rows.map((r) => {
    const m = JSON.parse(r.metadata) as OidcClientMetadata;
    return { clientId: r.client_id, name: m.client_name ?? null, redirectUris: m.redirect_uris, backchannelLogoutUri: m.backchannel_logout_uri ?? null, createdAt: r.created_at };
  });
}

export async function removeClient(db: Db, clientId: string): Promise<boolean> {
  const result = await db.deleteFrom('oidc_clients').where('client_id', '=', clientId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
