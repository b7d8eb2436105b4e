import { appendAudit } from '../audit/audit-log.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { endSessionsWhere } from './session-store.js';

// Stopping a card: its certificates are revoked, the card is marked revoked, cancelled or
// cleared, and every session it opened ends at once (the next request with such a token gets
// 401). One transaction, so a card is never half stopped. Revoking (login failures, tests),
// cancelling and clearing a card (src-service/cards/) all come through here.

export interface RevokeCardInput {
  readonly cardUuid: string;
  /** Why, for the certificates' revocation_reason and the audit log (e.g. 'lost', 'cancelled'). */
  readonly reason: string;
  /** Who revoked it: a user UUID, or 'system'. */
  readonly actor: string;
  readonly workstationId?: string | null;
}

/** What the card becomes: revoked; cancelled (lost, stolen...); cleared (revoked, blank, its serial free to issue again). */
type CardStop = 'revoked' | 'cancelled' | 'cleared';

export interface StopCardInput extends RevokeCardInput {
  readonly stop: CardStop;
  /** The audit action, e.g. 'card.cancelled'. */
  readonly action: string;
  /** More for the audit entry (never a secret). */
  readonly details?: Record<string, unknown>;
}

export interface CardStopped {
  readonly cardId: number;
  readonly certificatesRevoked: number;
  readonly sessionsEnded: number;
}

/** Stops a card inside the caller's transaction (`trx`), so the caller's own changes go with it. */
export async function stopCard(trx: Db, input: StopCardInput, now: Date): Promise<CardStopped> {
  const card = await trx.selectFrom('cards').select(['id', 'status']).where('uuid', '=', input.cardUuid).executeTakeFirst();
  if (!card) throw notFound('That smartcard');
  const revoked = await trx
    .updateTable('certificates')
    .set({ revoked_at: now.toISOString(), revocation_reason: input.reason })
    .where('card_id', '=', card.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const certificatesRevoked = Number(revoked.numUpdatedRows);
  await trx
    .updateTable('cards')
    .set({ status: input.stop === 'cancelled' ? 'cancelled' : 'revoked', ...(input.stop === 'cleared' ? { cleared_at: now.toISOString() } : {}) })
    .where('id', '=', card.id)
    .execute();
  // A cancelled or cleared card's sessions end as 'card-stopped', so their next call is told why in words.
  const sessionsEnded = await endSessionsWhere(trx, { cardId: card.id }, input.stop === 'revoked' ? 'card-revoked' : 'card-stopped', now.getTime());
  await appendAudit(
    trx,
    {
      action: input.action,
      actor: input.actor,
      subject: input.cardUuid,
      workstationId: input.workstationId ?? null,
      details: { reason: input.reason, previousStatus: card.status, certificatesRevoked, sessionsEnded, ...input.details },
    },
    now,
  );
  return { cardId: card.id, certificatesRevoked, sessionsEnded };
}

export async function revokeCard(ctx: ServiceContext, input: RevokeCardInput): Promise<{ certificatesRevoked: number; sessionsEnded: number }> {
  const now = ctx.now();
  const { certificatesRevoked, sessionsEnded } = await inTransaction(ctx.db, (trx) => stopCard(trx, { ...input, stop: 'revoked', action: 'card.revoked' }, now));
  return { certificatesRevoked, sessionsEnded };
}
