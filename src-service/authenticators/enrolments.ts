import { createHash, randomBytes } from 'node:crypto';
import type { AuthenticatorEnrolment, IssuableKind } from '../../src-shared/api/cim-authenticators.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict, ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { authorizeOnAuthenticator } from './authenticator-rights.js';
import { holderOf } from './authenticator-target.js';
import { ENROLMENT_KINDS } from './enrolment-kinds.js';
import { pageOrigin } from './page-origin.js';

// One-time links that add an authenticator. CIM starts one for a user (role and scope checked
// here); whoever opens it (the user at the registration page, a device reading the QR code) may
// add one authenticator of that kind to that user, once, before it expires. Only the token's
// SHA-256 is stored; starting a new link for the same user and kind voids the previous one.

export const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export async function startEnrolment(ctx: ServiceContext, session: SessionContext, uuid: string, kind: IssuableKind): Promise<AuthenticatorEnrolment> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const holder = await holderOf(trx, session, uuid, now);
    authorizeOnAuthenticator(session, kind, holder.own, holder.orgPaths);
    const how = ENROLMENT_KINDS[kind];
    if (!how) throw conflict('This kind of authenticator cannot be added on this service.');
    if (holder.user.status !== 'open') throw conflict('This profile is closed, so no authenticator can be added to it.');
    const token = randomBytes(32).toString('base64url');
    const at = now.getTime();
    await trx
      .updateTable('authenticator_enrolments')
      .set({ expires_at: at })
      .where('user_id', '=', holder.user.id)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .execute();
    await trx
      .insertInto('authenticator_enrolments')
      .values({ token_hash: hashToken(token), kind, user_id: holder.user.id, created_by: session.userId, created_at: at, expires_at: at + how.ttlMs })
      .execute();
    return { kind, link: how.link(pageOrigin(ctx), token), expiresAt: new Date(at + how.ttlMs).toISOString() };
  });
}

export interface OpenEnrolment {
  readonly id: number;
  readonly kind: string;
  readonly userId: number;
  readonly userUuid: string;
  readonly userName: string;
  readonly createdBy: number;
  readonly challenge: string | null;
}

/** Why a link does not work, in the words of the page that opened it. */
const LINK_REFUSED = 'This link has expired or has already been used. Ask for a new one in Care Identity Management.';

/**
 * The enrolment a token opens, when it is of one of `kinds`, unused and unexpired, for an open
 * profile. Every refusal reads the same, so a guessed token learns nothing.
 */
export async function openEnrolment(db: Db, token: string, kinds: readonly string[], now: number): Promise<OpenEnrolment> {
  const row = await db
    .selectFrom('authenticator_enrolments as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.id as id', 'e.kind as kind', 'e.user_id as userId', 'u.uuid as userUuid', 'u.given_name as givenName', 'u.family_name as familyName', 'u.status as status', 'e.created_by as createdBy', 'e.challenge as challenge', 'e.used_at as usedAt', 'e.expires_at as expiresAt'])
    .where('e.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || !kinds.includes(row.kind) || row.usedAt !== null || row.expiresAt <= now || row.status !== 'open') {
    throw new ServiceError(410, 'not-found', LINK_REFUSED);
  }
  return { id: row.id, kind: row.kind, userId: row.userId, userUuid: row.userUuid, userName: `${row.givenName} ${row.familyName}`, createdBy: row.createdBy, challenge: row.challenge };
}
