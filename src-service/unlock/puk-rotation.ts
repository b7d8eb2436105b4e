import type { z } from 'zod';
import type { PukReleaseRequest, PukReleaseResponse, UnlockCommitRequest, UnlockCommitResponse } from '../../src-shared/api/service-unlock.js';
import { appendAudit } from '../audit/audit-log.js';
import { newPuk, openCardSecret, sealCardSecret } from '../crypto/card-secrets.js';
import type { ServiceContext } from '../service-context.js';
import { requireCardProof } from './card-proof.js';
import { requireCardStep, requireOwnExchange } from './card-step.js';
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
//
// When the card refuses the current PUK while a rotation is pending, it holds the pending one:
// the agent says so at once (a commit with `pukOnly`), before it tries that PUK, so a card
// pulled in between costs no second PUK attempt next time. The pending PUK becomes current; the
// unlock's own commit, after the passcode is reset with it, then has nothing left to rotate.

const pukColumns = (ctx: ServiceContext, cardId: number): Promise<{ puk_sealed: Buffer | null; puk_pending_sealed: Buffer | null }> =>
  ctx.db.selectFrom('cards').select(['puk_sealed', 'puk_pending_sealed']).where('id', '=', cardId).executeTakeFirstOrThrow();

/** The audit facts of an unlock's card steps: who did it (the sponsor, or the holder) and to what. */
function stepFacts(row: UnlockRow, workstationId: string, step: string): RefusalFacts {
  return { subject: row.cardUuid, actor: row.sponsorUuid ?? row.holderUuid, workstationId, details: { kind: row.kind, step } };
}

export async function releasePuk(ctx: ServiceContext, unlockId: string, body: z.infer<typeof PukReleaseRequest>): Promise<PukReleaseResponse> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.unlock-refused', facts, async (tx) => {
    const now = tx.now().getTime();
    const row = await findUnlock(tx.db, unlockId, body.workstationId);
    Object.assign(facts, stepFacts(row, body.workstationId, 'release'));
    requireCardStep(row);
    await requireStillAllowed(tx, row, now);
    await requireOwnExchange(tx, row, body.exchangeId);
    await requireCardProof(tx, row.cardUuid, body.exchangeId, body.cardResponse, 'The smartcard that answered is not the one being unlocked. Start again.');

    const sealed = await pukColumns(tx, row.cardId);
    if (!sealed.puk_sealed) {
      throw refuse(409, 'conflict', 'no-puk', 'The identity service holds no PUK for this smartcard, so it cannot be unlocked here. Contact your registration authority.');
    }
    const current = openCardSecret(tx.dataKey, row.cardUuid, 'puk', sealed.puk_sealed);
    const rotationPending = sealed.puk_pending_sealed !== null;
    let nextPuk: string;
    if (sealed.puk_pending_sealed) {
      const pending = openCardSecret(tx.dataKey, row.cardUuid, 'puk-pending', sealed.puk_pending_sealed);
      nextPuk = pending.toString('ascii');
      pending.fill(0);
    } else {
      nextPuk = newPuk();
      await tx.db
        .updateTable('cards')
        .set({ puk_pending_sealed: sealCardSecret(tx.dataKey, row.cardUuid, 'puk-pending', Buffer.from(nextPuk, 'ascii')) })
        .where('id', '=', row.cardId)
        .execute();
    }
    const puk = current.toString('ascii');
    current.fill(0);
    await tx.db.updateTable('card_unlocks').set({ status: 'void' }).where('card_id', '=', row.cardId).where('status', '=', 'released').where('id', '<>', row.id).execute();
    await setUnlockStatus(tx.db, row.id, 'released', now);
    await tx.db.updateTable('card_unlocks').set((eb) => ({ releases: eb('releases', '+', 1) })).where('id', '=', row.id).execute();
    await appendAudit(
      tx.db,
      {
        action: 'card.puk-released',
        actor: facts.actor ?? null,
        subject: row.cardUuid,
        workstationId: body.workstationId,
        details: { kind: row.kind, holderUuid: row.holderUuid, rotationPending, release: row.releases + 1 },
      },
      new Date(now),
    );
    return { puk, nextPuk, rotationPending };
  });
}

/** `pukOnly`: the card refused the current PUK, so it holds the pending one; make that current. */
async function reconcilePuk(ctx: ServiceContext, row: UnlockRow, workstationId: string, now: number): Promise<{ pukReconciled: true }> {
  const sealed = await pukColumns(ctx, row.cardId);
  if (!sealed.puk_pending_sealed) {
    // Said again (the agent did not hear the first answer): the same answer.
    if (row.pukReconciledAt !== null) return { pukReconciled: true as const };
    throw refuse(409, 'conflict', 'nothing-pending', 'That unlock has no PUK waiting to be made current. Start again.');
  }
  await makePendingCurrent(ctx, row, sealed.puk_pending_sealed);
  await ctx.db.updateTable('card_unlocks').set({ puk_reconciled_at: now }).where('id', '=', row.id).execute();
  await appendAudit(
    ctx.db,
    {
      action: 'card.puk-reconciled',
      actor: row.sponsorUuid ?? row.holderUuid,
      subject: row.cardUuid,
      workstationId,
      details: { kind: row.kind, holderUuid: row.holderUuid, cardUuid: row.cardUuid },
    },
    new Date(now),
  );
  return { pukReconciled: true as const };
}

async function makePendingCurrent(ctx: ServiceContext, row: UnlockRow, pendingSealed: Buffer): Promise<void> {
  const pending = openCardSecret(ctx.dataKey, row.cardUuid, 'puk-pending', pendingSealed);
  const resealed = sealCardSecret(ctx.dataKey, row.cardUuid, 'puk', pending);
  pending.fill(0);
  await ctx.db.updateTable('cards').set({ puk_sealed: resealed, puk_pending_sealed: null }).where('id', '=', row.cardId).execute();
}

export async function commitUnlock(ctx: ServiceContext, unlockId: string, body: z.infer<typeof UnlockCommitRequest>): Promise<UnlockCommitResponse> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.unlock-refused', facts, async (tx) => {
    const now = tx.now().getTime();
    const row = await findUnlock(tx.db, unlockId, body.workstationId);
    // Said again (the agent did not hear the first answer): the same answer, nothing redone.
    if (row.status === 'committed') return body.pukOnly ? { pukReconciled: true as const } : { unlocked: true as const };
    Object.assign(facts, stepFacts(row, body.workstationId, body.pukOnly ? 'reconcile' : 'commit'));
    requireStep(row, 'released');
    if (body.pukOnly) return reconcilePuk(tx, row, body.workstationId, now);
    const sealed = await pukColumns(tx, row.cardId);
    if (sealed.puk_pending_sealed) await makePendingCurrent(tx, row, sealed.puk_pending_sealed);
    // Reconciled earlier in this unlock: the card's PUK is already current, nothing to rotate.
    else if (row.pukReconciledAt === null) {
      throw refuse(409, 'conflict', 'nothing-pending', 'That unlock has no PUK waiting to be made current. Start again.');
    }
    // A card the directory had locked is usable again; a card stopped meanwhile stays stopped.
    await tx.db.updateTable('cards').set({ status: 'active' }).where('id', '=', row.cardId).where('status', '=', 'locked').execute();
    await setUnlockStatus(tx.db, row.id, 'committed', now);
    await appendAudit(
      tx.db,
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
