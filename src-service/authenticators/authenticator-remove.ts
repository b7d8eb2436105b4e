import type { z } from 'zod';
import type { RemovedAuthenticator } from '../../src-shared/api/cim-authenticators.js';
import { AuthenticatorKind } from '../../src-shared/api/oidc.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { endSignIns } from '../oidc/backchannel-logout.js';
import { inTransaction } from '../store/transaction.js';
import { authorizeOnAuthenticator } from './authenticator-rights.js';
import { holderOf } from './authenticator-target.js';

// POST /v1/users/:uuid/authenticators/:authenticatorId/remove: the authenticator can no longer
// sign in (every sign-in looks only at rows not removed), and every app signed in with it is told
// (back-channel logout). The row stays, marked removed with who
// did it, and the audit entry puts it in the profile's History. Role and scope are checked in the
// same transaction as the change, so a refusal changes nothing.

export async function removeAuthenticator(
  ctx: ServiceContext,
  session: SessionContext,
  uuid: string,
  authenticatorId: number,
): Promise<z.output<typeof RemovedAuthenticator>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const holder = await holderOf(trx, session, uuid, now);
    const row = await trx
      .selectFrom('authenticators')
      .select(['id', 'kind', 'label', 'uuid'])
      .where('id', '=', authenticatorId)
      .where('user_id', '=', holder.user.id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    // The smartcard is cancelled or cleared on the Smartcards tab, not removed here.
    if (!row || row.kind === 'smartcard') throw notFound('That authenticator');
    authorizeOnAuthenticator(session, row.kind, holder.own, holder.orgPaths);
    const removedAt = now.toISOString();
    await trx.updateTable('authenticators').set({ removed_at: removedAt, removed_by: session.userId }).where('id', '=', row.id).execute();
    // The apps signed in with it are signed out now, not when their sessions run out.
    await endSignIns({ ...ctx, db: trx }, { authenticatorId: row.id }, 'authenticator-removed');
    await appendAudit(
      trx,
      {
        action: 'authenticator.removed',
        actor: session.userUuid,
        subject: holder.user.uuid,
        workstationId: session.workstationId,
        details: { authenticator: row.uuid ?? row.id, kind: row.kind, label: row.label },
      },
      now,
    );
    return { id: row.id, kind: AuthenticatorKind.parse(row.kind), label: row.label, removedAt };
  });
}
