import type { ServiceErrorCode } from '../../src-shared/api/service-errors.js';
import { appendAudit } from '../audit/audit-log.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';

// Why an unlock step was refused: a ServiceError (so the client gets its status and a message in
// the card holder's or sponsor's words) that also names a reason for the audit log. Each step
// runs in one transaction that records its refusal: what the step spent before refusing (a
// security code try; a voided unlock) is kept, everything else is never written, because
// refusals are thrown before any other write. Messages and audit details never hold a code, a
// PUK, a key or a full contact address.

export class UnlockRefusal extends ServiceError {
  override name = 'UnlockRefusal';
  constructor(
    status: number,
    code: ServiceErrorCode,
    readonly reason: string,
    message: string,
    /** Extra facts for the audit entry (tries left); never secrets. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(status, code, message);
  }
}

export const refuse = (status: number, code: ServiceErrorCode, reason: string, message: string, details?: Record<string, unknown>): UnlockRefusal =>
  new UnlockRefusal(status, code, reason, message, details);

/** What the audit entry of a refusal names; filled in by the step as it learns them. */
export interface RefusalFacts {
  actor?: string | null;
  /** The card's UUID: a refusal is audited only once the step knows which card it concerns. */
  subject?: string;
  workstationId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Runs `step` in one transaction (store/transaction.ts), handing it the service context on that
 * transaction: every query of the step goes through it. An UnlockRefusal is audited as `action`
 * (when the card is known), its transaction committed, and then thrown; any other error rolls back.
 */
export async function auditedStep<T>(ctx: ServiceContext, action: string, facts: RefusalFacts, step: (tx: ServiceContext) => Promise<T>): Promise<T> {
  const at = ctx.now();
  const outcome = await inTransaction(ctx.db, async (trx): Promise<{ ok: T } | { refused: UnlockRefusal }> => {
    try {
      return { ok: await step({ ...ctx, db: trx }) };
    } catch (err) {
      if (!(err instanceof UnlockRefusal)) throw err;
      if (facts.subject !== undefined) {
        await appendAudit(
          trx,
          {
            action,
            actor: facts.actor ?? null,
            subject: facts.subject,
            workstationId: facts.workstationId ?? null,
            details: { ...(facts.details ?? {}), reason: err.reason, ...err.details },
          },
          at,
        );
      }
      return { refused: err };
    }
  });
  if ('refused' in outcome) throw outcome.refused;
  return outcome.ok;
}
