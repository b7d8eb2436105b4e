import type { z } from 'zod';
import { RepairedPart, type RepairedBody, type RepairedResponse, type RepairSmartcardBody, type RepairSmartcardOpened } from '../../src-shared/api/cim-cards.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { cardInScope, NOT_THIS_CARD, openOnCard, readoutIsCard, stoppedAs } from './card-in-scope.js';
import { finishedBefore, finishOperation, operationForStep } from './card-operation-store.js';

// Repairing a smartcard: the RA's agent reads the card in the second reader, opens the repair
// here (the card on record, active or locked, and this very card by CHUID or serial) and gets
// the card's live certificate as the service records it. After proving the card with the
// service-held management key (card-operation-relay, as every card operation does), the agent
// rewrites the CHUID if it is missing or wrong and the certificate if it is missing or different,
// but only when the card's own 9A key is that certificate's key: a certificate is never written
// for a key the card does not hold. It then says what it rewrote; the passcode is never touched.

export async function openRepair(
  ctx: ServiceContext,
  session: SessionContext,
  cardUuid: string,
  body: z.output<typeof RepairSmartcardBody>,
): Promise<z.output<typeof RepairSmartcardOpened>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const card = await cardInScope(trx, session, 'repair-smartcard', cardUuid, now);
    if (card.status !== 'active' && card.status !== 'locked') {
      throw conflict(`This smartcard has been ${stoppedAs(card)}, so it cannot be repaired. Issue a new smartcard instead.`);
    }
    if (!readoutIsCard(body.card, card)) throw conflict(NOT_THIS_CARD);
    // The live certificate: the newest one not revoked (a renewal revokes the one it replaced).
    const live = await trx
      .selectFrom('certificates')
      .select('der')
      .where('card_id', '=', card.cardId)
      .where('revoked_at', 'is', null)
      .where('der', 'is not', null)
      .orderBy('not_after', 'desc')
      .executeTakeFirst();
    if (!live?.der) throw conflict('This smartcard has no live certificate to write back. Cancel it and issue a new smartcard.');
    const { operationId } = await openOnCard(trx, 'repair', session, card, { workstationId: body.workstationId, serial: body.card.serial }, now);
    return { operationId, cardUuid: card.cardUuid, algorithm: card.algorithm, certificate: live.der.toString('base64') };
  });
}

const PART_WORDS: Record<RepairedPart, string> = { certificate: 'its certificate', chuid: 'its card identifier (CHUID)' };

/** What the repair did, in the RA's words. */
function repairMessage(repaired: readonly RepairedPart[], keyMatches: boolean): string {
  const rewritten = repaired.map((part) => PART_WORDS[part]).join(' and ');
  if (!keyMatches) {
    return (
      "This smartcard's key does not match the certificate on record, so its certificate could not be written back. " +
      (rewritten ? `${rewritten[0]?.toUpperCase()}${rewritten.slice(1)} was written again. ` : '') +
      'Cancel the card and issue a new smartcard.'
    );
  }
  return rewritten ? `Smartcard repaired successfully: ${rewritten} ${repaired.length > 1 ? 'were' : 'was'} written again.` : 'Smartcard repaired successfully: nothing on it needed repairing.';
}

/** A finished repair's outcome ("repaired:certificate,chuid", "key-mismatch:chuid"), read back. */
function parseOutcome(outcome: string | null): { repaired: RepairedPart[]; keyMatches: boolean } {
  const [word, parts = ''] = (outcome ?? '').split(':');
  const repaired = parts.split(',').flatMap((part) => {
    const parsed = RepairedPart.safeParse(part);
    return parsed.success ? [parsed.data] : [];
  });
  return { repaired, keyMatches: word === 'repaired' };
}

export async function recordRepair(
  ctx: ServiceContext,
  session: SessionContext,
  operationId: string,
  body: z.output<typeof RepairedBody>,
): Promise<z.output<typeof RepairedResponse>> {
  const repaired = [...new Set(body.repaired)].sort();
  if (!body.keyMatches && repaired.includes('certificate')) {
    throw badRequest('A certificate is only written to a card that holds its key.', [
      { path: 'body.repaired', message: "the certificate cannot have been rewritten when the card's key does not match it" },
    ]);
  }
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const recorded = await finishedBefore(trx, session, 'repair', { operationId, workstationId: body.workstationId }, now);
    if (recorded !== null) {
      // Sent again: what was recorded.
      const was = parseOutcome(recorded.outcome);
      return { repaired: was.repaired, message: repairMessage(was.repaired, was.keyMatches) };
    }
    const op = await operationForStep(
      trx,
      session,
      { operationId, workstationId: body.workstationId, now },
      { kind: 'repair', from: ['authenticated'], notNow: 'The smartcard has not proved itself to the service yet. Start the repair again.' },
    );
    const outcome = `${body.keyMatches ? 'repaired' : 'key-mismatch'}:${repaired.join(',')}`;
    await finishOperation(trx, op.id, outcome, now.getTime());
    await appendAudit(
      trx,
      {
        action: 'card.repaired',
        actor: session.userUuid,
        subject: op.cardUuid,
        workstationId: body.workstationId,
        details: { holder: op.holderUuid, repaired, keyMatches: body.keyMatches },
      },
      now,
    );
    return { repaired, message: repairMessage(repaired, body.keyMatches) };
  });
}
