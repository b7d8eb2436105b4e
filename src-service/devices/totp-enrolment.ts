import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { TotpConfirmed, TotpEnrolment } from '../../src-shared/api/cim-devices.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { authorizeOnAuthenticator } from '../authenticators/authenticator-rights.js';
import { holderOf } from '../authenticators/authenticator-target.js';
import type { UserRow } from '../cim/user-lookup.js';
import type { ServiceContext } from '../service-context.js';
import { badRequest, conflict, notFound } from '../service-error.js';
import { inTransaction } from '../store/transaction.js';
import { hashToken } from '../authenticators/enrolments.js';
import { newToken, qrSvgOf } from './device-links.js';
import { linkGone } from './ipad-enrolment.js';
import { newTotpSecret, openTotpSecret, sealTotpSecret, stepOfCode, totpOf } from './totp.js';

// Setting up the authenticator app: a new secret, shown as an otpauth:// QR code and as text, kept
// sealed in the enrolment until the person types the first code the app shows; only then is it an
// authenticator (AAL2). On your own profile anyone may (self-register-authenticator); for someone
// else an RA in scope (manage-authenticators).

export const TOTP_KIND = 'microsoft-authenticator';
const SET_UP_MS = 10 * 60_000;
/** Wrong first codes before the set-up has to start again. */
const CONFIRM_TRIES = 5;

async function target(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<UserRow> {
  const holder = await holderOf(ctx.db, session, uuid, ctx.now());
  authorizeOnAuthenticator(session, TOTP_KIND, holder.own, holder.orgPaths);
  if (holder.user.status !== 'open') throw conflict('This profile is closed, so no authenticator can be added to it.');
  return holder.user;
}

const labelOf = (user: UserRow): string => user.email ?? `${user.given_name} ${user.family_name}`;

/** POST /v1/users/:uuid/authenticators/totp-enrolments */
export async function createTotpEnrolment(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<z.infer<typeof TotpEnrolment>> {
  const user = await target(ctx, session, uuid);
  const now = ctx.now().getTime();
  const secret = newTotpSecret();
  const expiresAt = now + SET_UP_MS;
  const tokenHash = hashToken(newToken()); // no link: the enrolment is reached by its id, by its creator
  const { id } = await inTransaction(ctx.db, async (trx) => {
    const row = await trx
      .insertInto('authenticator_enrolments')
      .values({ token_hash: tokenHash, kind: TOTP_KIND, user_id: user.id, created_by: session.userId, challenge: '0', created_at: now, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('authenticator_enrolments').set({ state_sealed: sealTotpSecret(ctx.dataKey, secret, `enrolment:${row.id}`) }).where('id', '=', row.id).execute();
    return row;
  });
  const otpauthUrl = totpOf(secret, labelOf(user)).toString();
  const qrSvg = await qrSvgOf(otpauthUrl);
  return { enrolmentId: id, otpauthUrl, qrSvg, secret, expiresAt: new Date(expiresAt).toISOString() };
}

/** POST /v1/users/:uuid/authenticators/totp-enrolments/:enrolmentId/confirm */
export async function confirmTotpEnrolment(ctx: ServiceContext, session: SessionContext, uuid: string, enrolmentId: number, code: string): Promise<z.infer<typeof TotpConfirmed>> {
  const user = await target(ctx, session, uuid);
  const now = ctx.now();
  const outcome = await inTransaction(ctx.db, async (trx): Promise<{ wrong: string } | { authenticatorUuid: string }> => {
    const row = await trx
      .selectFrom('authenticator_enrolments')
      .select(['id', 'state_sealed', 'expires_at', 'used_at', 'challenge'])
      .where('id', '=', enrolmentId)
      .where('kind', '=', TOTP_KIND)
      .where('user_id', '=', user.id)
      .where('created_by', '=', session.userId)
      .executeTakeFirst();
    if (!row) throw notFound('That authenticator app set-up');
    if (row.used_at !== null || !row.state_sealed) throw linkGone('This set-up has already finished. Start again to add another.');
    if (now.getTime() >= row.expires_at) throw linkGone('This set-up has expired. Start again.');
    // A set-up has no challenge to sign: its challenge column counts the wrong first codes.
    const secret = openTotpSecret(ctx.dataKey, row.state_sealed, `enrolment:${row.id}`);
    const step = stepOfCode(secret, code, now);
    if (step === null) {
      const tries = Number(row.challenge ?? '0') + 1;
      // Too many wrong codes: the secret is spent and set-up starts again (a guessed code proves nothing).
      await trx
        .updateTable('authenticator_enrolments')
        .set(tries >= CONFIRM_TRIES ? { challenge: String(tries), used_at: now.getTime() } : { challenge: String(tries) })
        .where('id', '=', row.id)
        .execute();
      return { wrong: tries >= CONFIRM_TRIES ? 'That code is not right, and that was the last try. Start the set-up again.' : 'The code is not right. Enter the 6-digit code the app shows now.' };
    }
    const authenticatorUuid = randomUUID();
    const { id } = await trx
      .insertInto('authenticators')
      .values({
        user_id: user.id,
        kind: TOTP_KIND,
        label: 'Microsoft Authenticator',
        created_at: now.toISOString(),
        uuid: authenticatorUuid,
        aal: 2,
        secret_sealed: sealTotpSecret(ctx.dataKey, secret, authenticatorUuid),
        details: JSON.stringify({ lastStep: step, failures: 0 }),
        issued_by: session.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('authenticator_enrolments').set({ used_at: now.getTime(), authenticator_id: id, state_sealed: null }).where('id', '=', row.id).execute();
    await appendAudit(trx, { action: 'authenticator.added', actor: session.userUuid, subject: user.uuid, workstationId: session.workstationId, details: { kind: TOTP_KIND, authenticatorUuid, aal: 2 } }, now);
    return { authenticatorUuid };
  });
  // The wrong try is counted (committed) before the refusal.
  if ('wrong' in outcome) throw badRequest(outcome.wrong, [{ path: 'body.code', message: outcome.wrong }]);
  return outcome;
}
