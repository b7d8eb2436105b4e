import { fullName } from '../store/full-name.js';
import { sql } from 'kysely';
import type { RenewalOpened } from '../../src-shared/api/service-renewal.js';
import type { CardAlgorithm } from '../../src-shared/api/service-common.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../service-context.js';
import { hashRenewalId, insertRenewal, newRenewalId, renewalExpiry, voidUnfinishedRenewals, type NewRenewal } from './renewal-store.js';

// Opening a renewal, however it was asked for: the row, the audit entry and the answer. Who may
// open it was decided by the caller (self-renewal.ts, sponsor-renewal.ts, renewal-recovery.ts),
// which runs it in its transaction (`ctx` on it).

/** The card facts a renewal needs that the directory holds: its key type and live certificate. */
export interface RenewableCard {
  readonly cardId: number;
  readonly cardUuid: string;
  readonly cardStatus: string;
  readonly algorithm: CardAlgorithm;
  readonly holderId: number;
  readonly holderUuid: string;
  readonly holderName: string;
  readonly holderStatus: string;
  /** The card's live certificate (newest unrevoked), if it has one. */
  readonly currentSerial: string | null;
  readonly currentNotAfter: string | null;
}

export async function renewableCard(ctx: ServiceContext, cardId: number): Promise<RenewableCard | undefined> {
  const rows = await sql<RenewableCard>`
    SELECT k.id AS "cardId", k.uuid AS "cardUuid", k.status AS "cardStatus", k.algorithm, u.id AS "holderId", u.uuid AS "holderUuid",
           ${fullName('u')} AS "holderName", u.status AS "holderStatus", c.serial AS "currentSerial", c.not_after AS "currentNotAfter"
      FROM cards k JOIN users u ON u.id = k.user_id
      LEFT JOIN certificates c ON c.serial = (SELECT serial FROM certificates WHERE card_id = k.id AND revoked_at IS NULL ORDER BY not_after DESC LIMIT 1)
     WHERE k.id = ${cardId}`.execute(ctx.db);
  return rows.rows[0];
}

export interface Opening {
  readonly card: RenewableCard;
  readonly kind: NewRenewal['kind'];
  readonly workstationId: string;
  readonly sponsor?: { readonly sessionId: number; readonly userId: number; readonly uuid: string; readonly positionId: number };
  readonly oldSerial: string | null;
  readonly issued?: NewRenewal['issued'];
  /** Extra audit facts (what a recovery took over); never secrets. */
  readonly details?: Record<string, unknown>;
}

export async function openRenewal(ctx: ServiceContext, o: Opening, now: Date): Promise<RenewalOpened> {
  // One renewal at a time per card: a new one supersedes those still waiting, except one that
  // issued a certificate the card may hold (a recovery carries that one over and voids it).
  await voidUnfinishedRenewals(ctx.db, o.card.cardId, { keepIssued: o.kind !== 'recovery' });
  const renewalId = newRenewalId();
  await insertRenewal(ctx.db, {
    renewalHash: hashRenewalId(renewalId),
    cardId: o.card.cardId,
    kind: o.kind,
    workstationId: o.workstationId,
    ...(o.sponsor ? { sponsorSessionId: o.sponsor.sessionId, sponsorUserId: o.sponsor.userId } : {}),
    oldSerial: o.oldSerial,
    ...(o.issued ? { issued: o.issued } : {}),
    createdAt: now.getTime(),
  });
  await appendAudit(
    ctx.db,
    {
      action: 'card.renewal-started',
      actor: o.sponsor?.uuid ?? o.card.holderUuid,
      subject: o.card.cardUuid,
      workstationId: o.workstationId,
      details: {
        kind: o.kind,
        holderUuid: o.card.holderUuid,
        sponsorUuid: o.sponsor?.uuid ?? null,
        cardUuid: o.card.cardUuid,
        workstationId: o.workstationId,
        oldSerial: o.oldSerial,
        ...(o.sponsor ? { positionId: o.sponsor.positionId } : {}),
        ...(o.details ?? {}),
      },
    },
    now,
  );
  return {
    renewalId,
    cardUuid: o.card.cardUuid,
    holder: { uuid: o.card.holderUuid, name: o.card.holderName },
    algorithm: o.card.algorithm,
    expiresAt: new Date(renewalExpiry(now.getTime())).toISOString(),
  };
}
