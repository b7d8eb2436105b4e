import type { z } from 'zod';
import type { PukReleaseRequest, PukReleaseResponse, UnlockCommitRequest } from '../../src-shared/api/service-unlock.js';
import { appendAudit } from '../audit/audit-log.js';
import { newPuk, openCardSecret, sealCardSecret } from '../crypto/card-secrets.js';
import { managementKeyExchangesFor } from '../crypto/management-key-exchanges.js';
import { ServiceError } from '../http/service-error.js';
import type { ServiceContext } from '../service-context.js';
import { prepared } from '../store/prepared.js';
import { auditedStep, refuse, type RefusalFacts } from './unlock-refusal.js';
import { findUnlock, setUnlockStatus, type UnlockRow } from './unlock-store.js';
import { requireStep, requireStillAllowed } from './unlock-liveness.js';

// The PUK's two-phase rotation. Release: the card has proved itself, so its current PUK and the
// one to replace it go to the agent's main process; the replacement is kept sealed as pending.
// Commit: the agent says the card now holds it, and it becomes current. A release without a
// commit (card pulled, agent killed) leaves the pending PUK in place: the next release hands out
// the same one and says a rotation is pending, so the agent can find which the card holds.
//
// Only the newest release of a card may commit: each release voids older released unlocks of
// that card, so a late commit can never make current a PUK the card was not given.

interface PukColumns {
  puk_sealed: Buffer | null;
  puk_pending_sealed: Buffer | null;
}

const pukColumns = (ctx: ServiceContext, cardId: number): PukColumns =>
  prepared(ctx.db, 'SELECT puk_sealed, puk_pending_sealed FROM cards WHERE id = ?').get(cardId) as PukColumns;

/** The audit facts of an unlock's card steps: who did it (the sponsor, or the holder) and to what. */
function stepFacts(row: UnlockRow, workstationId: string, step: string): RefusalFacts {
  return { subject: row.cardUuid, actor: row.sponsorUuid ?? row.holderUuid, workstationId, details: { kind: row.kind, step } };
}

/** The card's answer to the witness step's challenge: it must come from the card being unlocked. */
function checkCardProof(ctx: ServiceContext, row: UnlockRow, exchangeId: string, cardResponse: string): void {
  let proved: { cardUuid: string };
  try {
    proved = managementKeyExchangesFor(ctx).checkCardResponse(exchangeId, Buffer.from(cardResponse, 'base64'));
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    throw refuse(err.status, err.code, 'card-proof-failed', err.message);
  }
  if (proved.cardUuid !== row.cardUuid) throw refuse(403, 'forbidden', 'other-card', 'The smartcard that answered is not the one being unlocked. Start again.');
}

export function releasePuk(ctx: ServiceContext, unlockId: string, body: z.infer<typeof PukReleaseRequest>): PukReleaseResponse {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.unlock-refused', facts, () => {
    const now = ctx.now().getTime();
    const row = findUnlock(ctx.db, unlockId, body.workstationId);
    Object.assign(facts, stepFacts(row, body.workstationId, 'release'));
    requireStep(row, 'ready');
    requireStillAllowed(ctx, row, now);
    checkCardProof(ctx, row, body.exchangeId, body.cardResponse);

    const sealed = pukColumns(ctx, row.cardId);
    if (!sealed.puk_sealed) {
      throw refuse(409, 'conflict', 'no-puk', 'The identity service holds no PUK for this smartcard, so it cannot be unlocked here. Contact your registration authority.');
    }
    const current = openCardSecret(ctx.dataKey, row.cardUuid, 'puk', sealed.puk_sealed);
    const rotationPending = sealed.puk_pending_sealed !== null;
    let nextPuk: string;
    if (sealed.puk_pending_sealed) {
      const pending = openCardSecret(ctx.dataKey, row.cardUuid, 'puk-pending', sealed.puk_pending_sealed);
      nextPuk = pending.toString('ascii');
      pending.fill(0);
    } else {
      nextPuk = newPuk();
      prepared(ctx.db, 'UPDATE cards SET puk_pending_sealed = ? WHERE id = ?').run(sealCardSecret(ctx.dataKey, row.cardUuid, 'puk-pending', Buffer.from(nextPuk, 'ascii')), row.cardId);
    }
    const puk = current.toString('ascii');
    current.fill(0);
    prepared(ctx.db, "UPDATE card_unlocks SET status = 'void' WHERE card_id = ? AND status = 'released' AND id <> ?").run(row.cardId, row.id);
    setUnlockStatus(ctx.db, row.id, 'released', now);
    appendAudit(
      ctx.db,
      {
        action: 'card.puk-released',
        actor: facts.actor ?? null,
        subject: row.cardUuid,
        workstationId: body.workstationId,
        details: { kind: row.kind, holderUuid: row.holderUuid, rotationPending },
      },
      new Date(now),
    );
    return { puk, nextPuk, rotationPending };
  });
}

export function commitUnlock(ctx: ServiceContext, unlockId: string, body: z.infer<typeof UnlockCommitRequest>): { unlocked: true } {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.unlock-refused', facts, () => {
    const now = ctx.now().getTime();
    const row = findUnlock(ctx.db, unlockId, body.workstationId);
    // Said again (the agent did not hear the first answer): the same answer, nothing redone.
    if (row.status === 'committed') return { unlocked: true as const };
    Object.assign(facts, stepFacts(row, body.workstationId, 'commit'));
    requireStep(row, 'released');
    const sealed = pukColumns(ctx, row.cardId);
    if (!sealed.puk_pending_sealed) {
      throw refuse(409, 'conflict', 'nothing-pending', 'That unlock has no PUK waiting to be made current. Start again.');
    }
    const pending = openCardSecret(ctx.dataKey, row.cardUuid, 'puk-pending', sealed.puk_pending_sealed);
    const resealed = sealCardSecret(ctx.dataKey, row.cardUuid, 'puk', pending);
    pending.fill(0);
    // A card the directory had locked is usable again; a card stopped meanwhile stays stopped.
    prepared(ctx.db, "UPDATE cards SET puk_sealed = ?, puk_pending_sealed = NULL, status = CASE status WHEN 'locked' THEN 'active' ELSE status END WHERE id = ?").run(
      resealed,
      row.cardId,
    );
    setUnlockStatus(ctx.db, row.id, 'committed', now);
    appendAudit(
      ctx.db,
      {
        action: 'card.unlocked',
        actor: row.sponsorUuid ?? row.holderUuid,
        subject: row.cardUuid,
        workstationId: body.workstationId,
        details: { kind: row.kind, holderUuid: row.holderUuid, cardUuid: row.cardUuid, sponsorUuid: row.sponsorUuid, workstationId: body.workstationId },
      },
      new Date(now),
    );
    return { unlocked: true as const };
  });
}
