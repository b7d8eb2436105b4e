import { appendAudit } from '../audit/audit-log.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { endSessionsWhere } from './session-store.js';

// Revoking a card: its certificates are revoked, the card is marked revoked, and every session
// it opened ends at once (the next request with such a token gets 401). One transaction, so a
// card is never half revoked.

export interface RevokeCardInput {
  readonly cardUuid: string;
  /** Why, for the certificates' revocation_reason and the audit log (e.g. 'lost', 'cancelled'). */
  readonly reason: string;
  /** Who revoked it: a user UUID, or 'system'. */
  readonly actor: string;
  readonly workstationId?: string | null;
}

export async function revokeCard(ctx: ServiceContext, input: RevokeCardInput): Promise<{ certificatesRevoked: number; sessionsEnded: number }> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const card = await trx.selectFrom('cards').select(['id', 'status']).where('uuid', '=', input.cardUuid).executeTakeFirst();
    if (!card) throw notFound('That smartcard');
    const revoked = await trx
      .updateTable('certificates')
      .set({ revoked_at: now.toISOString(), revocation_reason: input.reason })
      .where('card_id', '=', card.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const certificatesRevoked = Number(revoked.numUpdatedRows);
    await trx.updateTable('cards').set({ status: 'revoked' }).where('id', '=', card.id).execute();
    const sessionsEnded = await endSessionsWhere(trx, { cardId: card.id }, 'card-revoked', now.getTime());
    await appendAudit(
      trx,
      {
        action: 'card.revoked',
        actor: input.actor,
        subject: input.cardUuid,
        workstationId: input.workstationId ?? null,
        details: { reason: input.reason, previousStatus: card.status, certificatesRevoked, sessionsEnded },
      },
      now,
    );
    return { certificatesRevoked, sessionsEnded };
  });
}
