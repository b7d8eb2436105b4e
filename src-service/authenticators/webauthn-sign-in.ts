import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { z } from 'zod';
import type { WebauthnSignInBody } from '../../src-shared/api/cim-authenticators.js';
import type { Aal, AuthenticatorKind } from '../../src-shared/api/oidc.js';
import { finishSignIn } from '../oidc/finish-sign-in.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { pageOrigin, rpIdOf } from './page-origin.js';
import { transportsOf } from './webauthn-registration.js';

// Signing in to an app with a security key, passkey or Windows Hello, on the provider's sign-in
// page. The challenge is minted when the page is shown (only to the browser holding the
// interaction's cookie) and answered once, within its time. With a user hinted by the app
// (login_hint: their UUID or email address) the browser is offered that user's credentials at
// the level the app needs; otherwise it offers its discoverable credentials (passkeys). The
// answer is checked (challenge, origin, RP ID, user verification, signature), the signature
// counter must have moved on (a counter that goes back means a copied key: refused), and the
// sign-in finishes at the authenticator's own assurance level (finishSignIn refuses one below
// what the app needs).

const WEBAUTHN_KINDS = ['security-key', 'windows-hello'] as const;
/** How long the page's challenge may be answered: the browser's own timeout, and a little more. */
const CHALLENGE_TTL_MS = 5 * 60_000;

const REFUSED = 'Your security key, passkey or Windows Hello could not sign you in. Try again, or use another way to sign in.';
const UNKNOWN = 'This security key, passkey or Windows Hello is not registered to a profile. Ask your Registration Authority, or add it in Care Identity Management.';
const COPIED = 'This security key could not be trusted (its signature counter went back, as a copied key would). It has not signed you in: speak to your Registration Authority.';
const STALE = 'This sign-in page has expired. Reload it and try again.';

async function hintedUserId(db: Db, hint: string | undefined): Promise<number | undefined> {
  if (hint === undefined) return undefined;
  const h = hint.trim().toLowerCase();
  const row = await db.selectFrom('users').select('id').where((eb) => eb.or([eb('uuid', '=', h), eb('email', '=', h)])).executeTakeFirst();
  return row?.id;
}

/** The options for navigator.credentials.get on the sign-in page of interaction `uid`. */
export async function webauthnSignInOptions(ctx: ServiceContext, uid: string, requiredAal: Aal, userHint: string | undefined): Promise<Record<string, unknown>> {
  const userId = await hintedUserId(ctx.db, userHint);
  const credentials =
    userId === undefined
      ? []
      : await ctx.db
          .selectFrom('authenticators')
          .select(['credential_id', 'details'])
          .where('user_id', '=', userId)
          .where('kind', 'in', WEBAUTHN_KINDS)
          .where('removed_at', 'is', null)
          .where('aal', '>=', requiredAal)
          .where('credential_id', 'is not', null)
          .execute();
  const options = await generateAuthenticationOptions({
    rpID: rpIdOf(pageOrigin(ctx)),
    allowCredentials: credentials.map((c) => ({ id: c.credential_id as string, transports: transportsOf(c.details) })),
    userVerification: 'required',
    timeout: CHALLENGE_TTL_MS - 30_000,
  });
  const now = ctx.now().getTime();
  await ctx.db.insertInto('webauthn_sign_in_challenges').values({ uid, challenge: options.challenge, created_at: now, expires_at: now + CHALLENGE_TTL_MS }).execute();
  return options as unknown as Record<string, unknown>;
}

/** The challenge the answer signed, read from its client data (checked again by the library). */
function challengeOf(credential: z.output<typeof WebauthnSignInBody>['credential']): string {
  try {
    const clientData = JSON.parse(Buffer.from(String(credential.response['clientDataJSON']), 'base64url').toString('utf8')) as { challenge?: unknown };
    if (typeof clientData.challenge === 'string') return clientData.challenge;
  } catch {
    // Falls through to the refusal.
  }
  throw new ServiceError(400, 'bad-request', REFUSED);
}

export async function webauthnSignIn(ctx: ServiceContext, body: z.output<typeof WebauthnSignInBody>): Promise<{ redirectTo: string }> {
  const challenge = challengeOf(body.credential);
  const now = ctx.now();
  const minted = await ctx.db.selectFrom('webauthn_sign_in_challenges').selectAll().where('challenge', '=', challenge).where('uid', '=', body.uid).executeTakeFirst();
  if (!minted || minted.used_at !== null || minted.expires_at <= now.getTime()) throw new ServiceError(409, 'conflict', STALE);
  const stored = await ctx.db
    .selectFrom('authenticators')
    .select(['id', 'user_id', 'kind', 'aal', 'public_key', 'sign_count', 'details'])
    .where('credential_id', '=', body.credential.id)
    .where('kind', 'in', WEBAUTHN_KINDS)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!stored || stored.public_key === null) throw new ServiceError(403, 'forbidden', UNKNOWN);
  const origin = pageOrigin(ctx);
  let newCounter: number;
  try {
    const verified = await verifyAuthenticationResponse({
      response: body.credential as unknown as AuthenticationResponseJSON,
      expectedChallenge: minted.challenge,
      expectedOrigin: origin,
      expectedRPID: rpIdOf(origin),
      requireUserVerification: true,
      // The counter is checked below, so a copied key gets its own refusal.
      credential: { id: body.credential.id, publicKey: new Uint8Array(stored.public_key), counter: 0 },
    });
    if (!verified.verified) throw new Error('not verified');
    newCounter = verified.authenticationInfo.newCounter;
  } catch {
    throw new ServiceError(400, 'bad-request', REFUSED);
  }
  const before = stored.sign_count ?? 0;
  // A key that keeps no counter answers 0 every time; one that does must move on every use.
  const copied = (before > 0 || newCounter > 0) && newCounter <= before;
  await inTransaction(ctx.db, async (trx) => {
    // One answer per challenge, even when two arrive together.
    const spent = await trx.updateTable('webauthn_sign_in_challenges').set({ used_at: now.getTime() }).where('id', '=', minted.id).where('used_at', 'is', null).executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw new ServiceError(409, 'conflict', STALE);
    if (copied) return;
    await trx.updateTable('authenticators').set({ sign_count: newCounter, last_used_at: now.toISOString() }).where('id', '=', stored.id).execute();
  });
  if (copied) throw new ServiceError(403, 'forbidden', COPIED);
  return finishSignIn(ctx, body.uid, { userId: stored.user_id, aal: stored.aal === 3 ? 3 : 2, kind: stored.kind as AuthenticatorKind, authenticatorId: stored.id });
}
