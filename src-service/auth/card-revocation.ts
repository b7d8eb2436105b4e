import { appendAudit } from '../audit/audit-log.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
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

export function revokeCard(ctx: ServiceContext, input: RevokeCardInput): { certificatesRevoked: number; sessionsEnded: number } {
  const now = ctx.now();
  return ctx.db
    .transaction(() => {
      const card = ctx.db.prepare('SELECT id, status FROM cards WHERE uuid = ?').get(input.cardUuid) as { id: number; status: string } | undefined;
      if (!card) throw notFound('That smartcard');
      const certificatesRevoked = ctx.db
        .prepare('UPDATE certificates SET revoked_at = ?, revocation_reason = ? WHERE card_id = ? AND revoked_at IS NULL')
        .run(now.toISOString(), input.reason, card.id).changes;
      ctx.db.prepare("UPDATE cards SET status = 'revoked' WHERE id = ?").run(card.id);
      const sessionsEnded = endSessionsWhere(ctx.db, { cardId: card.id }, 'card-revoked', now.getTime());
      appendAudit(
        ctx.db,
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
    })
    .immediate();
}
