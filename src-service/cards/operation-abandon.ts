import type { z } from 'zod';
import type { AbandonOperationBody, CardOperationDone } from '../../src-shared/api/cim-cards.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { ACTIVITY_OF, findCardOperation, requireRightOverHolder, voidOperation } from './card-operation-store.js';

// POST /v1/card-operations/{id}/abandon: the agent stops an operation that will not finish (the
// card was pulled, the RA cancelled, the card refused a step). The operation is voided; a
// certificate an issue got and never made live is revoked (an orphan), so no certificate stays
// valid for a key on a card nobody registered. An operation already finished or voided is left
// as it is, and expiry does not stop an abandon: the agent may only come back to it late.

type Answer = z.infer<typeof CardOperationDone>;

export async function abandonOperation(ctx: ServiceContext, session: SessionContext, operationId: string, body: z.infer<typeof AbandonOperationBody>): Promise<Answer> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const row = await findCardOperation(trx, operationId, body.workstationId, session.sessionId);
    await requireRightOverHolder(trx, session, ACTIVITY_OF[row.kind], row.holderId, now);
    const { orphanedSerial } = await voidOperation(trx, row, body.reason, now);
    if (row.status !== 'done' && row.status !== 'void') {
      await appendAudit(
        trx,
        {
          action: 'card.operation-abandoned',
          actor: session.userUuid,
          subject: row.cardUuid,
          workstationId: body.workstationId,
          details: { kind: row.kind, holderUuid: row.holderUuid, reason: body.reason, step: row.status, certificateRevoked: orphanedSerial },
        },
        now,
      );
    }
    return { ok: true as const };
  });
}
