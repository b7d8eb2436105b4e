import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { DeviceChallenge, DeviceLink, DeviceRegistered, DeviceRegistrationBody } from '../../src-shared/api/cim-devices.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { hashToken, startEnrolment } from '../authenticators/enrolments.js';
import type { ServiceContext } from '../service-context.js';
import { forbidden, ServiceError } from '../service-error.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { deviceKeyOf, signatureHolds } from './device-keys.js';
import { newChallenge, qrSvgOf } from './device-links.js';

// Issuing an iPad (NHS CIS2 app): an RA who may (manage-ipad-authenticators: RAM, RAA(A)) over
// the user makes a one-time link shown as a QR code; the app scanning it fetches the challenge,
// signs it with its new device-bound key and registers that key. One iPad per person: a new
// registration removes the one before, and both are audited.

export const IPAD_LABEL = 'iPad';
const EXPIRED = 'This QR code has expired. Generate a new one.';
const USED = 'This QR code has already been used. Generate a new one.';

/** A link that cannot be used any more: gone, with the words the device shows. */
export const linkGone = (message: string): ServiceError => new ServiceError(410, 'not-found', message);

/** POST /v1/users/:uuid/authenticators/ipad-enrolments: the enrolment link (rights and voiding of an earlier link as for every kind), with its QR code. */
export async function createIpadEnrolment(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<DeviceLink> {
  const started = await startEnrolment(ctx, session, uuid, 'ipad');
  return { link: started.link, qrSvg: await qrSvgOf(started.link), expiresAt: started.expiresAt };
}

/** The unused, unexpired registration link with this token (refused in the device's words otherwise). */
async function liveEnrolment(db: Db, token: string, now: number) {
  const row = await db
    .selectFrom('authenticator_enrolments as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.id', 'e.user_id', 'e.created_by', 'e.challenge', 'e.expires_at', 'e.used_at', 'u.uuid as userUuid', 'u.given_name', 'u.family_name', 'u.status'])
    .where('e.token_hash', '=', hashToken(token))
    .where('e.kind', '=', 'ipad')
    .executeTakeFirst();
  if (!row) throw new ServiceError(404, 'not-found', 'This QR code was not recognised. Generate a new one.');
  if (row.used_at !== null) throw linkGone(USED);
  if (now >= row.expires_at) throw linkGone(EXPIRED);
  if (row.status === 'closed') throw forbidden('This profile is closed: the iPad cannot be registered.');
  return row;
}

/** POST /v1/devices/ipad/registration-challenge */
export async function ipadRegistrationChallenge(ctx: ServiceContext, token: string): Promise<z.infer<typeof DeviceChallenge>> {
  const row = await liveEnrolment(ctx.db, token, ctx.now().getTime());
  // The challenge is made when the device first asks (the link is made by the common enrolment start).
  const challenge = row.challenge ?? newChallenge();
  if (row.challenge === null) await ctx.db.updateTable('authenticator_enrolments').set({ challenge }).where('id', '=', row.id).where('challenge', 'is', null).execute();
  return { challenge, about: `${row.given_name} ${row.family_name}`, expiresAt: new Date(row.expires_at).toISOString() };
}

/** POST /v1/devices/ipad/registrations */
export async function registerIpad(ctx: ServiceContext, body: z.infer<typeof DeviceRegistrationBody>): Promise<z.infer<typeof DeviceRegistered>> {
  const now = ctx.now();
  const { spki, keyId } = deviceKeyOf(body.publicKey);
  return inTransaction(ctx.db, async (trx) => {
    const row = await liveEnrolment(trx, body.token, now.getTime());
    if (!row.challenge || !signatureHolds(spki, 'register', row.challenge, body.signature)) {
      throw new ServiceError(400, 'bad-request', 'The device did not sign this QR code with its key.', [{ path: 'body.signature', message: 'does not verify' }]);
    }
    const issuer = await trx.selectFrom('users').select('uuid').where('id', '=', row.created_by).executeTakeFirstOrThrow();
    // One iPad per person: the binding before this one ends here.
    const earlier = await trx.selectFrom('authenticators').select(['id', 'uuid']).where('user_id', '=', row.user_id).where('kind', '=', 'ipad').where('removed_at', 'is', null).execute();
    for (const old of earlier) {
      await trx.updateTable('authenticators').set({ removed_at: now.toISOString(), removed_by: row.created_by }).where('id', '=', old.id).execute();
      await appendAudit(trx, { action: 'authenticator.removed', actor: issuer.uuid, subject: row.userUuid, details: { kind: 'ipad', authenticatorUuid: old.uuid, reason: 'replaced by a new iPad registration' } }, now);
    }
    const authenticatorUuid = randomUUID();
    const { id } = await trx
      .insertInto('authenticators')
      .values({
        user_id: row.user_id,
        kind: 'ipad',
        label: `${IPAD_LABEL} (${body.deviceName})`,
        created_at: now.toISOString(),
        uuid: authenticatorUuid,
        aal: 3,
        credential_id: keyId,
        public_key: spki,
        details: JSON.stringify({ deviceName: body.deviceName }),
        issued_by: row.created_by,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const used = await trx.updateTable('authenticator_enrolments').set({ used_at: now.getTime(), authenticator_id: id }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw linkGone(USED);
    await appendAudit(trx, { action: 'authenticator.added', actor: issuer.uuid, subject: row.userUuid, details: { kind: 'ipad', authenticatorUuid, aal: 3, deviceName: body.deviceName } }, now);
    return { authenticatorUuid, keyId, replaced: earlier.length > 0 };
  });
}
