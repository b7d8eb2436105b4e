import type { z } from 'zod';
import type { CancelSmartcardBody, CancelSmartcardResponse } from '../../src-shared/api/cim-cards.js';
import { stopCard } from '../auth/card-revocation.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { cardInScope, stoppedAs } from './card-in-scope.js';

// Cancelling a smartcard (lost, stolen, damaged, no longer needed): no card is needed. Its
// certificates are revoked with the reason (the revocation list gives lost and stolen as key
// compromise), the card becomes 'cancelled' so it can never sign in again, and every session it
// opened ends at once. The session's role and scope over the holder are checked inside the same
// transaction as the change, so a refusal changes nothing.

export async function cancelSmartcard(
  ctx: ServiceContext,
  session: SessionContext,
  cardUuid: string,
  body: z.output<typeof CancelSmartcardBody>,
): Promise<z.output<typeof CancelSmartcardResponse>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const card = await cardInScope(trx, session, 'cancel-smartcard', cardUuid, now);
    if (card.status !== 'active' && card.status !== 'locked') {
      throw conflict(`This smartcard has already been ${stoppedAs(card)}, so it cannot be cancelled.`);
    }
    const note = body.note !== undefined && body.note !== '' ? body.note : undefined;
    const { certificatesRevoked, sessionsEnded } = await stopCard(
      trx,
      {
        cardUuid: card.cardUuid,
        reason: body.reason,
        actor: session.userUuid,
        workstationId: session.workstationId,
        stop: 'cancelled',
        action: 'card.cancelled',
        details: { holder: card.holderUuid, ...(note !== undefined ? { note } : {}) },
      },
      now,
    );
    return { certificatesRevoked, sessionsEnded };
  });
}
