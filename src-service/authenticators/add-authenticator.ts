import { randomUUID } from 'node:crypto';
import type { Aal, AuthenticatorKind } from '../../src-shared/api/oidc.js';
import { appendAudit } from '../audit/audit-log.js';
import type { Db } from '../store/database.js';
import type { OpenEnrolment } from './enrolments.js';

// Adds the authenticator an enrolment was for and uses the link up, in the caller's transaction,
// with the audit entry that puts it in the profile's History. Every kind comes through here.

export interface NewAuthenticator {
  readonly kind: AuthenticatorKind;
  readonly label: string;
  readonly aal: Aal;
  readonly credentialId?: string;
  readonly publicKey?: Buffer;
  readonly signCount?: number;
  readonly secretSealed?: Buffer;
  readonly subject?: string;
  /** Facts for support (transports, AAGUID, attestation format); never a secret. */
  readonly details?: Record<string, unknown>;
}

export async function addAuthenticator(trx: Db, enrolment: OpenEnrolment, added: NewAuthenticator, now: Date): Promise<number> {
  const uuid = randomUUID();
  const { id } = await trx
    .insertInto('authenticators')
    .values({
      user_id: enrolment.userId,
      kind: added.kind,
      label: added.label,
      created_at: now.toISOString(),
      uuid,
      aal: added.aal,
      credential_id: added.credentialId ?? null,
      public_key: added.publicKey ?? null,
      sign_count: added.signCount ?? null,
      secret_sealed: added.secretSealed ?? null,
      subject: added.subject ?? null,
      details: added.details ? JSON.stringify(added.details) : null,
      issued_by: enrolment.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.updateTable('authenticator_enrolments').set({ used_at: now.getTime(), authenticator_id: id }).where('id', '=', enrolment.id).execute();
  const actor = await trx.selectFrom('users').select('uuid').where('id', '=', enrolment.createdBy).executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    { action: 'authenticator.added', actor: actor.uuid, subject: enrolment.userUuid, details: { authenticator: uuid, kind: added.kind, label: added.label, aal: added.aal } },
    now,
  );
  return id;
}
