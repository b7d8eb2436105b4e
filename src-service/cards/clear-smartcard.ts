import type { z } from 'zod';
import { isBlankReadout, type ClearedBody, type ClearedResponse, type ClearSmartcardBody, type ClearSmartcardOpened } from '../../src-shared/api/cim-cards.js';
import { stopCard } from '../auth/card-revocation.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { cardInScope, NOT_THIS_CARD, openOnCard, readoutIsCard } from './card-in-scope.js';
import { finishedBefore, finishOperation, operationForStep } from './card-operation-store.js';

// Clearing a smartcard so it can be reused: the RA's agent proves the card with the service-held
// management key (so only the card on record is reset), deletes its certificate and CHUID, blocks
// its PIN and PUK and resets it to factory state, then reads it again. Only a card that reads
// blank is recorded as cleared: its certificates are revoked ('cleared'), it is unregistered
// (status 'revoked' with cleared_at, its serial free to issue again), and any session it opened
// ends. A card already reset elsewhere (blank, with the card's serial) needs no proof: there is
// nothing left on it to protect.

/** Marks an open clear of a card that was already blank: the clear may finish without a card proof. */
const ALREADY_BLANK = 'already-blank';
/** The revocation reason of a cleared card's certificates (listed as cessationOfOperation). */
const CLEARED = 'cleared';

export async function openClear(
  ctx: ServiceContext,
  session: SessionContext,
  cardUuid: string,
  body: z.output<typeof ClearSmartcardBody>,
): Promise<z.output<typeof ClearSmartcardOpened>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const card = await cardInScope(trx, session, 'clear-smartcard', cardUuid, now);
    if (card.clearedAt !== null) throw conflict('This smartcard has already been cleared. It can be issued again.');
    if (!readoutIsCard(body.card, card)) throw conflict(NOT_THIS_CARD);
    const alreadyBlank = isBlankReadout(body.card);
    // A blank card is only this card by its serial: it has no CHUID left.
    if (alreadyBlank && body.card.serial === null) throw conflict(NOT_THIS_CARD);
    const { operationId } = await openOnCard(
      trx,
      'clear',
      session,
      card,
      { workstationId: body.workstationId, serial: body.card.serial, ...(alreadyBlank ? { outcome: ALREADY_BLANK } : {}) },
      now,
    );
    return { operationId, cardUuid: card.cardUuid, alreadyBlank };
  });
}

export async function recordClear(
  ctx: ServiceContext,
  session: SessionContext,
  operationId: string,
  body: z.output<typeof ClearedBody>,
): Promise<z.output<typeof ClearedResponse>> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const recorded = await finishedBefore(trx, session, 'clear', { operationId, workstationId: body.workstationId }, now);
    if (recorded !== null && recorded.cardId !== null) {
      // Sent again: the same answer, and nothing changes.
      const { n } = await trx
        .selectFrom('certificates')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('card_id', '=', recorded.cardId)
        .where('revocation_reason', '=', CLEARED)
        .executeTakeFirstOrThrow();
      return { certificatesRevoked: Number(n) };
    }
    const op = await operationForStep(trx, session, { operationId, workstationId: body.workstationId, now }, { kind: 'clear', from: ['opened', 'authenticated'] });
    if (op.status === 'opened' && op.outcome !== ALREADY_BLANK) {
      throw conflict('The smartcard has not proved itself to the service yet. Start clearing it again.');
    }
    if (!isBlankReadout(body.card)) throw conflict('The smartcard is not blank yet, so it has not been cleared. Start clearing it again.');
    if (op.cardSerial !== null && body.card.serial !== op.cardSerial) throw conflict(NOT_THIS_CARD);
    const { cardId, certificatesRevoked } = await stopCard(
      trx,
      {
        cardUuid: op.cardUuid,
        reason: CLEARED,
        actor: session.userUuid,
        workstationId: body.workstationId,
        stop: 'cleared',
        action: 'card.cleared',
        details: { holder: op.holderUuid, alreadyBlank: op.outcome === ALREADY_BLANK },
      },
      now,
    );
    // The card is at factory settings: the secrets the service held for it open nothing now.
    await trx.updateTable('cards').set({ puk_sealed: null, management_key_sealed: null, puk_pending_sealed: null }).where('id', '=', cardId).execute();
    await finishOperation(trx, op.id, CLEARED, now.getTime());
    return { certificatesRevoked };
  });
}
