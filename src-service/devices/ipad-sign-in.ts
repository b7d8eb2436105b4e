import type { z } from 'zod';
import type { Aal, AuthenticatorKind } from '../../src-shared/api/oidc.js';
import type { DeviceChallenge, DeviceSignInBody, IpadSignInLink, IpadSignInState } from '../../src-shared/api/cim-devices.js';
import type { ServiceContext } from '../service-context.js';
import { forbidden, ServiceError } from '../service-error.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { keyIdOf, signatureHolds } from './device-keys.js';
import { hashToken } from '../authenticators/enrolments.js';
import { deviceLink, LINK_LIFETIME_MS, newChallenge, newToken } from './device-links.js';
import { linkGone } from './ipad-enrolment.js';

// Signing in to an app with the iPad: the provider's sign-in page asks for a one-time link for its
// interaction and shows it as a QR code; the app signs the link's challenge with its registered
// key; the page, polling with a secret only it was given, then finishes the sign-in at AAL3.

/** The provider's side of a sign-in, as src-service/oidc/finish-sign-in.ts exports it. */
export interface SignInFinisher {
  finishSignIn(ctx: ServiceContext, uid: string, who: { userId: number; aal: Aal; kind: AuthenticatorKind; authenticatorId?: number }): Promise<{ redirectTo: string }>;
  requiredAalOf(ctx: ServiceContext, uid: string): Promise<{ aal: Aal; clientName: string }>;
}

const NOT_REGISTERED = 'This iPad is not registered to anyone. Ask your Registration Authority to register it.';
const EXPIRED = 'This sign-in QR code has expired. Start signing in again.';

/** POST /v1/oidc/interactions/:uid/ipad */
export async function createIpadSignIn(ctx: ServiceContext, provider: SignInFinisher, uid: string): Promise<z.infer<typeof IpadSignInLink>> {
  const { clientName } = await provider.requiredAalOf(ctx, uid); // refuses a sign-in that does not exist or has finished
  const now = ctx.now().getTime();
  const token = newToken();
  const pollToken = newToken();
  const expiresAt = now + LINK_LIFETIME_MS;
  await ctx.db
    .insertInto('device_sign_in_requests')
    .values({ token_hash: hashToken(token), poll_hash: hashToken(pollToken), kind: 'ipad', interaction_uid: uid, client_name: clientName, challenge: newChallenge(), created_at: now, expires_at: expiresAt })
    .execute();
  return { ...(await deviceLink(ctx, 'sign-in', token, expiresAt)), pollToken };
}

async function liveRequest(db: Db, token: string, now: number) {
  const row = await db.selectFrom('device_sign_in_requests').selectAll().where('token_hash', '=', hashToken(token)).where('kind', '=', 'ipad').executeTakeFirst();
  if (!row) throw new ServiceError(404, 'not-found', 'This sign-in QR code was not recognised. Start signing in again.');
  if (row.signed_at !== null) throw linkGone('This sign-in QR code has already been used. Start signing in again.');
  if (now >= row.expires_at) throw linkGone(EXPIRED);
  return row;
}

/** POST /v1/devices/ipad/sign-in-challenge */
export async function ipadSignInChallenge(ctx: ServiceContext, token: string): Promise<z.infer<typeof DeviceChallenge>> {
  const row = await liveRequest(ctx.db, token, ctx.now().getTime());
  return { challenge: row.challenge, about: row.client_name, expiresAt: new Date(row.expires_at).toISOString() };
}

/** POST /v1/devices/ipad/sign-ins: the device proves its key; the page finishes the sign-in. */
export async function signInWithIpad(ctx: ServiceContext, body: z.infer<typeof DeviceSignInBody>): Promise<{ signedIn: true }> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await liveRequest(trx, body.token, now.getTime());
    const device = await trx
      .selectFrom('authenticators as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.id', 'a.user_id', 'a.public_key', 'u.status'])
      .where('a.credential_id', '=', body.keyId)
      .where('a.kind', '=', 'ipad')
      .where('a.removed_at', 'is', null)
      .executeTakeFirst();
    if (!device?.public_key || keyIdOf(device.public_key) !== body.keyId) throw forbidden(NOT_REGISTERED);
    if (device.status === 'closed') throw forbidden('This profile is closed: it cannot sign in.');
    if (!signatureHolds(device.public_key, 'sign-in', row.challenge, body.signature)) {
      throw new ServiceError(400, 'bad-request', 'The device did not sign this QR code with its registered key.', [{ path: 'body.signature', message: 'does not verify' }]);
    }
    const claimed = await trx
      .updateTable('device_sign_in_requests')
      .set({ user_id: device.user_id, authenticator_id: device.id, signed_at: now.getTime() })
      .where('id', '=', row.id)
      .where('signed_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw linkGone('This sign-in QR code has already been used. Start signing in again.');
    await trx.updateTable('authenticators').set({ last_used_at: now.toISOString() }).where('id', '=', device.id).execute();
  });
  return { signedIn: true };
}

/** POST /v1/oidc/interactions/:uid/ipad/state: the page's poll; the first poll after the device signed finishes the sign-in. */
export async function ipadSignInState(ctx: ServiceContext, provider: SignInFinisher, uid: string, pollToken: string): Promise<IpadSignInState> {
  const now = ctx.now().getTime();
  const row = await ctx.db
    .selectFrom('device_sign_in_requests')
    .selectAll()
    .where('poll_hash', '=', hashToken(pollToken))
    .where('interaction_uid', '=', uid)
    .executeTakeFirst();
  if (!row) throw new ServiceError(404, 'not-found', 'That sign-in was not found. Start signing in again.');
  if (row.finished_at !== null) throw linkGone('This sign-in has already finished.');
  if (row.signed_at === null || row.user_id === null) return { state: now >= row.expires_at ? 'expired' : 'waiting' };
  const claimed = await ctx.db.updateTable('device_sign_in_requests').set({ finished_at: now }).where('id', '=', row.id).where('finished_at', 'is', null).executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) throw linkGone('This sign-in has already finished.');
  const { redirectTo } = await provider.finishSignIn(ctx, uid, { userId: row.user_id, aal: 3, kind: 'ipad', ...(row.authenticator_id !== null ? { authenticatorId: row.authenticator_id } : {}) });
  return { state: 'signed-in', redirectTo };
}
