import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Configuration } from 'oidc-provider';
import { ACR_VALUES_SUPPORTED } from '../../src-shared/api/oidc.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { kyselyAdapter } from './oidc-adapter.js';
import { OIDC_CLAIMS, OIDC_SCOPES, findAccount } from './oidc-claims.js';
import { providerMetadataOf, registrationsOf } from './oidc-clients.js';
import { promptPolicy } from './oidc-policy.js';
import { currentSigningKeys, SIGNING_ALG } from './oidc-signing-keys.js';
import { endSignIns, startBackchannelDispatcher, type BackchannelDispatcher } from './backchannel-logout.js';
import { signInRecorder } from './sign-in-record.js';
import { pageHeaders, problemPage, signOutPage } from '../sign-in/sign-in-page.js';

// The OpenID Connect provider (the oidc-provider library) the service is for other apps, mounted
// at /oidc. Its state is in the service database (oidc-adapter.ts); its keys are the service's
// (oidc-signing-keys.ts). When the key set changes (rotation, here or by another instance or the
// CLI) a new provider instance takes over: all its state is in the database, so nothing is lost.
// The library is loaded and the provider built at the first request that needs it, so a service
// (or a test) that never signs anyone in to an app does not pay for it at start.

export const OIDC_MOUNT = '/oidc';
/** The sign-in page's address: served by the service beside the provider (src-service/sign-in/). */
const interactionPath = (uid: string): string => `${OIDC_MOUNT}/interaction/${uid}`;

export interface OidcRuntime {
  /** The provider, built at the first call. */
  provider(): Promise<Provider>;
  /** Hands a request under /oidc to the provider. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Takes a changed key set (rotated, or past its age); a no-op when nothing changed. */
  refreshKeys(): Promise<void>;
  readonly dispatcher: BackchannelDispatcher;
  /** Stops the dispatcher, once deliveries under way have finished. */
  close(): Promise<void>;
}

/** The running provider, or 503 while the service is still starting. */
export function oidcOf(ctx: ServiceContext): OidcRuntime {
  if (!ctx.oidc) throw new ServiceError(503, 'unavailable', 'Sign-in for other apps is starting. Try again in a moment.');
  return ctx.oidc;
}

const ERROR_WORDS: Record<string, string> = {
  invalid_client: 'The app that sent you here is not registered with this identity service.',
  invalid_request: 'The app that sent you here made a sign-in request this service cannot accept.',
  invalid_redirect_uri: 'The app that sent you here asked to return to an address it has not registered.',
  session_not_found: 'Your sign-in has expired. Go back to the app and sign in again.',
};

function errorPage(error: string): string {
  const words = ERROR_WORDS[error] ?? 'Sign-in could not continue. Go back to the app and sign in again.';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in problem</title></head><body><main><h1>There is a problem with signing in</h1><p>${words}</p></main></body></html>`;
}

type ProviderModule = typeof import('oidc-provider');

function configuration(ctx: ServiceContext, keys: Configuration['jwks'], library: ProviderModule): Configuration {
  // Cookie signing keys from the data key: the same on every instance and across restarts.
  const cookieKey = createHmac('sha256', ctx.dataKey).update('oidc cookie signing').digest('base64url');
  const sessionSeconds = ctx.config.sessionTtlMinutes * 60;
  return {
    adapter: kyselyAdapter(ctx.db, ctx.dataKey),
    clients: ctx.config.oidcClients.map(providerMetadataOf),
    jwks: keys,
    findAccount: findAccount(ctx),
    claims: OIDC_CLAIMS,
    scopes: [...OIDC_SCOPES],
    acrValues: [...ACR_VALUES_SUPPORTED],
    responseTypes: ['code'],
    // Tokens are signed with the service's one key type; discovery says so, and every client defaults to it.
    enabledJWA: { idTokenSigningAlgValues: [SIGNING_ALG] },
    clientDefaults: { id_token_signed_response_alg: SIGNING_ALG, grant_types: ['authorization_code'], response_types: ['code'] },
    pkce: { required: () => true },
    cookies: { keys: [cookieKey] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The service's own pages (NHS markup, strict CSP) rather than the library's defaults.
        logoutSource: (kctx, form) => {
          kctx.type = 'html';
          // The answer to the form redirects back to the app, which the CSP must let the form reach.
          kctx.set(pageHeaders([], originsOf([kctx.oidc.params?.post_logout_redirect_uri])));
          kctx.body = signOutPage(form, kctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: (kctx) => {
          kctx.type = 'html';
          kctx.set(pageHeaders());
          kctx.body = problemPage('You have signed out', 'You have signed out of the Care Identity Service and of every app you signed in to with it.');
        },
      },
      backchannelLogout: { enabled: true },
      userinfo: { enabled: true },
    },
    interactions: { url: (_kctx, interaction) => interactionPath(interaction.uid), policy: promptPolicy(library.interactionPolicy) },
    // Apps of this service are the organisation's own: no consent screen. The grant covers what was asked.
    loadExistingGrant: async (kctx) => {
      const { oidc } = kctx;
      const clientId = oidc.client?.clientId;
      const accountId = oidc.session?.accountId;
      if (!clientId || !accountId || !oidc.session) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing ?? new oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope([...(oidc.requestParamScopes ?? [])].join(' ') || 'openid');
      await grant.save();
      return grant;
    },
    // The provider's error page for a person (a bad or expired sign-in link): words, no detail of
    // the request echoed back beyond the error's own name.
    renderError: (kctx, out) => {
      kctx.type = 'html';
      kctx.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      kctx.body = errorPage(String(out.error));
    },
    ttl: {
      Session: sessionSeconds,
      Interaction: 3600,
      Grant: sessionSeconds,
      AuthorizationCode: 60,
      AccessToken: 3600,
      IdToken: 3600,
    },
  };
}

/** The origins of the URLs among `values` (anything else is left out). */
function originsOf(values: readonly unknown[]): string[] {
  return values.flatMap((v) => {
    if (typeof v !== 'string' || !URL.canParse(v)) return [];
    return [new URL(v).origin];
  });
}

async function buildProvider(ctx: ServiceContext, keys: Configuration['jwks']): Promise<{ provider: Provider; callback: ReturnType<Provider['callback']> }> {
  const library = await import('oidc-provider');
  const provider = new library.default(ctx.oidcIssuer, configuration(ctx, keys, library));
  // Behind a TLS-terminating proxy the provider must believe X-Forwarded-Proto for its cookies.
  provider.proxy = ctx.config.trustedProxies.length > 0;
  provider.use(signInRecorder(ctx));
  // The library's own back-channel logout (on the app's RP-initiated logout) goes through the
  // service's queue instead, so it is retried like every other.
  const Client = provider.Client as unknown as { prototype: { clientId: string; backchannelLogout(sub: string, sid: string): Promise<void> } };
  Client.prototype.backchannelLogout = async function queueLogout(this: { clientId: string }, _sub: string, sid: string): Promise<void> {
    const row = await ctx.db.selectFrom('oidc_sign_ins').select('id').where('sid', '=', sid).where('client_id', '=', this.clientId).where('ended_at', 'is', null).executeTakeFirst();
    if (row) await endSignIns(ctx, { signInId: row.id }, 'app-logout');
  };
  return { provider, callback: provider.callback() };
}

/** Starts the back-channel dispatcher and makes the provider ready to build; `ctx.oidcIssuer` must be set. */
export async function startOidc(ctx: ServiceContext): Promise<OidcRuntime> {
  const keysAt = () => currentSigningKeys(ctx.db, ctx.dataKey, ctx.now().getTime(), ctx.config.oidcKeyRotationDays);
  let keys = await keysAt();
  let built: ReturnType<typeof buildProvider> | null = null;
  const current = (): ReturnType<typeof buildProvider> =>
    (built ??= buildProvider(ctx, { keys: keys.keys }).catch((err: unknown) => {
      // Built again at the next request rather than failing for good.
      built = null;
      throw err;
    }));
  const dispatcher = startBackchannelDispatcher(
    ctx,
    async () => (await current()).provider,
    async (clientId, db) => (await registrationsOf(ctx.config.oidcClients, db, [clientId])).get(clientId)?.backchannel_logout_uri,
  );
  return {
    provider: async () => (await current()).provider,
    handle(req, res) {
      // The provider's routes are relative to its mount; it rebuilds its own URLs from originalUrl.
      const original = req.url ?? '/';
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
      req.url = original.slice(OIDC_MOUNT.length) || '/';
      current().then(
        ({ callback }) => callback(req, res),
        () => {
          res.statusCode = 503;
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(JSON.stringify({ code: 'unavailable', message: 'Sign-in for other apps is not available just now. Try again in a moment.' }));
        },
      );
    },
    async refreshKeys() {
      const next = await keysAt();
      if (next.fingerprint === keys.fingerprint) return;
      keys = next;
      // The next request builds a provider with the new set.
      built = null;
    },
    dispatcher,
    close: () => dispatcher.stop(),
  };
}
