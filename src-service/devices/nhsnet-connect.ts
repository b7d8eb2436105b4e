import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { appendAudit } from '../audit/audit-log.js';
import { hashToken, openEnrolment } from '../authenticators/enrolments.js';
import { pageOrigin } from '../authenticators/page-origin.js';
import type { ServiceContext } from '../service-context.js';
import { forbidden, ServiceError } from '../service-error.js';
import { inTransaction } from '../store/transaction.js';
import type { SignInFinisher } from './ipad-sign-in.js';

// NHS.net Connect: staff sign in at an upstream OpenID provider (configured by its issuer URL,
// `nhsnetConnect`), this service being its relying party (openid-client, code flow with PKCE and a
// nonce). Linking: CIM's one-time link sends the person upstream and the callback keeps their
// upstream subject on their profile (AAL2). Signing in: the sign-in page sends them upstream and
// the callback finishes the app's sign-in as the profile holding that subject.
// The state names the link or the sign-in it belongs to; the PKCE verifier and the nonce are
// derived from it with the data key, so nothing secret is stored for the round trip.

const NHSNET_KIND = 'nhsnet-connect';
export const NHSNET_PATHS = { link: '/nhsnet/link', signIn: '/nhsnet/sign-in/:uid', callback: '/nhsnet/callback' } as const;
const ROUND_TRIP_MS = 10 * 60_000;
const NOT_CONFIGURED = 'NHS.net Connect is not set up on this service.';

const configs = new WeakMap<ServiceContext, Promise<oidc.Configuration>>();

function upstream(ctx: ServiceContext): Promise<oidc.Configuration> {
  const settings = ctx.config.nhsnetConnect;
  if (!settings) return Promise.reject(new ServiceError(409, 'conflict', NOT_CONFIGURED));
  let config = configs.get(ctx);
  if (!config) {
    const issuer = new URL(settings.issuer);
    // An http issuer is only for a provider on this machine (tests, training).
    const insecure = issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
    config = oidc.discovery(issuer, settings.clientId, settings.clientSecret, undefined, insecure);
    config.catch(() => configs.delete(ctx));
    configs.set(ctx, config);
  }
  return config;
}

const derived = (ctx: ServiceContext, what: string, state: string): string => createHmac('sha256', ctx.dataKey).update(`nhsnet:${what}:${state}`).digest('base64url');
const callbackUrl = (ctx: ServiceContext): string => `${pageOrigin(ctx)}${NHSNET_PATHS.callback}`;

async function authorizationUrl(ctx: ServiceContext, state: string): Promise<string> {
  const config = await upstream(ctx);
  return oidc
    .buildAuthorizationUrl(config, {
      redirect_uri: callbackUrl(ctx),
      scope: 'openid',
      state,
      nonce: derived(ctx, 'nonce', state),
      code_challenge: await oidc.calculatePKCECodeChallenge(derived(ctx, 'pkce', state)),
      code_challenge_method: 'S256',
    })
    .toString();
}

/** GET /nhsnet/link?t=<token>: CIM's one-time link; the person goes upstream to sign in once. */
export async function startNhsnetLink(ctx: ServiceContext, token: string): Promise<string> {
  const now = ctx.now().getTime();
  const enrolment = await openEnrolment(ctx.db, token, [NHSNET_KIND], now);
  const state = randomBytes(32).toString('base64url');
  await ctx.db.updateTable('authenticator_enrolments').set({ challenge: state }).where('id', '=', enrolment.id).execute();
  return authorizationUrl(ctx, state);
}

/** GET /nhsnet/sign-in/:uid: from the sign-in page, upstream. */
export async function startNhsnetSignIn(ctx: ServiceContext, provider: SignInFinisher, uid: string): Promise<string> {
  const { aal, clientName } = await provider.requiredAalOf(ctx, uid);
  if (aal > 2) throw forbidden('This app needs a smartcard or an iPad (very high assurance): NHS.net Connect is not enough.');
  const now = ctx.now().getTime();
  const state = randomBytes(32).toString('base64url');
  await ctx.db
    .insertInto('device_sign_in_requests')
    .values({ token_hash: hashToken(state), poll_hash: hashToken(randomBytes(32).toString('base64url')), kind: NHSNET_KIND, interaction_uid: uid, client_name: clientName, challenge: state, created_at: now, expires_at: now + ROUND_TRIP_MS })
    .execute();
  return authorizationUrl(ctx, state);
}

/** The upstream subject the callback proves: issuer and subject together, so two providers cannot collide. */
async function upstreamSubject(ctx: ServiceContext, current: URL, state: string): Promise<string> {
  const config = await upstream(ctx);
  // The callback as the upstream provider addressed it (the public origin), whatever Host it came with.
  const url = new URL(`${callbackUrl(ctx)}${current.search}`);
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: derived(ctx, 'pkce', state), expectedState: state, expectedNonce: derived(ctx, 'nonce', state), idTokenExpected: true });
    claims = tokens.claims();
  } catch {
    throw new ServiceError(400, 'bad-request', 'NHS.net Connect did not confirm who you are. Try again.');
  }
  if (!claims) throw new ServiceError(400, 'bad-request', 'NHS.net Connect did not confirm who you are. Try again.');
  return `${claims.iss} ${claims.sub}`;
}

export type CallbackOutcome = { readonly linked: string } | { readonly redirectTo: string };

/** GET /nhsnet/callback?code&state: link the subject to the profile, or finish the app's sign-in as its holder. */
export async function nhsnetCallback(ctx: ServiceContext, provider: SignInFinisher, current: URL): Promise<CallbackOutcome> {
  const state = current.searchParams.get('state') ?? '';
  const now = ctx.now();
  const signIn = await ctx.db.selectFrom('device_sign_in_requests').selectAll().where('kind', '=', NHSNET_KIND).where('challenge', '=', state).executeTakeFirst();
  if (signIn) {
    if (signIn.signed_at !== null || now.getTime() >= signIn.expires_at) throw new ServiceError(410, 'not-found', 'This sign-in has expired or has already finished. Go back to the app and sign in again.');
    const subject = await upstreamSubject(ctx, current, state);
    const linked = await ctx.db
      .selectFrom('authenticators as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.id', 'a.user_id'])
      .where('a.subject', '=', subject)
      .where('a.kind', '=', NHSNET_KIND)
      .where('a.removed_at', 'is', null)
      .where('u.status', '=', 'open')
      .executeTakeFirst();
    if (!linked) throw forbidden('This NHS.net account is not linked to a Care Identity profile. Ask your Registration Authority to link it.');
    const claimed = await ctx.db.updateTable('device_sign_in_requests').set({ signed_at: now.getTime(), finished_at: now.getTime(), user_id: linked.user_id, authenticator_id: linked.id }).where('id', '=', signIn.id).where('signed_at', 'is', null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new ServiceError(410, 'not-found', 'This sign-in has already finished.');
    await ctx.db.updateTable('authenticators').set({ last_used_at: now.toISOString() }).where('id', '=', linked.id).execute();
    return provider.finishSignIn(ctx, signIn.interaction_uid, { userId: linked.user_id, aal: 2, kind: NHSNET_KIND, authenticatorId: linked.id });
  }
  const enrolment = await ctx.db.selectFrom('authenticator_enrolments').select(['id']).where('kind', '=', NHSNET_KIND).where('challenge', '=', state).executeTakeFirst();
  if (!enrolment || state === '') throw new ServiceError(404, 'not-found', 'This NHS.net Connect sign-in was not started here. Start again.');
  const subject = await upstreamSubject(ctx, current, state);
  return inTransaction(ctx.db, async (trx) => {
    const row = await trx
      .selectFrom('authenticator_enrolments as e')
      .innerJoin('users as u', 'u.id', 'e.user_id')
      .innerJoin('users as by', 'by.id', 'e.created_by')
      .select(['e.id', 'e.user_id', 'e.created_by', 'e.used_at', 'e.expires_at', 'u.uuid as userUuid', 'by.uuid as byUuid'])
      .where('e.id', '=', enrolment.id)
      .executeTakeFirstOrThrow();
    if (row.used_at !== null || now.getTime() >= row.expires_at) throw new ServiceError(410, 'not-found', 'This link has expired or has already been used. Ask for a new one in Care Identity Management.');
    const taken = await trx.selectFrom('authenticators').select('user_id').where('subject', '=', subject).where('removed_at', 'is', null).executeTakeFirst();
    if (taken) throw new ServiceError(409, 'conflict', taken.user_id === row.user_id ? 'This NHS.net account is already linked to this profile.' : 'This NHS.net account is linked to another profile.');
    const authenticatorUuid = randomUUID();
    const { id } = await trx
      .insertInto('authenticators')
      .values({ user_id: row.user_id, kind: NHSNET_KIND, label: 'NHS.net Connect', created_at: now.toISOString(), uuid: authenticatorUuid, aal: 2, subject, details: JSON.stringify({ issuer: ctx.config.nhsnetConnect?.issuer }), issued_by: row.created_by })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('authenticator_enrolments').set({ used_at: now.getTime(), authenticator_id: id }).where('id', '=', row.id).execute();
    await appendAudit(trx, { action: 'authenticator.added', actor: row.byUuid, subject: row.userUuid, details: { kind: NHSNET_KIND, authenticatorUuid, aal: 2 } }, now);
    return { linked: authenticatorUuid };
  });
}
